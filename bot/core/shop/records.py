"""One customer's subscription to one product, as a CSV row or a shop webhook describes it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Status = Literal["active", "expired", "cancelled"]
Source = Literal["csv", "woocommerce", "edd"]

_EMAIL = re.compile(r"[^@\s\"'<>(),;]{1,64}@[^@\s\"'<>(),;]{1,190}\.[^@\s\"'<>(),;.]{2,63}")


def valid_email(text: str) -> bool:
    return len(text) <= 254 and _EMAIL.fullmatch(text) is not None


@dataclass(frozen=True)
class SubscriptionRecord:
    """What to store; the licence key is already reduced to its hash and last 4 characters."""

    email: str  # lower case
    product: str  # our slug
    status: Status
    expires_at: date | None  # None: does not expire
    source: Source
    external_id: str  # the shop's id; for CSV rows the key hash
    licence_hash: str | None = None
    licence_last4: str | None = None
    shop_modified_at: datetime | None = None  # the shop's time of this state (aware, UTC)


@dataclass(frozen=True)
class ShopUpdate:
    """A webhook delivery's meaning: records to store, and the shop's ids no longer current.

    ``group`` is the shop object the records belong to (a WooCommerce subscription holds one
    record per product): rows of that group not in ``records`` are cancelled.
    """

    source: Source
    records: tuple[SubscriptionRecord, ...] = ()
    group: str | None = None
    ignored: str = ""  # why nothing is stored (a status we do not track), else ""
    unmapped: tuple[str, ...] = ()  # shop items that are none of our products
    deleted: bool = False  # the shop deleted the group: its rows are cancelled


class ShopPayloadError(ValueError):
    """A webhook body we cannot use; ``code`` is the JSON error code, the message says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
