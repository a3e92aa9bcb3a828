"""Subscriptions in storage (upserts, shop updates, the engine's view) and the end-to-end flows.

Everything runs on SQLite and PostgreSQL (``database_url``). The flows go through the real app
(JSON API → Conversations → engine) with the real lookup wired in ``build_runtime``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from bot.channels.runtime import runtime
from bot.core.licence_keys import find_licence_keys, licence_key_hash
from bot.core.shop.records import ShopUpdate, SubscriptionRecord
from bot.helpdesk.learning.phrasings import TAUGHT
from bot.helpdesk.subscriptions import (
    SubscriptionFeed,
    apply_shop_update,
    last_day,
    upsert_subscription,
)
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, Message
from bot.storage.models.subscriptions import ConversationSubscription, Subscription

KEY = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TODAY = datetime.now(UTC).date()


def record(**changes: Any) -> SubscriptionRecord:
    base = SubscriptionRecord(
        email="jan@example.nl",
        product="appointpress",
        status="active",
        expires_at=date(2027, 3, 31),
        source="csv",
        external_id=licence_key_hash(KEY),
        licence_hash=licence_key_hash(KEY),
        licence_last4="A697",
    )
    return replace(base, **changes)


def woo(sub_id: int, product: str, **changes: Any) -> SubscriptionRecord:
    defaults: dict[str, Any] = {
        "source": "woocommerce",
        "external_id": f"{sub_id}:{product}",
        "product": product,
        "licence_hash": None,
        "licence_last4": None,
        "expires_at": None,
        "shop_modified_at": T0,
    }
    return record(**{**defaults, **changes})


def rows(db: Database) -> list[Subscription]:
    with db.session() as session:
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


def upsert(db: Database, item: SubscriptionRecord) -> str:
    with db.session() as session:
        return upsert_subscription(session, item)


# -- upserts -------------------------------------------------------------------------------------
def test_a_reimport_by_licence_key_updates_and_never_duplicates(db: Database) -> None:
    assert upsert(db, record()) == "imported"
    assert upsert(db, record(email="JAN@example.nl".lower())) == "unchanged"
    assert upsert(db, record(expires_at=date(2028, 3, 31), status="active")) == "updated"
    (row,) = rows(db)
    assert row.expires_at == date(2028, 3, 31) and row.license_last4 == "A697"
    assert row.license_hash == licence_key_hash(KEY) and KEY not in repr(row.__dict__)


def test_an_older_shop_state_changes_nothing(db: Database) -> None:
    assert upsert(db, woo(7, "appointpress", shop_modified_at=T0)) == "imported"
    older = woo(7, "appointpress", status="cancelled", shop_modified_at=T0 - timedelta(hours=1))
    assert upsert(db, older) == "stale"
    assert rows(db)[0].status == "active"
    newer = woo(7, "appointpress", status="cancelled", shop_modified_at=T0 + timedelta(hours=1))
    assert upsert(db, newer) == "updated"
    assert rows(db)[0].status == "cancelled"


def test_a_key_imported_by_csv_becomes_the_shops_when_the_shop_sends_it(db: Database) -> None:
    upsert(db, record())
    from_shop = record(source="edd", external_id="981", shop_modified_at=T0, email="a@b.nl")
    assert upsert(db, from_shop) == "updated"
    (row,) = rows(db)
    assert (row.source, row.external_id, row.email) == ("edd", "981", "a@b.nl")
    assert upsert(db, record(expires_at=date(2029, 1, 1))) == "updated"  # CSV still updates
    assert rows(db)[0].source == "edd"


def test_a_regenerated_key_replaces_the_old_hash_and_merges_a_csv_copy(db: Database) -> None:
    upsert(db, record(source="edd", external_id="981", shop_modified_at=T0))
    new_key = "ABCD-1234-EFGH-5678"
    upsert(
        db, record(licence_hash=licence_key_hash(new_key), external_id="x", licence_last4="5678")
    )
    regenerated = record(
        source="edd", external_id="981", licence_hash=licence_key_hash(new_key),
        licence_last4="5678", shop_modified_at=T0 + timedelta(minutes=1),
    )  # fmt: skip
    assert upsert(db, regenerated) == "updated"
    (row,) = rows(db)
    assert row.license_hash == licence_key_hash(new_key) and row.license_last4 == "5678"


# -- shop updates --------------------------------------------------------------------------------
def test_a_line_item_gone_from_a_subscription_is_cancelled(db: Database) -> None:
    first = ShopUpdate("woocommerce", (woo(7, "appointpress"), woo(7, "mailmagnet")), group="7")
    with db.session() as session:
        assert apply_shop_update(session, first, T0) == {"imported": 2}
    later = T0 + timedelta(days=1)
    second = ShopUpdate("woocommerce", (woo(7, "appointpress", shop_modified_at=later),), group="7")
    with db.session() as session:
        assert apply_shop_update(session, second, later) == {"unchanged": 1, "cancelled": 1}
    statuses = {row.product: (row.status, row.shop_modified_at) for row in rows(db)}
    assert statuses == {"appointpress": ("active", later), "mailmagnet": ("cancelled", later)}


def test_a_deleted_subscription_cancels_its_rows_only(db: Database) -> None:
    with db.session() as session:
        apply_shop_update(session, ShopUpdate("woocommerce", (woo(7, "appointpress"),), "7"), T0)
        apply_shop_update(session, ShopUpdate("woocommerce", (woo(70, "appointpress"),), "70"), T0)
    now = T0 + timedelta(days=3)
    with db.session() as session:
        counts = apply_shop_update(session, ShopUpdate("woocommerce", group="7", deleted=True), now)
    assert counts == {"cancelled": 1}
    by_id = {row.external_id: row for row in rows(db)}
    assert by_id["7:appointpress"].status == "cancelled"
    assert last_day(by_id["7:appointpress"]) == date(2026, 11, 3)
    assert by_id["70:appointpress"].status == "active"


@pytest.mark.parametrize(
    ("status", "expires", "modified", "last"),
    [
        ("active", date(2027, 3, 31), T0, date(2027, 3, 31)),
        ("active", None, T0, date.max),
        ("expired", date(2026, 6, 30), T0, date(2026, 6, 30)),
        ("expired", None, T0, date(2026, 10, 31)),
        ("cancelled", date(2027, 3, 31), T0, date(2026, 10, 31)),
    ],
)
def test_the_engine_sees_the_last_day_a_subscription_runs(
    db: Database, status: str, expires: date | None, modified: datetime, last: date
) -> None:
    upsert(db, woo(7, "appointpress", status=status, expires_at=expires, shop_modified_at=modified))
    assert last_day(rows(db)[0]) == last


def test_the_feed_joins_the_email_and_the_keys_pasted_in_the_conversation(
    db: Database, conversation_id: int
) -> None:
    upsert(db, record(email="other@example.org", expires_at=date(2025, 1, 31)))
    upsert(db, woo(8, "mailmagnet", email="jan@example.nl"))
    feed = SubscriptionFeed()
    with db.session() as session:
        mine = feed.customer_subscriptions(session, conversation_id, "jan@example.nl")
        assert [(s.product, s.expires_at) for s in mine] == [("mailmagnet", "9999-12-31")]
        feed.recognise_keys(session, conversation_id, find_licence_keys(f"licentie {KEY}"))
        feed.recognise_keys(session, conversation_id, find_licence_keys(f"nogmaals {KEY}"))
    with db.session() as session:
        both = feed.customer_subscriptions(session, conversation_id, "jan@example.nl")
        links = session.scalars(select(ConversationSubscription)).all()
    assert sorted((s.product, s.expires_at, s.license_last4) for s in both) == [
        ("appointpress", "2025-01-31", "A697"),
        ("mailmagnet", "9999-12-31", ""),
    ]
    assert len(links) == 1


def test_a_turn_reads_its_subscriptions_with_one_statement_built_once(
    db: Database, conversation_id: int
) -> None:
    """Every turn asks; the statement is built once (per kind) and reads the same rows as
    ``customer_subscriptions``, with and without the customer's address."""
    upsert(db, record(email="other@example.org", expires_at=date(2025, 1, 31)))
    upsert(db, woo(8, "mailmagnet", email="jan@example.nl"))
    feed = SubscriptionFeed()
    run: list[object] = []
    with db.session() as session:
        event.listen(session, "do_orm_execute", lambda state: run.append(state.statement))
        feed.recognise_keys(session, conversation_id, find_licence_keys(f"licentie {KEY}"))
        run.clear()
        for email in (" Jan@Example.nl", "jan@example.nl", None, None):
            found, taught = feed.read_for_turn(session, conversation_id, email, TAUGHT)
            expected = feed.customer_subscriptions(session, conversation_id, email)
            assert found == expected and len(taught) == 3
            assert sorted(s.product for s in found) == (
                ["appointpress", "mailmagnet"] if email else ["appointpress"]
            )
    turns = run[0::2]  # each followed by the customer_subscriptions it is compared with
    assert turns[0] is turns[1] and turns[2] is turns[3] and turns[0] is not turns[2]


@pytest.fixture
def conversation_id(db: Database) -> int:
    """A bare conversation row to link subscriptions to."""
    with db.session() as session:
        conversation = Conversation(
            public_id="p1", token_hash="0" * 64, channel="widget", language="nl", state={}
        )
        session.add(conversation)
        session.flush()
        return conversation.id


# -- end to end through the app ------------------------------------------------------------------
def start(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/conversations", json={"language": "en", **body})
    assert response.status_code == 201
    return response.get_json()


def say(client: FlaskClient, conv: dict[str, Any], text: str) -> dict[str, Any]:
    response = client.post(
        f"/api/conversations/{conv['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": f"Bearer {conv['token']}"},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def store(app: Flask, item: SubscriptionRecord) -> None:
    with runtime(app).db.session() as session:
        upsert_subscription(session, item)


def test_an_expired_customer_reporting_a_problem_is_sent_to_renewal(
    app: Flask, client: FlaskClient
) -> None:
    store(app, record(email="old@example.org", expires_at=TODAY - timedelta(days=30)))
    conv = start(client, email="Old@Example.org")
    turn = say(client, conv, "AppointPress 3.4.2 crashes when I save a booking")
    assert turn["route"] == "subscription_expired"
    (message,) = turn["messages"]
    assert (TODAY - timedelta(days=30)).isoformat() in message["text"]
    assert "billing@example.com" in message["text"]
    renewal = runtime(app).kb.policy.renewal_url
    assert renewal and {"title": "Renew your subscription", "url": renewal} in message["links"]


def test_an_active_customer_takes_the_normal_path(app: Flask, client: FlaskClient) -> None:
    store(app, record(email="new@example.org", expires_at=TODAY + timedelta(days=30)))
    store(app, record(email="new@example.org", external_id="k2", licence_hash="b" * 64,
                      expires_at=TODAY - timedelta(days=400)))  # fmt: skip
    conv = start(client, email="new@example.org")
    turn = say(client, conv, "AppointPress 3.1 crashes when I save a booking")
    assert turn["route"] == "update_required"


def test_a_key_pasted_in_chat_is_stored_masked_and_its_subscription_recognised(
    app: Flask, client: FlaskClient
) -> None:
    store(app, record(email="shop-address@example.org", expires_at=TODAY - timedelta(days=2)))
    conv = start(client, email="private@example.net")
    text = f"AppointPress 3.4.2 crashes when I save a booking. My licence key is {KEY}"
    turn = say(client, conv, text)
    assert turn["route"] == "subscription_expired"  # known by the key, not by the address
    with runtime(app).db.session() as session:
        stored = session.scalars(select(Message).where(Message.role == "customer")).all()
        conversation = session.scalars(select(Conversation)).one()
        events = session.scalars(select(EventRecord.kind)).all()
        links = session.scalars(select(ConversationSubscription)).all()
    assert [m.text for m in stored] == [text.replace(KEY, "••••A697")]
    assert KEY not in str(conversation.state) and KEY.upper() not in str(conversation.state)
    assert "subscription_recognised" in events and len(links) == 1
    transcript = client.get(
        f"/api/conversations/{conv['conversation_id']}",
        headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()
    assert all(KEY not in m["text"] for m in transcript["messages"])


def test_an_unknown_key_is_masked_and_noted_for_staff(app: Flask, client: FlaskClient) -> None:
    conv = start(client, language="nl")
    say(client, conv, "mijn licentiecode is X7K2-M9Q4-P3W8-L5N6")
    with runtime(app).db.session() as session:
        (message,) = session.scalars(select(Message).where(Message.role == "customer")).all()
        (event,) = session.scalars(
            select(EventRecord).where(EventRecord.kind == "licence_key_unknown")
        ).all()
    assert message.text == "mijn licentiecode is ••••L5N6" and event.data == {"last4": "L5N6"}
