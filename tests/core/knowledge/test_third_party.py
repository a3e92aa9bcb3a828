"""The third-party catalogue: its data, its YAML schema, and recognising products in text."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.models import ThirdPartyComponent
from bot.core.knowledge.third_party import (
    ThirdPartyCatalogue,
    builtin_components,
    normalise_slug,
    parse_third_party,
)

OWN_NAMES = ["AppointPress", "AppointPress Pro", "MailMagnet", "MailMagnet Newsletter", "Polder"]
OWN_SLUGS = ["appointpress", "mailmagnet", "polder"]


@pytest.fixture(scope="module")
def catalogue() -> ThirdPartyCatalogue:
    return ThirdPartyCatalogue(
        builtin_components(), exclude_slugs=OWN_SLUGS, exclude_names=OWN_NAMES
    )


def names_in(catalogue: ThirdPartyCatalogue, text: str) -> list[str]:
    return [match.component.name for match in catalogue.find_in_text(text)]


# --- the shipped data --------------------------------------------------------------------------


def test_builtin_catalogue_holds_at_least_150_plugins_and_themes() -> None:
    components = builtin_components()
    assert len(components) >= 150
    assert sum(c.kind == "theme" for c in components) >= 30


def test_builtin_catalogue_has_unique_slugs() -> None:
    slugs = [slug for c in builtin_components() for slug in c.slugs]
    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize(
    ("slug", "name", "kind"),
    [
        ("wordpress-seo", "Yoast SEO", "plugin"),
        ("woocommerce", "WooCommerce", "plugin"),
        ("elementor", "Elementor", "plugin"),
        ("elementor-pro", "Elementor Pro", "plugin"),
        ("sitepress-multilingual-cms", "WPML", "plugin"),
        ("wordfence", "Wordfence Security", "plugin"),
        ("wp-rocket", "WP Rocket", "plugin"),
        ("contact-form-7", "Contact Form 7", "plugin"),
        ("advanced-custom-fields", "Advanced Custom Fields", "plugin"),
        ("advanced-custom-fields-pro", "Advanced Custom Fields PRO", "plugin"),
        ("jetpack", "Jetpack", "plugin"),
        ("akismet", "Akismet Anti-spam", "plugin"),
        ("js_composer", "WPBakery Page Builder", "plugin"),
        ("sfwd-lms", "LearnDash LMS", "plugin"),
        ("divi", "Divi", "theme"),
        ("astra", "Astra", "theme"),
        ("generatepress", "GeneratePress", "theme"),
        ("twentytwentyfive", "Twenty Twenty-Five", "theme"),
    ],
)
def test_well_known_products_are_in_the_builtin_catalogue(
    catalogue: ThirdPartyCatalogue, slug: str, name: str, kind: str
) -> None:
    component = catalogue.by_slug(slug)
    assert component is not None
    assert (component.name, component.kind) == (name, kind)


# --- the YAML schema ---------------------------------------------------------------------------


def test_valid_items_are_read_with_defaults() -> None:
    data = [
        {"name": "Foo Forms", "slugs": ["foo-forms"], "aliases": ["Foo"], "vendor": "Foo Inc."},
        {"name": "Bar Theme", "slugs": "bar", "kind": "theme"},
    ]
    components, problems = parse_third_party(data, "third_party.yaml")
    assert problems == []
    assert components == [
        ThirdPartyComponent("Foo Forms", ("foo-forms",), "plugin", ("Foo",), "Foo Inc."),
        ThirdPartyComponent("Bar Theme", ("bar",), "theme", (), None),
    ]


@pytest.mark.parametrize(
    ("item", "complaint"),
    [
        ("just a string", "expected a mapping"),
        ({"slugs": ["x"]}, "missing name"),
        ({"name": "  ", "slugs": ["x"]}, "missing name"),
        ({"name": "X"}, "slugs must be"),
        ({"name": "X", "slugs": []}, "slugs must be"),
        ({"name": "X", "slugs": ["has space"]}, "slugs must be"),
        ({"name": "X", "slugs": {"a": 1}}, "slugs must be"),
        ({"name": "X", "slugs": ["x"], "aliases": "ok", "kind": "widget"}, "kind must be"),
        ({"name": "X", "slugs": ["x"], "aliases": [["nested"]]}, "aliases must be"),
        ({"name": "X", "slugs": ["x"], "vendor": ["a", "b"]}, "vendor must be"),
    ],
)
def test_a_bad_item_is_reported_with_source_and_index_and_the_rest_kept(
    item: object, complaint: str
) -> None:
    good = {"name": "Good", "slugs": ["good"]}
    components, problems = parse_third_party([good, item, good | {"slugs": ["good-2"]}], "tp.yaml")
    assert [c.slugs for c in components] == [("good",), ("good-2",)]
    assert len(problems) == 1
    assert problems[0].path == "tp.yaml"
    assert problems[0].message.startswith("item 2")
    assert complaint in problems[0].message


@pytest.mark.parametrize("data", [{"name": "X"}, "text", 42])
def test_a_document_that_is_not_a_list_is_one_problem(data: object) -> None:
    components, problems = parse_third_party(data, "tp.yaml")
    assert components == []
    assert [p.message for p in problems] == ["expected a list of plugins/themes"]


def test_an_empty_document_is_an_empty_catalogue() -> None:
    assert parse_third_party(None, "tp.yaml") == ([], [])


def test_unknown_keys_and_repeated_slugs_are_warnings_not_errors() -> None:
    data = [
        {"name": "A", "slugs": ["a"], "homepage": "https://a.example"},
        {"name": "B", "slugs": ["a", "b"]},
    ]
    components, problems = parse_third_party(data, "tp.yaml")
    assert len(components) == 2
    assert [p.severity for p in problems] == ["warning", "warning"]
    assert "homepage" in problems[0].message and "'a' listed twice" in problems[1].message


# --- recognising products in customer text ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik gebruik Yoast en WooCommerce", ["Yoast SEO", "WooCommerce"]),
        ("sinds de update van elementor pro werkt niets", ["Elementor Pro"]),
        ("Elementor werkt wel, Elementor Pro niet", ["Elementor", "Elementor Pro"]),
        ("we have wordpress-seo and sitepress-multilingual-cms", ["Yoast SEO", "WPML"]),
        ("Is it compatible with the Divi theme and WPML?", ["Divi", "WPML"]),
        ("CF7 sends no mail", ["Contact Form 7"]),
        ("contact form 7 verstuurt niets", ["Contact Form 7"]),
        ("acf fields are empty, ACF Pro is active", ["Advanced Custom Fields PRO"]),
        ("wp rocket en litespeed cache", ["WP Rocket", "LiteSpeed Cache"]),
        ("The Members plugin conflicts with yours", ["Members"]),
        ("Ik heb Redirection 5.3.2 geïnstalleerd", ["Redirection"]),
        ("plugin Newsletter stuurt dubbel", ["Newsletter"]),
        ("I use Yoast, Members and WooCommerce", ["Yoast SEO", "Members", "WooCommerce"]),
        ("We use the Code Snippets plugin", ["Code Snippets"]),
        ("Health Check & Troubleshooting mode is on", ["Health Check & Troubleshooting"]),
        ("our shop runs on Woo", ["WooCommerce"]),
        ("EDD license", ["Easy Digital Downloads"]),
        ("the Sydney theme", ["Sydney"]),
        ("switched to Twenty Twenty-Four", ["Twenty Twenty-Four"]),
    ],
)
def test_products_are_recognised_by_name_alias_or_slug(
    catalogue: ThirdPartyCatalogue, text: str, expected: list[str]
) -> None:
    assert names_in(catalogue, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woocomerce checkout is broken", "WooCommerce"),
        ("wordfense blocks my login", "Wordfence Security"),
        ("Elemntor Pro stopped working", "Elementor Pro"),
        ("contact from 7 stopped sending", "Contact Form 7"),
        ("sitepres multilingual", None),  # half a slug is not a name
    ],
)
def test_typos_in_distinctive_names_are_tolerated(
    catalogue: ThirdPartyCatalogue, text: str, expected: str | None
) -> None:
    matches = catalogue.find_in_text(text)
    assert [m.component.name for m in matches] == ([expected] if expected else [])
    assert all(m.via == "fuzzy" and m.score < 0.85 for m in matches)


# Ordinary support sentences, many containing words that are also product names.
ORDINARY_SENTENCES = [
    "Hallo, ik heb een probleem met de plugin na de laatste update.",
    "Onze leden kunnen niet meer inloggen sinds gisteren.",
    "Members can't log in since yesterday, can you help?",
    "Members of our team will test it tomorrow.",
    "Our members get an error when they open the page.",
    "The redirection after checkout goes to the wrong page.",
    "Na het afrekenen klopt de redirection niet meer.",
    "I want to send a newsletter to all my customers.",
    "Is there an extra fee for priority support?",
    "Extra question: can I use it on two sites?",
    "Is er een extra kostenpost voor spoedondersteuning?",
    "The total amount on the invoice is wrong.",
    "The Total was wrong on the second invoice.",
    "Het totaal op de factuur klopt niet.",
    "We are based in Sydney and our office opens at nine.",
    "We wonen in Porto en het porto voor de pakketten is te hoog.",
    "What types of licences do you offer?",
    "Give me a moment, I will check.",
    "Can you give me a refund for the second licence?",
    "I bought the starter kit last week.",
    "The blocks in the editor are not showing.",
    "Our live stream page loads slowly.",
    "The background worker stopped sending reminders.",
    "We run a health check on the site every week.",
    "I added some code snippets to functions.php.",
    "How do I duplicate a post with all its settings?",
    "I use the classic editor instead of the block editor.",
    "The contact form on my site doesn't send emails.",
    "The page builder layout breaks on mobile.",
    "The events calendar shows the wrong time zone.",
    "User registration is disabled on our site.",
    "The smart slider on the homepage is broken.",
    "We need a popup maker for the newsletter signup.",
    "The genesis of this problem was the update last week.",
    "I read about it in the newspaper this morning.",
    "There is a flamingo on our logo, can the colour be changed?",
    "The oxygen sensor page shows a fatal error.",
    "The bridge between our CRM and the shop doesn't sync.",
    "My tutor recommended your plugin.",
    "The wordpress seo settings are confusing.",
    "Mijn site is traag sinds de update van WordPress 6.4.",
    "De herinneringsmails worden dubbel verstuurd.",
    "Appointments show up in the wrong time zone in Google Calendar.",
    "Het child theme laadt mijn eigen CSS niet.",
    "Our store uses iDEAL payments via Mollie and Stripe.",
    "Where is the Site Health screen?",
    "Hoe maak ik een back-up voordat ik update?",
    "Thanks, that fixed it!",
    "Kunt u de factuur op naam van mijn bedrijf zetten?",
    "Ga naar de instellingen en klik op opslaan.",
    "MailMagnet Newsletter stuurt geen bevestiging.",
    "AppointPress Pro werkt niet met mijn thema.",
]


def test_ordinary_support_sentences_name_no_third_party_product(
    catalogue: ThirdPartyCatalogue,
) -> None:
    false_positives = {s: names_in(catalogue, s) for s in ORDINARY_SENTENCES}
    assert {s: found for s, found in false_positives.items() if found} == {}


def test_our_own_products_are_excluded_by_slug_and_name() -> None:
    components = builtin_components()
    catalogue = ThirdPartyCatalogue(
        components, exclude_slugs=["woocommerce"], exclude_names=["Members"]
    )
    assert catalogue.by_slug("woocommerce") is None
    assert names_in(catalogue, "WooCommerce and the Members plugin") == []
    assert len(catalogue) == len(components) - 2


def test_a_third_party_name_inside_our_own_product_name_loses(
    catalogue: ThirdPartyCatalogue,
) -> None:
    assert names_in(catalogue, "MailMagnet Newsletter plugin en de Newsletter plugin") == [
        "Newsletter"
    ]


def test_match_reports_where_and_how_it_was_found(catalogue: ThirdPartyCatalogue) -> None:
    text = "Na de update van sitepress-multilingual-cms"
    (match,) = catalogue.find_in_text(text)
    assert (match.component.name, match.via, match.score) == ("WPML", "slug", 1.0)
    assert text[match.start : match.end] == match.text == "sitepress-multilingual-cms"


# --- folder slugs and plugin names ------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "slug"),
    [
        ("wp-envato-market-master", "wp-envato-market"),
        ("plausible-analytics-2.0.5B1", "plausible-analytics"),
        ("WooCommerce", "woocommerce"),
        ("elementor-main", "elementor"),
        ("akismet-trunk", "akismet"),
        ("wpforms-lite-v1.8.1", "wpforms-lite"),
        ("smart-slider-3", "smart-slider-3"),
        ("wpengine-common.php", "wpengine-common"),
    ],
)
def test_folder_names_are_normalised_to_slugs(folder: str, slug: str) -> None:
    assert normalise_slug(folder) == slug


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("Divi", "Divi"),
        ("jetpack-pro", "Jetpack"),  # -pro maps to the base product without an entry of its own
        ("elementor-pro", "Elementor Pro"),
        ("astra-child", "Astra"),
        ("oceanwp-child-theme-master", "OceanWP"),
        ("woocommerce-2", "WooCommerce"),
        ("sitepress-multilingual-cms-4.6.9", "WPML"),
        ("unknown-plugin", None),
    ],
)
def test_by_slug_tolerates_copies_versions_and_editions(
    catalogue: ThirdPartyCatalogue, folder: str, name: str | None
) -> None:
    found = catalogue.by_slug(folder)
    assert (found.name if found else None) == name


@pytest.mark.parametrize(
    ("plugin_name", "name"),
    [
        ("Wordfence Security", "Wordfence Security"),
        ("Akismet Anti-spam: Spam Protection", "Akismet Anti-spam"),
        ("WPCode Lite", "WPCode"),
        ("Rank Math SEO PRO", "Rank Math SEO"),
        ("Yoast SEO", "Yoast SEO"),
        ("Contact Form 7 Modules: Hidden Fields", None),  # an add-on by someone else
        ("Accordions - By PickPlugins", None),
    ],
)
def test_site_health_plugin_names_map_to_components(
    catalogue: ThirdPartyCatalogue, plugin_name: str, name: str | None
) -> None:
    found = catalogue.by_name(plugin_name)
    assert (found.name if found else None) == name


# --- robustness --------------------------------------------------------------------------------

YAML_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {}, optional={k: YAML_LIKE for k in ("name", "slugs", "kind", "aliases", "vendor")}
        )
    )
    | YAML_LIKE
)
def test_any_yaml_document_gives_components_or_problems_never_an_exception(data: object) -> None:
    components, problems = parse_third_party(data, "tp.yaml")
    ThirdPartyCatalogue(components).find_in_text("plugin Members and Elementor")
    assert all(problem.path == "tp.yaml" for problem in problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_find_in_text_never_raises(catalogue: ThirdPartyCatalogue, text: str) -> None:
    for match in catalogue.find_in_text(text):
        assert text[match.start : match.end] == match.text


@pytest.mark.parametrize(
    "big",
    [
        "elementor members plugin " * 45_000,
        "Members " * 125_000,
        "a b " * 250_000,
        "woocomerce wordfense contact from 7 " * 28_000,
        "x" * 1_000_000,
    ],
)
def test_a_megabyte_of_text_is_searched_in_seconds(
    catalogue: ThirdPartyCatalogue, big: str
) -> None:
    started = time.perf_counter()
    catalogue.find_in_text(big)
    assert time.perf_counter() - started < 5
