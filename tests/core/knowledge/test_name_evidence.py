"""How much evidence a catalogue name needs: shortened long names, and names made of the words a
knowledge base itself uses as ordinary words (issue 10: names not recognised, or wrongly)."""

from __future__ import annotations

from bot.core.knowledge.models import ThirdPartyComponent
from bot.core.knowledge.third_party import ThirdPartyCatalogue, builtin_components


def component(name: str, slug: str) -> ThirdPartyComponent:
    return ThirdPartyComponent(name=name, slugs=(slug,))


def names_in(catalogue: ThirdPartyCatalogue, text: str) -> list[str]:
    return [match.component.name for match in catalogue.find_in_text(text)]


LONG = component("Zorbly WooCommerce Smart Booking Calendar", "zorbly-booking")


def test_a_long_name_with_one_inner_word_left_out_is_that_name() -> None:
    catalogue = ThirdPartyCatalogue([LONG])
    assert names_in(catalogue, "since the update zorbly smart booking calendar is empty") == [
        LONG.name
    ]
    assert names_in(catalogue, "Zorbly WooCommerce Booking Calendar shows nothing") == [LONG.name]
    match = catalogue.find_in_text("zorbly smart booking calendar broke")[0]
    assert match.via == "short" and match.score < 1.0
    assert match.text == "zorbly smart booking calendar"


def test_a_shortened_name_keeps_its_first_and_last_word_and_three_words() -> None:
    catalogue = ThirdPartyCatalogue([LONG])
    assert names_in(catalogue, "zorbly booking calendar broke") == []  # two words left out
    assert names_in(catalogue, "woocommerce smart booking calendar broke") == []  # first word
    assert names_in(catalogue, "zorbly woocommerce smart booking broke") == []  # last word
    three = ThirdPartyCatalogue([component("Zorbly Smart Calendar", "zorbly-smart-calendar")])
    assert names_in(three, "zorbly calendar is empty") == []  # only names of four words or more


def test_a_shortened_spelling_two_names_share_names_neither() -> None:
    other = component("Zorbly WooCommerce Smart Booking Calendar Pro", "zorbly-other")
    twin = component("Zorbly Great Smart Booking Calendar", "zorbly-twin")
    catalogue = ThirdPartyCatalogue([LONG, twin, other])
    assert names_in(catalogue, "zorbly smart booking calendar is empty") == []


def test_the_built_in_yith_filter_is_found_as_customers_shorten_it() -> None:
    catalogue = ThirdPartyCatalogue(builtin_components())
    text = "sinds de update van yith ajax product filter is mijn shop pagina helemaal leeg"
    assert names_in(catalogue, text) == ["YITH WooCommerce Ajax Product Filter"]


NOTICE = component("Notably Banner", "notably-banner")


def test_a_name_made_of_the_knowledge_bases_ordinary_words_needs_evidence() -> None:
    plain = ThirdPartyCatalogue([NOTICE], ordinary=["notably", "banner"])
    assert names_in(plain, "notably banner text added with javascript won't translate") == []
    assert names_in(plain, "the notably banner plugin won't translate") == [NOTICE.name]
    assert names_in(plain, "since I updated Notably Banner nothing translates") == [NOTICE.name]
    assert names_in(plain, "notably banner 2.1 breaks the page") == [NOTICE.name]


def test_elsewhere_the_same_name_is_distinctive() -> None:
    catalogue = ThirdPartyCatalogue([NOTICE])
    assert names_in(catalogue, "notably banner text won't translate") == [NOTICE.name]


def test_what_one_installs_or_switches_on_is_a_product_even_in_ordinary_words() -> None:
    """Common words ("smush", "charitable") are a name as the object of installing/activating."""
    catalogue = ThirdPartyCatalogue(builtin_components())
    assert names_in(catalogue, "since I installed smush the images are grey") == ["Smush"]
    assert names_in(catalogue, "een collega heeft smush geinstalleerd, nu is alles grijs") == [
        "Smush"
    ]
    assert names_in(catalogue, "we activated members and now the menu is empty") == ["Members"]
    assert names_in(catalogue, "my images look smushed and the members area is slow") == []
    assert names_in(catalogue, "I installed new images and the members page is empty") == []
