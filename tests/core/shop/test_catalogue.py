"""Which of our products a shop item is: declared references first, then our names."""

from __future__ import annotations

import pytest

from bot.core.knowledge.models import Product, ShopRef
from bot.core.shop.catalogue import ShopCatalogue

PRODUCTS = (
    Product(
        "appointpress",
        "AppointPress",
        aliases=("AppointPress Pro", "AP Bookings"),
        shop_refs=(ShopRef("woocommerce", "1234"), ShopRef("edd", "42"), ShopRef("edd", "AP-1")),
    ),
    Product("mailmagnet", "MailMagnet", aliases=("Mail Magnet",)),
    Product("polder", "Polder", shop_refs=(ShopRef("woocommerce", "777"),)),
)


@pytest.mark.parametrize(
    ("source", "refs", "slug"),
    [
        ("woocommerce", (1234, 0, "X-1", "Something else"), "appointpress"),  # declared id
        ("woocommerce", (999, 1234, None, None), "appointpress"),  # declared variation id
        ("edd", (42, None), "appointpress"),
        ("edd", ("ap-1",), "appointpress"),  # SKUs compare without case
        ("woocommerce", (555, 0, "", "MailMagnet"), "mailmagnet"),  # our name
        ("woocommerce", (555, 0, "", "mail  magnet"), "mailmagnet"),  # alias, spacing
        ("woocommerce", (555, 0, "", "AppointPress Pro - 5 sites"), "appointpress"),  # option
        ("edd", (7, "MailMagnet – Single Site"), "mailmagnet"),
        ("woocommerce", (555, 0, "", "appointpress"), "appointpress"),  # the slug
        ("edd", (1234,), None),  # a WooCommerce id means nothing to EDD
        ("woocommerce", (555, 0, "", "Yoast SEO Premium"), None),
        ("woocommerce", (True, None, "", ""), None),
    ],
)
def test_shop_items_map_to_our_slugs(source: str, refs: tuple[object, ...], slug: str) -> None:
    assert ShopCatalogue(PRODUCTS).product_for(source, refs) == slug


def test_a_reference_two_products_claim_maps_to_neither() -> None:
    products = (
        Product("a", "A", shop_refs=(ShopRef("edd", "9"),)),
        Product("b", "B", shop_refs=(ShopRef("edd", "9"),)),
    )
    assert ShopCatalogue(products).product_for("edd", (9, "A")) is None
