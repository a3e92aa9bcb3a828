"""Site Health pastes: every real sample, the usual damage, and hostile input."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.site_health import (
    PluginInfo,
    SiteHealthReport,
    looks_like_site_health,
    parse_site_health,
)
from tests.shared_data import shared_path


def site_health_sample(name: str) -> str:
    return shared_path("realworld", "wp", "site-health", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Expected:
    """Read off each file by hand (see shared/realworld/wp/SOURCES.md for what each one is)."""

    file: str
    wp: str | None
    language: str | None
    theme: tuple[str, str | None, str | None] | None  # name, slug, version
    parent: tuple[str, str | None] | None
    active: int
    plugins: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    php: str | None = None
    truncated: bool = True


REAL_PASTES = [
    Expected(
        "01.txt", "6.8", "en_US", ("Flat Bootstrap Child", "flat-bootstrap-child", "1.5"),
        ("Flat Bootstrap", "flat-bootstrap"), 25,
        {
            "Yoast SEO": ("25.0", "25.1"),
            "Contact Form 7 Modules: Hidden Fields": ("2.0.2", None),
            "Smart Slider 3": ("3.5.1.27", None),
            "Accordions - By PickPlugins": ("2.3.11", "2.3.12"),
        },
        php="8.2.28", truncated=False,
    ),
    Expected("02.txt", "5.2.4", "it_IT", ("Divi", None, "4.0.3"), None, 0),
    Expected("03.txt", "5.2.4", "ru_RU", ("Astra", "astra", "1.6.9"), None, 0),
    Expected("04.txt", "5.3.2", "pl_PL", None, None, 0),
    Expected("05.txt", "5.2.2", "en_US", ("RedSeal", None, "1.5.4"), None, 0),
    Expected(
        "06.txt", "5.2.3", "en_US", ("Tour Package Child 01", None, "2.06"),
        ("Tour Package", None), 0,
    ),
    Expected("07.txt", "5.3.2", "en_US", ("Twenty Twenty", "twentytwenty", "1.1"), None, 0),
    Expected(
        "08.txt", None, None, None, None, 16,
        {"Thrive Architect": ("3.3.3", None), "Smart Slider 3 Pro": ("3.5.1.1", None)},
    ),
    Expected(
        "09.txt", None, None, None, None, 14,
        {"Advanced Custom Fields PRO": ("5.12.2", "6.0.7"), "Co-Authors Plus": ("3.5.2", "3.5.10")},
    ),
    Expected(
        "10.txt", None, None, None, None, 16,
        {"Akismet Anti-spam: Spam Protection": ("5.6", None), "Cloudflare": ("4.14.2", None)},
    ),
    Expected(
        "11.txt", "4.9.12", "en_US", ("OceanWP Child", "oceanwp-child-theme-master", "1.0"),
        ("OceanWP", "oceanwp"), 0,
    ),
]  # fmt: skip


def plugin(report: SiteHealthReport, name: str) -> PluginInfo:
    (found,) = [p for p in report.plugins if p.name == name]
    return found


@pytest.mark.parametrize("expected", REAL_PASTES, ids=lambda e: e.file)
def test_every_real_paste_is_read(expected: Expected) -> None:
    text = site_health_sample(expected.file)
    assert looks_like_site_health(text)
    report = parse_site_health(text)
    assert report is not None
    assert (report.wp_version, report.site_language) == (expected.wp, expected.language)
    assert report.php_version == expected.php
    theme = report.active_theme
    assert ((theme.name, theme.slug, theme.version) if theme else None) == expected.theme
    parent = report.parent_theme
    assert ((parent.name, parent.slug) if parent else None) == expected.parent
    assert len(report.active_plugins) == expected.active
    for name, (version, latest) in expected.plugins.items():
        found = plugin(report, name)
        assert (found.version, found.latest_version) == (version, latest)
    assert report.truncated is expected.truncated


def test_the_complete_paste_gives_server_database_theme_and_constants() -> None:
    report = parse_site_health(site_health_sample("01.txt"))
    assert report is not None
    assert (report.multisite, report.server, report.memory_limit) == (False, "Apache", "512M")
    assert report.database is not None
    assert (report.database.type, report.database.version) == ("MySQL", "8.0.41")
    assert report.debug_enabled is False
    assert report.constants["WP_CACHE"] == "true"
    assert report.dropins == ("advanced-cache.php",)
    assert [(t.name, t.version) for t in report.inactive_themes] == [("Twenty Twenty-Four", "1.3")]
    assert len(report.mu_plugins) == 6
    assert plugin(report, "Health Check Troubleshooting Mode").author is None
    assert report.sections[0] == "wp-core" and report.sections[-1] == "wp-filesystem"
    assert "imagick::RESOURCETYPE_AREA" not in report.fields["wp-media"]


@pytest.mark.parametrize(
    ("file", "name", "author", "auto_update"),
    [
        ("01.txt", "Contact Form 7 Modules: Send All Fields", "Katz Web Services, Inc.", False),
        ("08.txt", "Thrive Comments", "Thrive Themes", False),  # HTML link in the author field
        ("09.txt", "Co-Authors Plus", "Mohammad Jangda, Daniel Bachhuber, Automattic", False),
        ("10.txt", "Collapse-O-Matic", "twinpictures, baden03", False),
        ("10.txt", "Advanced Custom Fields", "WP Engine", True),
    ],
)
def test_authors_keep_their_commas_and_lose_their_html(
    file: str, name: str, author: str, auto_update: bool
) -> None:
    report = parse_site_health(site_health_sample(file))
    assert report is not None
    found = plugin(report, name)
    assert (found.author, found.auto_update) == (author, auto_update)


PASTE = """### wp-core ###

version: 6.4.3
site_language: nl_NL
multisite: true

### wp-active-theme ###

name: Polder Child (polder-child)
version: 1.2 (latest version: 1.3)
parent_theme: Polder (polder)
auto_update: Ingeschakeld

### wp-plugins-active (3) ###

AppointPress: version: 3.4.1, author: NME, Inc. (latest version: 3.4.2), Automatische updates aan
Contact Form 7: version: 5.9, author: Takayuki Miyoshi, Automatische updates uitgeschakeld
Fancy: Gallery: author: (undefined), version: 2.0, Automatische updates uitgeschakeld

### wp-server ###

php_version: 8.1.27 64bit

### wp-database ###

server_version: 5.5.5-10.6.16-MariaDB-0ubuntu0.22.04.1

### wp-constants ###

WP_DEBUG: true

### wp-filesystem ###

wordpress: writable
"""


def damaged(variant: str) -> str:
    lines = PASTE.splitlines()
    if variant == "crlf":
        return "\r\n".join(lines)
    if variant == "blank line after every line":
        return "\n\n".join(lines)
    if variant == "quoted in an e-mail reply":
        return "\n".join("> " + line for line in lines)
    if variant == "backtick wrapper":
        return "`\n" + PASTE + "`"
    if variant == "fenced in details":
        return "<details><summary>Site Health</summary>\n\n```text\n" + PASTE + "```\n</details>"
    if variant == "header outside the fence":
        first, rest = PASTE.split("\n", 1)
        return first + "\n```\n" + rest + "```"
    if variant == "text around it":
        return "Hoi, hier is mijn info:\n\n" + PASTE + "\nGroet, Anna"
    raise AssertionError(variant)


@pytest.mark.parametrize(
    "variant",
    [
        "crlf",
        "blank line after every line",
        "quoted in an e-mail reply",
        "backtick wrapper",
        "fenced in details",
        "header outside the fence",
        "text around it",
    ],
)
def test_mangled_pastes_read_the_same(variant: str) -> None:
    report = parse_site_health(damaged(variant))
    assert report is not None
    assert (report.wp_version, report.php_version, report.multisite) == ("6.4.3", "8.1.27", True)
    assert report.active_theme is not None and report.parent_theme is not None
    assert (report.active_theme.slug, report.active_theme.latest_version) == ("polder-child", "1.3")
    assert report.active_theme.auto_update is True
    assert report.parent_theme.slug == "polder"
    assert [p.name for p in report.active_plugins] == [
        "AppointPress",
        "Contact Form 7",
        "Fancy: Gallery",
    ]
    assert report.debug_enabled is True
    assert report.truncated is False


def test_localised_auto_update_phrases_and_author_first_lines_are_read() -> None:
    report = parse_site_health(PASTE)
    assert report is not None
    ours, cf7, gallery = report.active_plugins
    assert ours == PluginInfo("AppointPress", "3.4.1", "NME, Inc.", "3.4.2", True)
    assert (cf7.author, cf7.auto_update) == ("Takayuki Miyoshi", False)
    assert (gallery.author, gallery.version, gallery.auto_update) == (None, "2.0", False)
    assert ours.outdated and not cf7.outdated


def test_mariadb_version_is_taken_from_behind_the_compatibility_prefix() -> None:
    report = parse_site_health(PASTE)
    assert report is not None and report.database is not None
    assert (report.database.type, report.database.version) == ("MariaDB", "10.6.16")


def test_an_unknown_language_auto_update_phrase_is_recognised_by_repetition() -> None:
    lines = [
        "Alpha: version: 1.0, author: Alpha, Inc., Otomatik güncellemeler devre dışı",
        "Beta: version: 2.0, author: Beta Ltd, Otomatik güncellemeler devre dışı",
        "Gamma: version: 3.0, author: Gamma, Otomatik güncellemeler devre dışı",
    ]
    report = parse_site_health("\n".join(lines))
    assert report is not None
    assert [p.author for p in report.active_plugins] == ["Alpha, Inc.", "Beta Ltd", "Gamma"]


def test_pre_5_5_lines_without_auto_update_keep_the_whole_author() -> None:
    text = (
        "Cloudflare: version: 3.3, author: Cloudflare, Inc.\n"
        "Akismet: version: 4.1, author: Automattic"
    )
    report = parse_site_health(text)
    assert report is not None
    assert [(p.author, p.auto_update) for p in report.active_plugins] == [
        ("Cloudflare, Inc.", None),
        ("Automattic", None),
    ]


def test_inactive_plugins_and_declared_counts_are_kept_apart() -> None:
    text = PASTE.replace(
        "### wp-server ###",
        "### wp-plugins-inactive (2) ###\n\n"
        "Hello Dolly: version: 1.7.2, author: Matt Mullenweg\n\n### wp-server ###",
    )
    report = parse_site_health(text)
    assert report is not None
    assert [p.name for p in report.inactive_plugins] == ["Hello Dolly"]
    assert report.truncated  # two were announced, one arrived


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hallo, mijn site werkt niet meer na de update. Versie 3.4.1.",
        "Which version: 2.3 or 2.4?",
        "Requires at least: 5.0\nTested up to: 6.4\nStable tag: 1.2\nLicense: GPLv2",
        "Fatal error: Uncaught Error in /var/www/wp-content/plugins/foo/foo.php:12",
        "## Description\n\nA heading in a readme.",
    ],
)
def test_ordinary_text_is_not_site_health(text: str) -> None:
    assert not looks_like_site_health(text)
    assert parse_site_health(text) is None


FRAGMENTS = [
    "### wp-core ###", "### wp-plugins-active (3) ###", "version: ", "author: ", ": version: ",
    ", author: ", " (latest version: ", ")", ", Auto-updates enabled", "`", "```", "\n", "\n\n",
    "\t", "> ", "<details>", "name: ", " (", "php_version: ", "server_version: ", "MariaDB", ":",
    "Yoast: SEO", "(undefined)", "\r\n", "###", "wp-constants", "<a href='x'>", "</a>",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(st.sampled_from(FRAGMENTS)).map("".join)))
def test_parsing_never_raises(text: str) -> None:
    report = parse_site_health(text)
    assert report is None or isinstance(report, SiteHealthReport)


PLUGIN_LINE = "A: B: version: 1, author: C (latest version: 2), x\n"


@pytest.mark.parametrize(
    "big",
    [
        "Plugin: version: 1.0, author: A, " * 30_000,
        "Plugin: version: 1.0, author: A, B\n" * 30_000,
        "x: author: " * 100_000,
        "### wp-core ###\n" + "a" * 1_000_000,
        "### wp-plugins-active (9) ###\n" + PLUGIN_LINE * 20_000,
        ": version: (" * 90_000,
        "`" * 1_000_000,
        "<details " * 110_000,
        "#" * 1_000_000,
    ],
)  # fmt: skip
def test_a_megabyte_paste_is_parsed_in_seconds(big: str) -> None:
    started = time.perf_counter()
    looks_like_site_health(big)
    parse_site_health(big)
    assert time.perf_counter() - started < 5
