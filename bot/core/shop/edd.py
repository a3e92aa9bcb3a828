"""Easy Digital Downloads Software Licensing: the JSON our forwarding snippet posts.

EDD has no webhooks of its own; the snippet in docs/subscriptions.md hooks its licence events
and sends::

    {"event": "license.renewed", "sent_at": 1795689600,
     "license": {"id": 1234, "key": "...", "status": "active", "expiration": "2027-11-26",
                 "download_id": 42, "download_name": "AppointPress Pro",
                 "customer_email": "jan@example.nl"}}

``sent_at`` (Unix time) is signed with the body, so a delivery older than ``MAX_AGE`` is
refused: a recorded request cannot be replayed later. ``external_id`` is the licence id.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.core.licence_keys import licence_key_hash, licence_key_last4
from bot.core.shop.catalogue import ShopCatalogue
from bot.core.shop.fields import as_object, day, email, shop_id, text
from bot.core.shop.records import ShopPayloadError, ShopUpdate, Status, SubscriptionRecord

EVENTS = (
    "license.created",
    "license.renewed",
    "license.updated",
    "license.expired",
    "license.revoked",
    "license.deleted",
)
# EDD licence status -> ours; "inactive" is a valid licence not activated on any site yet.
STATUSES: dict[str, Status] = {
    "active": "active",
    "inactive": "active",
    "site_inactive": "active",
    "valid": "active",
    "expired": "expired",
    "disabled": "cancelled",
    "revoked": "cancelled",
}
MAX_AGE = timedelta(minutes=5)
MIN_KEY_CHARS = 8


def edd_update(payload: object, catalogue: ShopCatalogue, now: datetime) -> ShopUpdate:
    data = as_object(payload, "the body")
    event = text(data, "event")
    if event not in EVENTS:
        raise ShopPayloadError("invalid_field", f"event {event[:40]!r} is not one of {EVENTS}")
    sent_at = _sent_at(data, now)
    licence = as_object(data.get("license"), "license")
    licence_id = shop_id(licence, "id", "license.")
    if event == "license.deleted":
        return ShopUpdate("edd", group=licence_id, deleted=True)
    key = text(licence, "key", "license.")
    if len(key) < MIN_KEY_CHARS:
        raise ShopPayloadError("invalid_field", "license.key is too short to be a licence key")
    address = email(licence, "customer_email", "license.")
    slug = catalogue.product_for("edd", (licence.get("download_id"), licence.get("download_name")))
    if slug is None:
        raise ShopPayloadError(
            "unknown_product",
            f"download {licence.get('download_id')!s:.20} "
            f"{str(licence.get('download_name') or '')[:60]!r} is none of our products; "
            "map it with shop: edd: in the product's product.yaml",
        )
    record = SubscriptionRecord(
        email=address,
        product=slug,
        status=_status(event, licence),
        expires_at=_expiration(licence),
        source="edd",
        external_id=licence_id,
        licence_hash=licence_key_hash(key),
        licence_last4=licence_key_last4(key),
        shop_modified_at=sent_at,
    )
    return ShopUpdate("edd", (record,), group=licence_id)


def _sent_at(data: dict[str, Any], now: datetime) -> datetime:
    value = data.get("sent_at")
    if value is None:
        raise ShopPayloadError("missing_field", "sent_at is missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ShopPayloadError("invalid_field", "sent_at must be a Unix time (whole seconds)")
    try:
        sent = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise ShopPayloadError("invalid_field", "sent_at is not a valid time") from error
    if abs(now - sent) > MAX_AGE:
        raise ShopPayloadError(
            "stale_delivery",
            f"sent_at is {int((now - sent).total_seconds())} s from our clock "
            f"(at most {int(MAX_AGE.total_seconds())} s): an old or replayed delivery, "
            "or a clock that is off",
        )
    return sent


def _status(event: str, licence: dict[str, Any]) -> Status:
    if event == "license.expired":
        return "expired"
    if event == "license.revoked":
        return "cancelled"
    given = text(licence, "status", "license.", required=False).lower()
    if not given:
        return "active"
    if given not in STATUSES:
        raise ShopPayloadError("invalid_field", f"license.status {given[:40]!r} is not known")
    return STATUSES[given]


def _expiration(licence: dict[str, Any]) -> date | None:
    value = licence.get("expiration")
    if isinstance(value, str) and value.strip().lower() == "lifetime":
        return None
    if licence.get("is_lifetime") is True:
        return None
    return day(value, "license.expiration")
