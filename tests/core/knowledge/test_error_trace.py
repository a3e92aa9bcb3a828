"""Error attribution: every real error sample, the common shapes, and hostile input."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.error_trace import ErrorAnalysis, analyse_error, looks_like_error
from tests.shared_data import shared_path


def error_sample(name: str) -> str:
    return shared_path("realworld", "wp", "errors", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Expected:
    """Read off each sample by hand; `others` are the other components, in order."""

    file: str
    kind: str
    culprit: tuple[str, str] | None  # (kind, slug)
    others: tuple[str, ...] = ()
    conflict: bool = False
    duplicate: bool = False
    core_only: bool = False


REAL_ERRORS = [
    Expected("01.txt", "undefined_function", ("plugin", "members")),  # Windows path, vendor dir
    Expected("02.txt", "undefined_function", ("plugin", "easy-table-of-contents"), ("neve",)),
    Expected("03.txt", "type_error", ("plugin", "plausible-analytics")),
    Expected("04.txt", "type_error", ("plugin", "plausible-analytics")),  # nginx FastCGI wrapper
    Expected("05.txt", "type_error", ("plugin", "plausible-analytics"), ("wpzoom-derive",)),
    Expected("06.txt", "undefined_function", ("theme", "woodmart")),
    Expected("07.txt", "type_error", ("plugin", "einsatzverwaltung")),  # "called in" core first
    Expected("08.txt", "type_error", ("plugin", "simple-tags")),  # forum-mangled frames
    Expected("09.txt", "type_error", ("plugin", "so-widgets-bundle")),
    Expected("10.txt", "undefined_function", ("plugin", "wp-envato-market")),  # -master folder
    Expected(
        "11.txt", "redeclare_conflict", ("plugin", "woocommerce-product-image-flipper"),
        ("woocommerce-new-product-badge",), conflict=True,
    ),
    Expected(
        "12.txt", "redeclare_conflict", ("plugin", "blockonomics-bitcoin-payments"),
        ("contact-form-7-mailchimp-extension",), conflict=True,
    ),
    Expected(
        "13.txt", "redeclare_conflict", ("plugin", "facebook-instant-articles-wp"),
        ("fb-instant-articles",), conflict=True, duplicate=True,
    ),
    Expected("14.txt", "memory_exhausted", ("plugin", "woocommerce")),
    Expected("15.txt", "memory_exhausted", ("plugin", "awesome-support")),  # bundled library
    Expected("16.txt", "memory_exhausted", None, core_only=True),
    Expected("17.txt", "js_error", ("plugin", "kb-support")),
    Expected("18.txt", "js_error", None),  # only a file name: nothing to attribute
    Expected("19.txt", "undefined_function", ("plugin", "generator-test")),  # Xdebug table
    Expected(
        "20.txt", "redeclare_conflict", ("plugin", "gmw-global-maps"), ("geo-my-wp",),
        conflict=True,
    ),
]  # fmt: skip


@pytest.mark.parametrize("expected", REAL_ERRORS, ids=lambda e: e.file)
def test_every_real_error_names_its_culprit(expected: Expected) -> None:
    text = error_sample(expected.file)
    assert looks_like_error(text)
    analysis = analyse_error(text)
    assert analysis is not None
    assert analysis.kind == expected.kind
    culprit = analysis.culprit
    assert ((culprit.kind, culprit.slug) if culprit else None) == expected.culprit
    assert tuple(c.slug for c in analysis.components[1:]) == expected.others
    assert (analysis.conflict, analysis.duplicate_install) == (
        expected.conflict,
        expected.duplicate,
    )
    assert analysis.core_only is expected.core_only
    assert analysis.quoted


@pytest.mark.parametrize(
    ("file", "version", "libraries", "folder"),
    [
        ("01.txt", None, ("caseproof/growth-tools",), "members"),
        ("05.txt", "2.0.5B1", (), "plausible-analytics-2.0.5B1"),
        ("10.txt", None, (), "wp-envato-market-master"),
        ("15.txt", None, ("ericmann/sessionz",), "awesome-support"),
        ("17.txt", "1.5.90", (), "kb-support"),
    ],
)
def test_culprit_carries_version_library_and_folder(
    file: str, version: str | None, libraries: tuple[str, ...], folder: str
) -> None:
    analysis = analyse_error(error_sample(file))
    assert analysis is not None and analysis.culprit is not None
    culprit = analysis.culprit
    assert (culprit.version, culprit.libraries, culprit.folder) == (version, libraries, folder)
    assert culprit.role == "culprit"


def test_the_message_line_is_the_error_without_its_trace() -> None:
    analysis = analyse_error(error_sample("03.txt"))
    assert analysis is not None
    assert analysis.message.startswith("Fatal error: Uncaught TypeError: in_array()")
    assert "Stack trace" not in analysis.message and len(analysis.message) <= 300


def analysed(text: str) -> ErrorAnalysis:
    analysis = analyse_error(text)
    assert analysis is not None
    return analysis


@pytest.mark.parametrize(
    ("text", "kind", "culprit"),
    [
        (
            "PHP Parse error:  syntax error, unexpected '}' in "
            "/var/www/wp-content/themes/astra-child/functions.php on line 12",
            "php_parse_error",
            ("theme", "astra-child"),
        ),
        (
            "PHP Fatal error:  Uncaught Exception: boom in /srv/www/site/current/web/app/plugins/"
            "shop-sync/src/Client.php:31",  # Bedrock keeps plugins in /app/plugins/
            "uncaught_exception",
            ("plugin", "shop-sync"),
        ),
        (
            "Fatal error: Maximum execution time of 30 seconds exceeded in "
            "C:\\xampp\\htdocs\\wp-content\\plugins\\importer\\run.php on line 88",
            "time_limit",
            ("plugin", "importer"),
        ),
        (
            'Warning: Undefined array key "id" in /home/a/wp-content/mu-plugins/host-tools.php '
            "on line 7",
            "php_warning",
            ("mu-plugin", "host-tools"),
        ),
        (
            "Deprecated: Creation of dynamic property Foo::$bar is deprecated in "
            "/var/www/wp-content/plugins/foo/foo.php on line 3",
            "php_deprecated",
            ("plugin", "foo"),
        ),
        (
            "TypeError: Cannot read properties of undefined (reading 'init')\n"
            "    at https://x.example/wp-content/plugins/slider-x/js/front.min.js?ver=2.1:1:200",
            "js_error",
            ("plugin", "slider-x"),
        ),
        (
            "Uncaught ReferenceError: jQuery is not defined\n"
            "    at https://shop.example/wp-content/themes/flatsome/assets/js/app.js?ver=3.18.1:2:10",
            "js_error",
            ("theme", "flatsome"),
        ),
        (
            '{"message":"PHP Fatal error:  Uncaught Error: Call to undefined function foo() in '
            '\\/var\\/www\\/wp-content\\/plugins\\/bar\\/bar.php:9\\nStack trace:\\n#0 {main}"}',
            "undefined_function",
            ("plugin", "bar"),
        ),
    ],
)
def test_common_error_shapes_are_classified_and_attributed(
    text: str, kind: str, culprit: tuple[str, str]
) -> None:
    analysis = analysed(text)
    assert analysis.kind == kind
    assert analysis.culprit is not None
    assert (analysis.culprit.kind, analysis.culprit.slug) == culprit


def test_a_fatal_error_outranks_the_warnings_logged_before_it() -> None:
    log = (
        "[01-Mar-2026 10:00:00 UTC] PHP Warning:  Undefined variable $x in "
        "/var/www/wp-content/plugins/noisy/noisy.php on line 4\n"
        "[01-Mar-2026 10:00:01 UTC] PHP Notice:  Function is_embed was called incorrectly in "
        "/var/www/wp-includes/functions.php on line 6078\n"
        '[01-Mar-2026 10:00:02 UTC] PHP Fatal error:  Uncaught Error: Class "Foo" not found in '
        "/var/www/wp-content/plugins/appointpress/src/Boot.php:20\n"
    )
    analysis = analysed(log)
    assert (analysis.kind, analysis.culprit and analysis.culprit.slug) == (
        "php_fatal",
        "appointpress",
    )
    assert [c.slug for c in analysis.components] == ["appointpress", "noisy"]


def test_a_component_seen_only_through_its_bundled_library_is_a_vendor_lib() -> None:
    trace = (
        "PHP Fatal error:  Uncaught Error: Call to a member function get() on null in "
        "/var/www/wp-content/plugins/alpha/src/A.php:10\nStack trace:\n"
        "#0 /var/www/wp-content/plugins/beta/vendor/guzzlehttp/guzzle/src/Client.php(5): A->x()\n"
        "#1 /var/www/wp-includes/class-wp-hook.php(324): B->y()\n#2 {main}"
    )
    analysis = analysed(trace)
    assert [(c.slug, c.role, c.libraries) for c in analysis.components] == [
        ("alpha", "culprit", ()),
        ("beta", "vendor-lib", ("guzzlehttp/guzzle",)),
    ]


def test_a_redeclared_function_from_the_same_file_in_two_folders_is_a_duplicate_install() -> None:
    text = (
        "Fatal error: Cannot redeclare ap_boot() (previously declared in /x/wp-content/plugins/"
        "appointpress/appointpress.php:12) in /x/wp-content/plugins/appointpress-3.4.2/"
        "appointpress.php on line 12"
    )
    analysis = analysed(text)
    assert (analysis.conflict, analysis.duplicate_install) == (True, True)
    assert {c.slug for c in analysis.components} == {"appointpress"}


@pytest.mark.parametrize(
    ("text", "kind", "quoted"),
    [
        (
            "There has been a critical error on this website. Please check your site admin "
            "email inbox for instructions.",
            "critical_error_notice",
            True,
        ),
        ("Er is een kritieke fout opgetreden op deze website.", "critical_error_notice", True),
        ("The site is experiencing technical difficulties.", "critical_error_notice", True),
        ("Er heeft zich een kritieke fout op je site voorgedaan.", "critical_error_notice", True),
        ("Ik krijg een fatal error als ik de plugin activeer", "php_fatal", False),
        ("Na de update krijg ik een kritieke fout", "critical_error_notice", False),
        ("I get a critical error after the update", "critical_error_notice", False),
    ],
)
def test_notices_and_mere_mentions_are_errors_without_a_culprit(
    text: str, kind: str, quoted: bool
) -> None:
    analysis = analysed(text)
    assert (analysis.kind, analysis.quoted, analysis.culprit) == (kind, quoted, None)
    assert not analysis.core_only


def test_a_fatal_error_in_core_files_only_is_core_only() -> None:
    analysis = analysed(
        "Fatal error: Allowed memory size of 134217728 bytes exhausted (tried to allocate 20480 "
        "bytes) in /home/site/public_html/wp-includes/class-wpdb.php on line 2349"
    )
    assert (analysis.kind, analysis.core_only, analysis.components) == (
        "memory_exhausted",
        True,
        (),
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hoi, de herinneringsmails worden twee keer verstuurd.",
        "Warning: do not update before the weekend!",
        "Notice: our office is closed on Monday.",
        "### wp-core ###\n\nversion: 6.4.3",
        "The plugin is in /wp-content/plugins/appointpress/ on my server.",
        "The shipping method is not defined for Belgium.",
    ],
)
def test_text_without_an_error_gives_none(text: str) -> None:
    assert analyse_error(text) is None


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    "Fatal error: ", "PHP Warning: ", "Uncaught TypeError: ", " in ", "/",
                    "wp-content/plugins/", "wp-content/themes/", "app/mu-plugins/", "foo", ".php",
                    ":12", "(3)", " on line 9", "\\n", "\\", "Stack trace:", "#0 ", "\n",
                    "?ver=1.2", "Cannot redeclare x() (previously declared in ", ")", "vendor/",
                    "is not a function", "critical error", "Allowed memory size of 1 bytes",
                ]
            )
        ).map("".join),
    )
)  # fmt: skip
def test_analysis_never_raises(text: str) -> None:
    analysis = analyse_error(text)
    assert analysis is None or analysis.culprit is None or analysis.culprit in analysis.components


@pytest.mark.parametrize(
    "big",
    [
        "/wp-content/plugins/" * 55_000,
        "wp-content/plugins/a" * 50_000,
        "Fatal error: x in /wp-content/plugins/p/p.php:1\n" * 20_000,
        "PHP Warning: " * 80_000,
        "a-" * 500_000,
        "\\n#0 " * 200_000,
        "Uncaught TypeError " * 55_000,
        "/wp-content/plugins/" + "x" * 1_000_000,
        "Fatal error: " + "(previously declared in " * 40_000,
        "wp-content/plugins/a/b.php " * 20_000 + "Fatal error: x\n" * 20_000,
        "Fatal error: x\n" + "".join(f"wp-content/plugins/p{n}/ " for n in range(40_000)),
    ],
)
def test_a_megabyte_of_log_is_analysed_in_seconds(big: str) -> None:
    started = time.perf_counter()
    looks_like_error(big)
    analyse_error(big)
    assert time.perf_counter() - started < 5
