"""Webhook bodies to records: WooCommerce Subscriptions and the EDD snippet's JSON (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.knowledge.models import Product, ShopRef
from bot.core.licence_keys import licence_key_hash
from bot.core.shop.catalogue import ShopCatalogue
from bot.core.shop.edd import edd_update
from bot.core.shop.records import ShopPayloadError
from bot.core.shop.woocommerce import woocommerce_update
from tests.shop_fixtures import doc_json

CATALOGUE = ShopCatalogue(
    (
        Product("appointpress", "AppointPress", aliases=("AppointPress Pro",)),
        Product("mailmagnet", "MailMagnet", shop_refs=(ShopRef("woocommerce", "MM-1"),)),
    )
)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def woo(**changes: Any) -> dict[str, Any]:
    return {**doc_json("woocommerce-active"), **changes}


def edd(event: str = "license.renewed", **licence: Any) -> dict[str, Any]:
    body = doc_json("edd-renewed")
    return {**body, "event": event, "sent_at": int(NOW.timestamp()),
            "license": {**body["license"], **licence}}  # fmt: skip


def test_the_documented_woocommerce_delivery_is_one_active_record() -> None:
    update = woocommerce_update(woo(), "subscription.updated", CATALOGUE)
    (record,) = update.records
    assert (record.email, record.product, record.status) == (
        "jan@example.nl",
        "appointpress",
        "active",
    )
    assert record.expires_at is None and record.licence_hash is None
    assert record.external_id == "4321:appointpress" and update.group == "4321"
    assert record.shop_modified_at == datetime(2026, 11, 26, 9, 13, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "dates", "stored", "expires"),
    [
        ("active", {"end_date_gmt": "2027-02-01T00:00:00"}, "active", date(2027, 2, 1)),
        ("pending-cancel", {"end_date_gmt": "2027-01-15T09:00:00"}, "active", date(2027, 1, 15)),
        ("pending-cancel", {"next_payment_date_gmt": "2027-01-20T09:00:00"}, "active",
         date(2027, 1, 20)),
        ("on-hold", {"next_payment_date_gmt": "2026-11-20T09:00:00"}, "expired",
         date(2026, 11, 20)),
        ("expired", {"end_date_gmt": "2026-10-01T00:00:00"}, "expired", date(2026, 10, 1)),
        ("cancelled", {"cancelled_date_gmt": "2026-11-01T12:00:00"}, "cancelled",
         date(2026, 11, 1)),
        ("switched", {}, "cancelled", None),
        ("trash", {}, "cancelled", None),
    ],
)  # fmt: skip
def test_woocommerce_statuses_map_to_ours_with_the_right_last_day(
    status: str, dates: dict[str, str], stored: str, expires: date | None
) -> None:
    body = woo(**{"status": status, "end_date_gmt": "", "next_payment_date_gmt": None, **dates})
    (record,) = woocommerce_update(body, "subscription.updated", CATALOGUE).records
    assert (record.status, record.expires_at) == (stored, expires)


@pytest.mark.parametrize("status", ["pending", "draft"])
def test_unpaid_or_draft_subscriptions_are_ignored(status: str) -> None:
    update = woocommerce_update(woo(status=status), "subscription.created", CATALOGUE)
    assert update.records == () and update.ignored == f"status {status}"


def test_each_of_our_line_items_is_a_record_and_others_are_listed() -> None:
    items = [
        {"product_id": 1, "name": "AppointPress Pro - 5 sites"},
        {"product_id": 2, "sku": "MM-1", "name": "Newsletter bundle"},
        {"product_id": 3, "name": "Priority support add-on"},
    ]
    update = woocommerce_update(woo(line_items=items), "subscription.updated", CATALOGUE)
    assert [r.product for r in update.records] == ["appointpress", "mailmagnet"]
    assert len(update.unmapped) == 1 and "Priority support add-on" in update.unmapped[0]


def test_only_a_bare_id_body_deletes() -> None:
    deleted = woocommerce_update(doc_json("woocommerce-deleted"), "subscription.deleted", CATALOGUE)
    assert deleted.deleted and deleted.group == "4321"
    replayed = woocommerce_update(woo(), "subscription.deleted", CATALOGUE)  # forged topic
    assert not replayed.deleted and replayed.records[0].status == "active"


@pytest.mark.parametrize(
    ("body", "topic", "code"),
    [
        ([1, 2], "subscription.updated", "invalid_field"),
        (woo(id=None), "subscription.updated", "missing_field"),
        (woo(id="12a"), "subscription.updated", "invalid_field"),
        (woo(id=-3), "subscription.updated", "invalid_field"),
        (woo(status="paused"), "subscription.updated", "invalid_field"),
        (woo(status=None), "subscription.updated", "missing_field"),
        (woo(billing={"email": "not-an-address"}), "subscription.updated", "invalid_field"),
        (woo(billing=None), "subscription.updated", "invalid_field"),
        (woo(billing={}), "subscription.updated", "missing_field"),
        (woo(line_items=None), "subscription.updated", "missing_field"),
        (woo(line_items=[]), "subscription.updated", "invalid_field"),
        (woo(line_items=["x"]), "subscription.updated", "invalid_field"),
        (woo(line_items=[{"name": "Yoast SEO"}]), "subscription.updated", "unknown_product"),
        (woo(end_date_gmt="next year"), "subscription.updated", "invalid_field"),
        (woo(date_modified_gmt=12), "subscription.updated", "invalid_field"),
        (woo(), "order.updated", "unsupported_topic"),
        ({"id": 4321}, "subscription.updated", "missing_field"),
    ],
)
def test_bad_woocommerce_bodies_are_refused_with_a_code(body: Any, topic: str, code: str) -> None:
    with pytest.raises(ShopPayloadError) as raised:
        woocommerce_update(body, topic, CATALOGUE)
    assert raised.value.code == code and raised.value.message


def test_the_documented_edd_delivery_is_one_record_with_the_key_hashed() -> None:
    update = edd_update(edd(), CATALOGUE, NOW)
    (record,) = update.records
    key = doc_json("edd-renewed")["license"]["key"]
    assert record.licence_hash == licence_key_hash(key) and record.licence_last4 == "A697"
    assert key not in repr(update) and key.upper() not in repr(update)
    assert (record.email, record.product, record.status, record.expires_at) == (
        "anna@example.org",
        "mailmagnet",
        "active",
        date(2027, 11, 26),
    )
    assert record.external_id == "981" and record.shop_modified_at == NOW


@pytest.mark.parametrize(
    ("event", "licence", "status", "expires"),
    [
        ("license.created", {"status": "inactive"}, "active", date(2027, 11, 26)),
        ("license.updated", {"expiration": "lifetime"}, "active", None),
        ("license.updated", {"expiration": 0}, "active", None),
        ("license.updated", {"expiration": 1798761599}, "active", date(2026, 12, 31)),
        ("license.updated", {"expiration": "2026-12-31 23:59:59"}, "active", date(2026, 12, 31)),
        ("license.expired", {"status": "active"}, "expired", date(2027, 11, 26)),
        ("license.revoked", {}, "cancelled", date(2027, 11, 26)),
        ("license.updated", {"status": "disabled"}, "cancelled", date(2027, 11, 26)),
        ("license.updated", {"status": None}, "active", date(2027, 11, 26)),
    ],
)
def test_edd_events_and_statuses_map_to_ours(
    event: str, licence: dict[str, Any], status: str, expires: date | None
) -> None:
    (record,) = edd_update(edd(event, **licence), CATALOGUE, NOW).records
    assert (record.status, record.expires_at) == (status, expires)


def test_edd_deletion_needs_only_the_licence_id() -> None:
    body = {**doc_json("edd-deleted"), "sent_at": int(NOW.timestamp())}
    update = edd_update(body, CATALOGUE, NOW)
    assert update.deleted and update.group == "981" and update.records == ()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (edd("license.stolen"), "invalid_field"),
        ({**edd(), "sent_at": None}, "missing_field"),
        ({**edd(), "sent_at": "yesterday"}, "invalid_field"),
        ({**edd(), "sent_at": int((NOW - timedelta(minutes=6)).timestamp())}, "stale_delivery"),
        ({**edd(), "sent_at": int((NOW + timedelta(minutes=6)).timestamp())}, "stale_delivery"),
        ({**edd(), "license": "981"}, "invalid_field"),
        (edd(key=None), "missing_field"),
        (edd(key="abc"), "invalid_field"),
        (edd(customer_email="anna"), "invalid_field"),
        (edd(download_id=5, download_name="Yoast SEO"), "unknown_product"),
        (edd(expiration="soon"), "invalid_field"),
        (edd(status="frozen"), "invalid_field"),
        (edd(id=0), "invalid_field"),
    ],
)
def test_bad_edd_bodies_are_refused_with_a_code(body: Any, code: str) -> None:
    with pytest.raises(ShopPayloadError) as raised:
        edd_update(body, CATALOGUE, NOW)
    assert raised.value.code == code and raised.value.message
