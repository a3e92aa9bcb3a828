"""What a message mentions: here, whether an address is given as the customer's own."""

from __future__ import annotations

import pytest

from bot.core.dialogue.mentions import ProductFinder, email_in
from bot.core.knowledge.models import Product


@pytest.mark.parametrize(
    "text",
    [
        "jan@example.org",
        "sure, emma.jansen@example.net",
        "yes please send updates to ops@harbour.example",
        "you can reach me at jan@example.org, thanks for looking into it this quickly",
        "Mijn mailadres is jan@example.org, ik hoor het graag als jullie iets weten",
        "stuur het antwoord maar naar jan@example.org want die lees ik het vaakst",
        "Naam: Jan de Vries, bedrijf: Bakkerij de Vries, e-mail: jan@example.org, tel 0612345678",
    ],
)
def test_an_address_given_as_the_customers_own(text: str) -> None:
    address, offered = email_in(text)
    assert address is not None and offered, text


@pytest.mark.parametrize(
    "text",
    [
        "berichten van gravity forms komen binnen als WordPress <wordpress@mijnsite.nl> terwijl "
        "ik info@ heb ingevuld",
        "Searching the log for sales+nl@shop.example finds nothing, though the mail is right there",
        "mails from info@shop.example land in spam at gmail since we moved to the new host",
        "I set the from address to noreply@shop.example but the test mail still bounces back",
        "no address in this message at all, just a description of what goes wrong",
    ],
)
def test_an_address_in_a_description_is_not_the_customers(text: str) -> None:
    assert not email_in(text)[1], text


PRODUCTS = {
    "keepsake-wishlist": Product(
        slug="keepsake-wishlist",
        name="Keepsake Wishlist for WooCommerce",
        aliases=("Keepsake",),
        platforms=("woocommerce",),
    ),
    "lanternfly-gallery": Product(slug="lanternfly-gallery", name="Lanternfly Gallery"),
    "lokker": Product(slug="lokker", name="Lokker Popups", aliases=("Lokker Pro",)),
    "sieve": Product(slug="sieve", name="Sieve Product Filters", aliases=("Sieve Pro",)),
}


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("the wishlist one", "keepsake-wishlist"),
        ("de galerij? nee, the gallery one i mean", "lanternfly-gallery"),
        ("die van de popup", "lokker"),  # a singular of the name's plural
        ("it's the filters plugin", "sieve"),
    ],
)
def test_a_product_described_by_a_word_only_its_name_has(text: str, slug: str) -> None:
    assert ProductFinder(PRODUCTS).described(text) == slug


@pytest.mark.parametrize(
    "text",
    [
        "the pro one",  # two products have a Pro alias
        "the woocommerce one",  # the platform a product is for
        "the gallery or the wishlist, not sure",
        "the plugin on our shop",
    ],
)
def test_a_description_that_fits_no_single_product_names_none(text: str) -> None:
    assert ProductFinder(PRODUCTS).described(text) is None
