"""Typed values out of a decoded JSON webhook body; anything else is a `ShopPayloadError`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.core.shop.records import ShopPayloadError, valid_email

MAX_TEXT = 200


def as_object(value: object, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ShopPayloadError("invalid_field", f"{name} must be a JSON object")
    return value


def shop_id(data: dict[str, Any], key: str, where: str = "") -> str:
    """A positive whole number (or its digits as text), as text."""
    value = data.get(key)
    if value is None:
        raise ShopPayloadError("missing_field", f"{where}{key} is missing")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 20:
        return value.strip()
    raise ShopPayloadError("invalid_field", f"{where}{key} must be a positive whole number")


def text(data: dict[str, Any], key: str, where: str = "", *, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ShopPayloadError("missing_field", f"{where}{key} is missing")
        return ""
    if not isinstance(value, str) or len(value) > MAX_TEXT or "\x00" in value:
        raise ShopPayloadError("invalid_field", f"{where}{key} must be text (at most 200 chars)")
    return value.strip()


def email(data: dict[str, Any], key: str, where: str = "") -> str:
    address = text(data, key, where).lower()
    if not valid_email(address):
        raise ShopPayloadError("invalid_field", f"{where}{key} is not an email address")
    return address


def gmt_datetime(value: object, name: str) -> datetime | None:
    """WooCommerce's ``2026-11-26T10:00:00`` in GMT (no zone given); empty means none."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ShopPayloadError("invalid_field", f"{name} must be a date and time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ShopPayloadError("invalid_field", f"{name} is not a date and time") from error
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def day(value: object, name: str) -> date | None:
    """A date from an ISO date or date-time, a Unix time, or nothing (None) for none."""
    if value is None or value == "" or value == 0 or value == "0":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC).date()
        except (OverflowError, OSError, ValueError) as error:
            raise ShopPayloadError("invalid_field", f"{name} is not a valid time") from error
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError as error:
            raise ShopPayloadError("invalid_field", f"{name} is not a date (YYYY-MM-DD)") from error
    raise ShopPayloadError("invalid_field", f"{name} must be a date")
