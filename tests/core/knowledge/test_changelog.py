"""Changelog sections split into one entry per version, in every style real readmes use."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.changelog import find_version, split_changelog
from bot.core.knowledge.models import ChangelogEntry
from bot.core.knowledge.readme import decode_text, parse_readme
from tests.core.knowledge.real_readmes import readmes_dir


@pytest.mark.parametrize(
    ("heading", "version"),
    [
        ("1.6.3", "1.6.3"),
        ("2024-06-25 – 1.6.3", "1.6.3"),
        ("5.4.2 - 27th January 2024", "5.4.2"),
        ("v1.6.0 (2023-03-31)", "1.6.0"),
        ("2.0.1 (Date: February 06, 2026)", "2.0.1"),
        ("Version 3", "3"),
        ("[5.0.0] - 2023-11-01", "5.0.0"),
        ("9.5.10.1 - 2026-04-29", "9.5.10.1"),
        ("2.0.0-beta2", "2.0.0-beta2"),
        ("01.02.2024 - 1.2", "1.2"),
        ("Earlier versions", None),
        ("Fixed", None),
    ],
)
def test_version_is_found_in_a_heading(heading: str, version: str | None) -> None:
    found = find_version(heading)
    assert (found[0] if found else None) == version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "= 1.1 =\n* Fix A\n* Fix B\n\n= 1.0 =\n* First\n",
            [("1.1", None, ("Fix A", "Fix B")), ("1.0", None, ("First",))],
        ),
        (
            "= 2024-06-25 – 1.6.3 =\n* Fixed\n",
            [("1.6.3", "2024-06-25", ("Fixed",))],
        ),
        (
            "### 6.0.2\n- One\n### 6.0.1\n- Two\n",
            [("6.0.2", None, ("One",)), ("6.0.1", None, ("Two",))],
        ),
        (
            "**1.0**\n* Launch\n\n**0.9**\n* Beta\n",
            [("1.0", None, ("Launch",)), ("0.9", None, ("Beta",))],
        ),
        (
            "#### 1.2.3 - 2024-01-01\n* Item\n",
            [("1.2.3", "2024-01-01", ("Item",))],
        ),
        (
            "### 1.12.4 - 2024-07-17\n#### Removed\n- Old API\n\n#### Fixed\n- Crash\n",
            [("1.12.4", "2024-07-17", ("Removed: Old API", "Fixed: Crash"))],
        ),
        (
            "= 5.0.2 =\n\n__Changed:__\n\n* Counts\n\n__Fixed:__\n\n* Typos\n",
            [("5.0.2", None, ("Changed: Counts", "Fixed: Typos"))],
        ),
        (
            "= 3.1.5 =\n*Release Date - 13 October 2015*\n\n* Closes XSS.\n",
            [("3.1.5", "13 October 2015", ("Closes XSS.",))],
        ),
        (
            "= 1.0 =\n* A long item\n  that wraps\n* Next\n",
            [("1.0", None, ("A long item that wraps", "Next"))],
        ),
        (
            "= 1.7 =\n* Last\n\n= Earlier versions =\n* Ancient history\n",
            [("1.7", None, ("Last",))],
        ),
        (
            "Releases are on the blog.\n\n= 1.0 =\n* Item\n\n--------\n\n[Older](https://x.test)\n",
            [("1.0", None, ("Item",))],
        ),
        ("", []),
        ("Just text, no versions.\n", []),
    ],
)
def test_changelog_is_split_into_versions(
    text: str, expected: list[tuple[str, str | None, tuple[str, ...]]]
) -> None:
    assert split_changelog(text) == tuple(ChangelogEntry(*row) for row in expected)


@pytest.mark.parametrize(
    ("file", "version", "date", "first_item"),
    [
        ("akismet-2015-readme.txt", "3.1.5", "13 October 2015", "Closes a potential XSS"),
        ("elasticpress-readme.txt", "5.0.2", "2024-01-16", "Changed: [Terms] Counts"),
        ("fluent-support-readme.txt", "2.0.1", "February 06, 2026", "Improved onboarding"),
        ("health-check-readme.txt", "1.7.0", "2023-08-06", "General: Improved styling"),
        ("redirection-readme.txt", "5.4.2", "27th January 2024", "Remove Geo IP option"),
        ("wp-super-cache-readme.txt", "1.12.4", "2024-07-17", "Removed: General: update"),
        ("woocommerce-2015-readme.txt", "2.4.7", "21/09/2015", "Fix - Handle Switzerland"),
        ("awesome-support-readme.txt", "6.3.0", None, "Update General Rules"),
    ],
)
def test_real_changelog_first_entry(
    file: str, version: str, date: str | None, first_item: str
) -> None:
    readme = parse_readme(decode_text((readmes_dir() / file).read_bytes())[0])
    entry = readme.changelog[0]
    assert (entry.version, entry.date) == (version, date)
    assert entry.items[0].startswith(first_item)


@pytest.mark.parametrize(
    ("file", "count"),
    [
        ("elasticpress-readme.txt", 98),
        ("wordpress-seo-2015-readme.txt", 19),
        ("jetpack-2015-readme.txt", 80),
    ],
)
def test_real_changelog_has_one_entry_per_version_heading(file: str, count: int) -> None:
    readme = parse_readme(decode_text((readmes_dir() / file).read_bytes())[0])
    assert len(readme.changelog) == count


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_split_changelog_never_raises(text: str) -> None:
    for entry in split_changelog(text):
        assert entry.version
