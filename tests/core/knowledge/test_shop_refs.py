"""``shop:`` in product.yaml: how the shop names a product, validated like every other key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.models import ShopRef
from tests.core.knowledge.test_loader import GOOD, load

PRODUCT = 'name: Demo Plugin\nkind: plugin\nlatest_version: "2.0.1"\n'


def test_shop_ids_skus_and_names_are_read_per_shop(tmp_path: Path) -> None:
    yaml = PRODUCT + 'shop:\n  woocommerce: [1234, AP-PRO, "Demo Pro - 5 sites"]\n  edd: 42\n'
    kb = load(tmp_path, {**GOOD, "products/demo/product.yaml": yaml})
    assert kb.problems == ()
    assert kb.products["demo"].shop_refs == (
        ShopRef("woocommerce", "1234"),
        ShopRef("woocommerce", "AP-PRO"),
        ShopRef("woocommerce", "Demo Pro - 5 sites"),
        ShopRef("edd", "42"),
    )


@pytest.mark.parametrize(
    ("shop", "message"),
    [
        ("shop: [1234]", "'shop' must be a mapping"),
        ("shop:\n  shopify: [1]", "unknown shop 'shopify'"),
        ("shop:\n  woocommerce: [true]", "True is not an id, SKU or name"),
        ("shop:\n  edd: [{id: 4}]", "is not an id, SKU or name"),
    ],
)
def test_a_bad_shop_mapping_is_reported_and_the_product_still_loads(
    tmp_path: Path, shop: str, message: str
) -> None:
    kb = load(tmp_path, {**GOOD, "products/demo/product.yaml": PRODUCT + shop + "\n"})
    assert any(message in problem.message for problem in kb.problems), kb.problems
    assert kb.products["demo"].name == "Demo Plugin"
    assert kb.products["demo"].shop_refs == ()


def test_a_shop_reference_claimed_by_two_products_is_an_error(tmp_path: Path) -> None:
    other = "name: Other\nshop:\n  woocommerce: [' ap-pro ']\n"
    files = {
        **GOOD,
        "products/demo/product.yaml": PRODUCT + "shop:\n  woocommerce: [AP-PRO]\n",
        "products/other/product.yaml": other,
    }
    kb = load(tmp_path, files)
    (problem,) = [p for p in kb.problems if "given for" in p.message]
    assert problem.severity == "error" and "demo, other" in problem.message
