"""``shop:`` in product.yaml: how the shop names the product, for the subscription webhook.

    shop:
      woocommerce: [1234, 1240, AP-PRO-1Y]   # product or variation ids, SKUs, item names
      edd: [42, "AppointPress Pro"]           # download ids or names

Without it, a shop item whose name is the product's name, an alias or the slug still matches.
A reference given for two products is an error: the webhook then refuses that item.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.knowledge.fields import FieldReader
from bot.core.knowledge.load_context import LoadContext
from bot.core.knowledge.models import Product, ShopRef

SHOP_SOURCES = ("woocommerce", "edd")
MAX_REF_CHARS = 200


def shop_ref_key(text: str) -> str:
    """One spelling for comparing shop references: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def read_shop_refs(reader: FieldReader) -> tuple[ShopRef, ...] | None:
    """The ``shop:`` mapping of one product.yaml; problems are reported, bad items skipped."""
    mapping = reader.nested_mapping("shop")
    if mapping is None:
        return None
    refs: list[ShopRef] = []
    for source, items in mapping.items():
        if source not in SHOP_SOURCES:
            reader.report("shop", f"shop: unknown shop {source!r} (use {', '.join(SHOP_SOURCES)})")
            continue
        for item in items if isinstance(items, list) else [items]:
            ref = _ref_text(item)
            if ref is None:
                reader.report(
                    "shop", f"shop: {source}: {item!r} is not an id, SKU or name; skipped"
                )
                continue
            refs.append(ShopRef(source, ref))
    return tuple(dict.fromkeys(refs))


def _ref_text(item: object) -> str | None:
    if isinstance(item, bool) or not isinstance(item, (int, str)):
        return None
    text = str(item).strip()
    return text if 0 < len(text) <= MAX_REF_CHARS else None


def report_shared_shop_refs(context: LoadContext, products: Iterable[Product]) -> None:
    """A shop reference that two products claim cannot tell them apart."""
    owners: dict[tuple[str, str], list[str]] = {}
    for product in products:
        for ref in product.shop_refs:
            owners.setdefault((ref.source, shop_ref_key(ref.ref)), []).append(product.slug)
    for (source, key), slugs in sorted(owners.items()):
        if len(set(slugs)) > 1:
            context.report(
                context.root / "products",
                f"shop: {source} reference {key!r} is given for {', '.join(sorted(set(slugs)))}; "
                "shop items with it are refused until one product keeps it",
            )
