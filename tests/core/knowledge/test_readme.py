"""readme.txt parsing: the wordpress.org parser rules, checked on real readmes and on edge cases."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.readme import decode_text, parse_readme, parse_style_css_header
from tests.core.knowledge.real_readmes import REAL_READMES, RealReadme, readmes_dir

HEADER = "=== Demo ===\nStable tag: 1.0\n\nShort.\n\n"


def readme_with(headers: str) -> str:
    return f"=== Demo ===\n{headers}\n\nShort description.\n\n== Description ==\nLong.\n"


# --- every real readme -------------------------------------------------------------------------


def test_expectation_table_covers_every_real_readme() -> None:
    on_disk = {path.name for path in readmes_dir().glob("*readme.txt")}
    assert on_disk == {row.file for row in REAL_READMES}


@pytest.mark.parametrize("expected", REAL_READMES, ids=lambda row: row.slug)
def test_real_readme_is_read_as_wordpress_org_reads_it(expected: RealReadme) -> None:
    text, _ = decode_text((readmes_dir() / expected.file).read_bytes())
    readme = parse_readme(text)
    first_version = readme.changelog[0].version if readme.changelog else None
    assert (
        readme.name,
        readme.stable_tag,
        readme.requires_wp,
        readme.requires_php,
        readme.tested_up_to,
        len(readme.faq),
        first_version,
    ) == (
        expected.name,
        expected.stable_tag,
        expected.requires_wp,
        expected.requires_php,
        expected.tested_up_to,
        expected.faq_count,
        expected.first_changelog_version,
    )


@pytest.mark.parametrize("expected", REAL_READMES, ids=lambda row: row.slug)
def test_real_readme_faq_items_have_a_question_and_an_answer(expected: RealReadme) -> None:
    readme = parse_readme(decode_text((readmes_dir() / expected.file).read_bytes())[0])
    for item in readme.faq:
        assert item.question and item.question[0] not in "=#*"
        assert item.answer.strip()


@pytest.mark.parametrize(
    ("file", "question", "answer_start"),
    [
        ("query-monitor-readme.txt", "Does this plugin work with PHP 8?", "Yes, it's actively"),
        ("wp-super-cache-readme.txt", "How do I disable Supercaching?", "If you only want"),
        ("fluent-support-readme.txt", "Is it 100% self-hosted?", "Yes"),
        ("classic-editor-readme.txt", "Default settings", "When activated"),
    ],
)
def test_real_readme_faq_item_is_found(file: str, question: str, answer_start: str) -> None:
    readme = parse_readme(decode_text((readmes_dir() / file).read_bytes())[0])
    answers = {item.question: item.answer for item in readme.faq}
    assert answers[question].startswith(answer_start)


# --- name ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("=== My Plugin ===\nStable tag: 1.0\n", "My Plugin"),
        ("===My Plugin===\n", "My Plugin"),
        ("# My Plugin\n\nStable tag: 1.0\n", "My Plugin"),
        ("My Plugin\n=========\nStable tag: 1.0\n", "My Plugin"),
        ("\n\n  === My Plugin ===  \n", "My Plugin"),
        ("=== Tom & Jerry <b>Pro</b> ===\n", "Tom & Jerry Pro"),
        ("=== Plugin Name ===\nMy Real Name\nStable tag: 1.0\n", "My Real Name"),
        ("=== Plugin Name ===\nContributors: someone\nStable tag: 1.0\n", None),
        ("=== plugin name ===\n" + "A" * 51 + "\n", None),
        ("Contributors: someone\nStable tag: 1.0\n", None),
        ("", None),
        ("\n \n", None),
    ],
)
def test_name_follows_the_directory_rules(text: str, name: str | None) -> None:
    assert parse_readme(text).name == name


def test_placeholder_name_is_warned_about_and_headers_still_read() -> None:
    readme = parse_readme("=== Plugin Name ===\nContributors: a\nStable tag: 2.0\n")
    assert readme.stable_tag == "2.0"
    assert any("Plugin Name" in warning for warning in readme.warnings)


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Stable tag: 1.2.3",
        "Stable Tag: 1.2.3",
        "STABLE TAG: 1.2.3",
        "stable tag:1.2.3",
        "Stable tag:      1.2.3",
        "* Stable tag: 1.2.3",
        "- Stable tag: 1.2.3",
    ],
)
def test_stable_tag_in_any_capitalisation_and_bullet_style_is_read(line: str) -> None:
    assert parse_readme(readme_with(line)).stable_tag == "1.2.3"


def test_headers_are_read_across_blank_lines_and_in_any_order() -> None:
    readme = parse_readme(
        "=== Demo ===\nTested up to: 6.5\n\nRequires PHP: 7.4\n\nRequires at least: 6.0\n"
        "Stable tag: 2.1\n\nShort.\n"
    )
    assert (readme.tested_up_to, readme.requires_php, readme.requires_wp, readme.stable_tag) == (
        "6.5",
        "7.4",
        "6.0",
        "2.1",
    )
    assert readme.short_description == "Short."


@pytest.mark.parametrize(
    ("headers", "field", "value"),
    [
        ("Tested: 6.4", "tested_up_to", "6.4"),
        ("Requires: 5.9", "requires_wp", "5.9"),
        ("Donate link: https://example.com/give", "donate_link", "https://example.com/give"),
        ("License URI: https://example.com/l", "license_uri", "https://example.com/l"),
    ],
)
def test_header_aliases_are_understood(headers: str, field: str, value: str) -> None:
    assert getattr(parse_readme(readme_with(headers)), field) == value


def test_unknown_header_after_a_blank_line_starts_the_short_description() -> None:
    readme = parse_readme(
        "=== Demo ===\nStable tag: 1.0\n\nNote: fast plugin.\n\n== Description ==\n"
    )
    assert readme.short_description == "Note: fast plugin."


def test_unknown_header_inside_the_block_is_ignored() -> None:
    readme = parse_readme("=== Demo ===\nAuthor URI: https://x.test\nStable tag: 1.0\n\nShort.\n")
    assert (readme.stable_tag, readme.short_description) == ("1.0", "Short.")


def test_version_header_in_a_readme_is_ignored_like_on_wordpress_org() -> None:
    assert parse_readme(readme_with("Version: 9.9\nStable tag: 1.0")).stable_tag == "1.0"


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ('"trunk"', "trunk"),
        ("tags/1.2.3", "1.2.3"),
        ("/tags/1.2.3", "1.2.3"),
        (".9", "0.9"),
        ("1.0 (beta)", "1.0beta"),
        ("v2_0-rc1", "v2_0-rc1"),
        ("'3.1'", "3.1"),
        ("!!!", None),
    ],
)
def test_stable_tag_is_sanitised(raw: str, tag: str | None) -> None:
    assert parse_readme(readme_with(f"Stable tag: {raw}")).stable_tag == tag


@pytest.mark.parametrize(
    ("raw", "version"),
    [
        ("6.4", "6.4"),
        ("6.4.2", "6.4.2"),
        ("WordPress 5.0", "5.0"),
        ("WP 5.0", "5.0"),
        ("5.0 or higher", "5.0"),
        ("4.9 and above", "4.9"),
        ("4.9+", "4.9"),
        ("6.5-beta", "6.5"),
        ("6.10", None),  # the directory's regex allows one digit after the first dot
        ("6", None),
        ("latest", None),
    ],
)
def test_requires_at_least_is_sanitised(raw: str, version: str | None) -> None:
    readme = parse_readme(readme_with(f"Requires at least: {raw}"))
    assert readme.requires_wp == version
    assert (version is None) == any("Requires at least" in w for w in readme.warnings)


@pytest.mark.parametrize(
    ("raw", "version"),
    [("6.4.2", "6.4.2"), ("WordPress 6.4", "6.4"), ("6.5-RC1", "6.5"), ("6.5 or higher", None)],
)
def test_tested_up_to_is_sanitised(raw: str, version: str | None) -> None:
    assert parse_readme(readme_with(f"Tested up to: {raw}")).tested_up_to == version


@pytest.mark.parametrize(
    ("raw", "version"),
    [("7.4", "7.4"), ("8.1.2", "8.1.2"), ("7", None), ("PHP 7.4", None), ("7.4+", None)],
)
def test_requires_php_must_be_x_y_or_x_y_z(raw: str, version: str | None) -> None:
    assert parse_readme(readme_with(f"Requires PHP: {raw}")).requires_php == version


def test_tags_drop_plugin_and_wordpress_and_keep_the_first_five() -> None:
    readme = parse_readme(readme_with("Tags: plugin, seo, , wordpress, a, b, c, d, e"))
    assert readme.tags == ("seo", "a", "b", "c", "d")
    assert len(readme.notes) == 2


def test_contributors_lose_a_leading_at_sign() -> None:
    assert parse_readme(readme_with("Contributors: @alice, bob,")).contributors == ("alice", "bob")


@pytest.mark.parametrize(
    ("headers", "license_text", "uri"),
    [
        ("License: GPLv2 - https://gnu.org/gpl", "GPLv2", "https://gnu.org/gpl"),
        ("License: GPLv2\nLicense URI: https://a.test", "GPLv2", "https://a.test"),
        ("", None, None),
    ],
)
def test_license_url_moves_to_license_uri(
    headers: str, license_text: str | None, uri: str | None
) -> None:
    readme = parse_readme(readme_with(headers))
    assert (readme.license, readme.license_uri) == (license_text, uri)


# --- short description and sections -------------------------------------------------------------


def test_short_description_joins_lines_and_drops_markup() -> None:
    readme = parse_readme(
        HEADER.replace("Short.", "A **fast**\n[plugin](https://x.test) <i>now</i>.")
    )
    assert readme.short_description == "A fast plugin now."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("word " * 40, ("word " * 30).strip() + " …"),
        ("a" * 130 + ". " + "b" * 40, "a" * 130 + "."),
        ("a" * 149 + ".", "a" * 149 + "."),
    ],
)
def test_short_description_is_trimmed_to_150_characters(text: str, expected: str) -> None:
    assert parse_readme(f"=== Demo ===\n\n{text}\n").short_description == expected


def test_missing_short_description_uses_the_first_description_line() -> None:
    readme = parse_readme(
        "=== Demo ===\nStable tag: 1\n\n== Description ==\n\nFirst line.\nMore.\n"
    )
    assert readme.short_description == "First line."


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("== Frequently Asked Questions ==", "faq"),
        ("## Frequently Asked Questions", "faq"),
        ("## Frequently Asked Questions ##", "faq"),
        ("== Change log ==", "changelog"),
        ("== CHANGELOG ==", "changelog"),
        ("== Screenshot ==", "screenshots"),
        ("=== Installation ===", "installation"),
    ],
)
def test_section_titles_and_aliases(title: str, key: str) -> None:
    readme = parse_readme(f"{HEADER}{title}\nBody text.\n")
    assert readme.sections[key] == "Body text."


def test_h3_heading_does_not_start_a_section() -> None:
    readme = parse_readme(f"{HEADER}== Description ==\nIntro.\n### Details\nMore.\n")
    assert readme.sections["description"] == "Intro.\n### Details\nMore."


def test_unknown_sections_are_appended_to_the_description() -> None:
    readme = parse_readme(f"{HEADER}== Description ==\nMain.\n== Credits ==\nThanks.\n")
    assert readme.sections["description"] == "Main.\n### Credits\n\nThanks."
    assert "credits" not in readme.sections


# --- FAQ and upgrade notices --------------------------------------------------------------------


@pytest.mark.parametrize(
    "faq",
    [
        "= How do I start? =\nActivate it.\n\n= Is it free? =\nYes.\n",
        "### How do I start?\nActivate it.\n### Is it free?\nYes.\n",
        "**How do I start?**\nActivate it.\n\n**Is it free?**\nYes.\n",
        "Read this first.\n\n= How do I start? =\n\nActivate it.\n\n=Is it free?=\n\nYes.\n",
    ],
)
def test_faq_items_in_every_heading_style(faq: str) -> None:
    readme = parse_readme(f"{HEADER}== Frequently Asked Questions ==\n{faq}")
    assert [(item.question, item.answer) for item in readme.faq] == [
        ("How do I start?", "Activate it."),
        ("Is it free?", "Yes."),
    ]


def test_bold_lines_are_answer_text_when_the_faq_uses_heading_lines() -> None:
    faq = "= Question? =\n**Important** note\n**Bold line**\n"
    readme = parse_readme(f"{HEADER}== FAQ ==\n{faq}")
    assert [(item.question, item.answer) for item in readme.faq] == [
        ("Question?", "**Important** note\n**Bold line**")
    ]


def test_repeated_faq_question_keeps_the_last_answer() -> None:
    readme = parse_readme(f"{HEADER}== FAQ ==\n= Q =\nOld.\n= Q =\nNew.\n")
    assert [(item.question, item.answer) for item in readme.faq] == [("Q", "New.")]


def test_upgrade_notices_map_version_to_text() -> None:
    readme = parse_readme(
        f"{HEADER}== Upgrade Notice ==\n= 2.0 =\nBack up <b>first</b>.\n= 1.0 =\nHi.\n"
    )
    assert dict(readme.upgrade_notice) == {"2.0": "Back up first.", "1.0": "Hi."}


# --- line endings and encodings -----------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_line_ending_is_understood(newline: str) -> None:
    text = newline.join(
        ["=== Demo ===", "Stable tag: 1.2", "", "Short.", "== FAQ ==", "= Q =", "A."]
    )
    readme = parse_readme(text)
    assert (readme.name, readme.stable_tag, len(readme.faq)) == ("Demo", "1.2", 1)


@pytest.mark.parametrize(
    ("data", "text", "warned"),
    [
        ("Größe".encode(), "Größe", False),
        (codecs.BOM_UTF8 + "Größe".encode(), "Größe", True),
        (codecs.BOM_UTF16_LE + "Größe".encode("utf-16-le"), "Größe", True),
        (codecs.BOM_UTF16_BE + "Größe".encode("utf-16-be"), "Größe", True),
        (codecs.BOM_UTF32_LE + "Größe".encode("utf-32-le"), "Größe", True),
        ("Café".encode("latin-1"), "Café", True),
        (b"\x93quoted\x94", "\u201cquoted\u201d", True),  # cp1252 smart quotes
        (b"x\x81y", "x\x81y", True),  # undefined in cp1252: read as latin-1
        (b"", "", False),
    ],
)
def test_decode_text_handles_boms_and_legacy_encodings(
    data: bytes, text: str, warned: bool
) -> None:
    decoded, warnings = decode_text(data)
    assert decoded == text
    assert bool(warnings) == warned


def test_decode_warning_names_the_line_of_the_first_bad_byte() -> None:
    _, warnings = decode_text(b"=== Demo ===\nok\nCaf\xe9\n")
    assert "line 3" in warnings[0]


def test_utf16_readme_is_parsed_after_decoding() -> None:
    data = codecs.BOM_UTF16_LE + "=== Démo ===\r\nStable tag: 3.0\r\n".encode("utf-16-le")
    readme = parse_readme(decode_text(data)[0])
    assert (readme.name, readme.stable_tag) == ("Démo", "3.0")


# --- theme style.css ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            "theme-astra-style-css-header.txt",
            {
                "Theme Name": "Astra",
                "Version": "3.6.5",
                "Requires at least": "5.3",
                "Requires PHP": "5.3",
                "Tested up to": "5.8",
                "Text Domain": "astra",
            },
        ),
        (
            "theme-twentytwentyfive-style-css-header.txt",
            {
                "Theme Name": "Twenty Twenty-Five",
                "Version": "1.0",
                "Requires at least": "6.7",
                "Requires PHP": "7.2",
                "Text Domain": "twentytwentyfive",
            },
        ),
    ],
)
def test_real_style_css_header_is_read(file: str, expected: dict[str, str]) -> None:
    headers = parse_style_css_header((readmes_dir() / file).read_text(encoding="utf-8"))
    assert {key: headers.get(key) for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/*\nTheme Name: Demo */\n", {"Theme Name": "Demo"}),
        (
            "/**\n * Theme Name: Demo\n * Version: 2.0\n */",
            {"Theme Name": "Demo", "Version": "2.0"},
        ),
        (
            "/*\ntheme name: Demo\r\nTemplate: parent\r\n*/",
            {"Theme Name": "Demo", "Template": "parent"},
        ),
        ("/*\nTheme Name:\n*/", {}),
        ("body { color: red; }", {}),
    ],
)
def test_style_css_header_rules(text: str, expected: dict[str, str]) -> None:
    assert parse_style_css_header(text) == expected


# --- never raises -------------------------------------------------------------------------------

_README_LINES = st.sampled_from(
    [
        "=== Name ===",
        "== Changelog ==",
        "== FAQ ==",
        "## Description",
        "### Q",
        "= 1.0 =",
        "=",
        "==",
        "#",
        "**",
        "****",
        "**Q**",
        "Stable tag: 1.0",
        "Tags: a,b",
        "Requires at least: x",
        ":",
        "* item",
        "---",
        "",
        "   ",
        "\t",
        "Plugin Name",
        "= 2024-01-01 – 1.2 =",
        "\x00",
        "é",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_readme_never_raises_on_arbitrary_text(text: str) -> None:
    parse_readme(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_README_LINES, st.text(max_size=20)), max_size=40))
def test_parse_readme_never_raises_on_readme_shaped_text(lines: list[str]) -> None:
    readme = parse_readme("\n".join(lines))
    assert all(item.question for item in readme.faq) or readme.faq == ()


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_decode_text_never_raises(data: bytes) -> None:
    text, _ = decode_text(data)
    assert isinstance(text, str)


@pytest.mark.parametrize("unit", ["*a ", "_x ", "`x ", "<a ", "[a](", "= ", "**", ": "])
@pytest.mark.parametrize(
    "layout",
    [
        "=== X ===\n\n{}\n",
        "=== {} ===\n",
        "=== X ===\n\n== Upgrade Notice ==\n= 1 =\n{}\n",
        "=== X ===\n\n== Changelog ==\n= 1.0 =\n{}\n",
        "=== X ===\n\n== Changelog ==\n= {} =\n",
    ],
)
def test_a_pathological_long_line_is_parsed_in_linear_time(unit: str, layout: str) -> None:
    # Quadratic backtracking on a 300 KB line would take minutes and hit the suite's timeout.
    parse_readme(layout.format(unit * (300_000 // len(unit))))
