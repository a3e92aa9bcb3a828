"""WooCommerce Subscriptions webhooks (topics ``subscription.*``): the REST API's subscription.

The body is what ``GET /wp-json/wc/v3/subscriptions/<id>`` returns: ``id``, ``status``,
``billing.email``, ``line_items`` (``product_id``, ``variation_id``, ``sku``, ``name``), the
``*_date_gmt`` fields and ``date_modified_gmt``; ``subscription.deleted`` sends only ``id``.
A delivery older than the stored state (``date_modified_gmt``) changes nothing.
One record per product of ours in the subscription (``external_id`` ``<id>:<slug>``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.core.shop.catalogue import ShopCatalogue
from bot.core.shop.fields import as_object, day, email, gmt_datetime, shop_id, text
from bot.core.shop.records import ShopPayloadError, ShopUpdate, Status, SubscriptionRecord

# WooCommerce Subscriptions status -> ours. on-hold: a renewal payment failed, and WooCommerce
# itself takes the customer's access away until it is paid, so support counts it as lapsed.
# pending (not paid yet) and drafts are not subscriptions to support (None: ignored).
STATUSES: dict[str, Status | None] = {
    "active": "active",
    "pending-cancel": "active",  # cancelled by the customer, runs until its end date
    "on-hold": "expired",
    "expired": "expired",
    "cancelled": "cancelled",
    "switched": "cancelled",  # replaced by another subscription (its own webhook follows)
    "trash": "cancelled",
    "pending": None,
    "draft": None,
    "auto-draft": None,
}
MAX_LINE_ITEMS = 100


def woocommerce_update(payload: object, topic: str, catalogue: ShopCatalogue) -> ShopUpdate:
    data = as_object(payload, "the body")
    resource, _, event = topic.strip().lower().partition(".")
    if topic and resource != "subscription":
        raise ShopPayloadError(
            "unsupported_topic", f"topic {topic[:60]!r} is not a subscription topic"
        )
    subscription = shop_id(data, "id")
    # The topic header is not signed: only a body that is nothing but the id (what WooCommerce
    # sends for a deletion) deletes, so a replayed full body cannot be turned into a deletion.
    if event == "deleted" and set(data) == {"id"}:
        return ShopUpdate("woocommerce", group=subscription, deleted=True)
    shop_status = text(data, "status")
    if shop_status not in STATUSES:
        raise ShopPayloadError("invalid_field", f"status {shop_status[:40]!r} is not known")
    status = STATUSES[shop_status]
    if status is None:
        return ShopUpdate("woocommerce", group=subscription, ignored=f"status {shop_status}")
    address = email(as_object(data.get("billing"), "billing"), "email", "billing.")
    expires = _expiry(shop_status, data)
    modified = gmt_datetime(data.get("date_modified_gmt"), "date_modified_gmt")
    records: dict[str, SubscriptionRecord] = {}
    unmapped: list[str] = []
    for item in _line_items(data):
        refs = (item.get("product_id"), item.get("variation_id"), item.get("sku"), item.get("name"))
        slug = catalogue.product_for("woocommerce", refs)
        if slug is None:
            unmapped.append(_describe(item))
            continue
        records[slug] = SubscriptionRecord(
            address, slug, status, expires, "woocommerce", f"{subscription}:{slug}",
            shop_modified_at=modified,
        )  # fmt: skip
    if not records:
        raise ShopPayloadError(
            "unknown_product",
            f"no line item is one of our products ({'; '.join(unmapped)[:300]}); "
            "map it with shop: woocommerce: in the product's product.yaml",
        )
    return ShopUpdate(
        "woocommerce", tuple(records.values()), group=subscription, unmapped=tuple(unmapped)
    )


def _line_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("line_items")
    if items is None:
        raise ShopPayloadError("missing_field", "line_items is missing")
    if not isinstance(items, list) or not items or len(items) > MAX_LINE_ITEMS:
        raise ShopPayloadError("invalid_field", "line_items must be a list of 1-100 items")
    return [as_object(item, "a line item") for item in items]


def _expiry(shop_status: str, data: dict[str, Any]) -> date | None:
    """The last day of the subscription, when it has one (an active one renews: none)."""
    end = day(data.get("end_date_gmt"), "end_date_gmt")
    if shop_status == "pending-cancel":
        return end or day(data.get("next_payment_date_gmt"), "next_payment_date_gmt")
    if shop_status == "on-hold":  # the renewal that was not paid
        return day(data.get("next_payment_date_gmt"), "next_payment_date_gmt") or end
    if shop_status == "cancelled":
        return end or day(data.get("cancelled_date_gmt"), "cancelled_date_gmt")
    return end


def _describe(item: dict[str, Any]) -> str:
    name = item.get("name")
    label = name[:60] if isinstance(name, str) else "?"
    return f"{label!r} (product_id {item.get('product_id')!s:.20}, sku {item.get('sku')!s:.40})"
