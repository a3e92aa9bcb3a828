"""Which of our products a shop item is: the ``shop:`` references first, then our names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.knowledge.models import Product
from bot.core.knowledge.shop_refs import shop_ref_key

# "AppointPress Pro - 5 sites", "AppointPress Pro – Single Site": a variation or price option.
_OPTION_SUFFIX = re.compile(r"\s+[-–—|:]\s+.*$")


class ShopCatalogue:
    def __init__(self, products: Iterable[Product]) -> None:
        self._declared: dict[tuple[str, str], set[str]] = {}
        self._names: dict[str, set[str]] = {}
        for product in products:
            for ref in product.shop_refs:
                self._declared.setdefault((ref.source, shop_ref_key(ref.ref)), set()).add(
                    product.slug
                )
            for name in product.names:
                self._names.setdefault(shop_ref_key(name), set()).add(product.slug)

    def product_for(self, source: str, refs: Iterable[object]) -> str | None:
        """Our slug for an item known by ``refs`` (ids, SKU, name), or None (unknown, ambiguous)."""
        keys = [shop_ref_key(str(ref)) for ref in refs if _usable(ref)]
        for key in keys:
            slugs = self._declared.get((source, key))
            if slugs:
                return next(iter(slugs)) if len(slugs) == 1 else None
        for key in keys:
            for name in (key, _OPTION_SUFFIX.sub("", key)):
                slugs = self._names.get(name)
                if slugs:
                    return next(iter(slugs)) if len(slugs) == 1 else None
        return None


def _usable(ref: object) -> bool:
    if isinstance(ref, bool) or ref is None:
        return False
    if isinstance(ref, int):
        return ref > 0  # WooCommerce sends variation_id 0 for a simple product
    return isinstance(ref, str) and bool(ref.strip())
