"""The WordPress connector's origin rule (docs/widget.md, "Allowed sites"), and what its Help
page sends when a conversation starts: the product, the installed version, a licence identity.

A customer's wp-admin is an arbitrary origin. With ``SUPPORTBOT_CONNECTOR_ANY_SITE`` such a site
may start conversations about one of our products only (a few per hour per site), search the
FAQ only with a product, and use the conversations it holds the token of; listed sites keep
everything, and nothing changes while the allowance is off.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import websocket
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.app import create_app
from bot.channels.runtime import runtime
from bot.core.licence_keys import licence_key_hash
from bot.core.shop.records import SubscriptionRecord
from bot.helpdesk.subscriptions import upsert_subscription
from bot.storage.models import EventRecord
from tests.conftest import make_config
from tests.live_server import LiveServer

LISTED = "https://customer-site.example"  # make_config's widget_origins
CUSTOMER = "https://shop.customer-of-ours.example"  # a customer's wp-admin: listed nowhere
UPGRADE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}  # fmt: skip
KEY = "AP-7F3K-92XQ-LM4T"


def make_client(tmp_path: Path, sqlite_url: str, **overrides: Any) -> Iterator[FlaskClient]:
    app = create_app(make_config(tmp_path, sqlite_url, **overrides))
    app.config["TESTING"] = True
    yield app.test_client()
    app.extensions["supportbot"].db.dispose()


@pytest.fixture
def allowance(tmp_path: Path, sqlite_url: str) -> Iterator[FlaskClient]:
    yield from make_client(
        tmp_path, sqlite_url, connector_any_site=True, connector_chats_per_site=3
    )


@pytest.fixture
def closed(tmp_path: Path, sqlite_url: str) -> Iterator[FlaskClient]:
    yield from make_client(tmp_path, sqlite_url)


def start(web: FlaskClient, origin: str | None = CUSTOMER, **body: Any):  # type: ignore[no-untyped-def]
    headers = {"Origin": origin} if origin else {}
    return web.post("/api/conversations", json={"language": "en", **body}, headers=headers)


def cors(response: Any) -> str | None:
    return response.headers.get("Access-Control-Allow-Origin")


# -- the allowance ---------------------------------------------------------------------------------
def test_a_customer_site_may_start_a_conversation_about_a_product(allowance: FlaskClient) -> None:
    response = start(allowance, product="appointpress")
    assert response.status_code == 201 and cors(response) == CUSTOMER
    conv = response.get_json()
    headers = {"Origin": CUSTOMER, "Authorization": f"Bearer {conv['token']}"}
    path = f"/api/conversations/{conv['conversation_id']}"
    said = allowance.post(path + "/messages", json={"text": "hello"}, headers=headers)
    assert said.status_code == 200 and cors(said) == CUSTOMER
    assert cors(allowance.get(path, headers=headers)) == CUSTOMER
    assert cors(allowance.post(path + "/end", headers=headers)) == CUSTOMER


def test_a_customer_site_may_not_start_a_conversation_without_a_product(
    allowance: FlaskClient,
) -> None:
    response = start(allowance)
    assert response.status_code == 403
    assert response.get_json()["error"] == "origin_not_allowed"
    assert cors(response) == CUSTOMER  # the page can read why


def test_a_customer_site_gets_a_few_new_conversations_per_hour(allowance: FlaskClient) -> None:
    statuses = [start(allowance, product="appointpress").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = start(allowance, product="appointpress")
    assert (
        refused.get_json()["error"] == "rate_limited" and int(refused.headers["Retry-After"]) > 60
    )
    # another customer's site, a listed site and a script without an Origin are not affected
    assert start(allowance, "https://other-customer.example", product="polder").status_code == 201
    assert start(allowance, LISTED).status_code == 201
    assert start(allowance, None).status_code == 201


def test_a_customer_site_searches_the_faq_only_with_a_product(allowance: FlaskClient) -> None:
    headers = {"Origin": CUSTOMER}
    with_product = allowance.get("/api/faq/search?q=licentie&product=appointpress", headers=headers)
    without = allowance.get("/api/faq/search?q=licentie", headers=headers)
    unknown = allowance.get("/api/faq/search?q=licentie&product=nope", headers=headers)
    assert cors(with_product) == CUSTOMER
    assert cors(without) is None and cors(unknown) is None


def test_a_preflight_from_a_customer_site_is_answered_for_the_chat_only(
    allowance: FlaskClient,
) -> None:
    preflight = {"Origin": CUSTOMER, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}  # fmt: skip
    assert cors(allowance.options("/api/conversations", headers=preflight)) == CUSTOMER
    assert cors(allowance.options("/api/anything-else", headers=preflight)) is None


def test_the_socket_accepts_a_customer_site_only_with_the_allowance(
    closed: FlaskClient, tmp_path: Path
) -> None:
    assert closed.get("/ws", headers={**UPGRADE, "Origin": CUSTOMER}).status_code == 403
    # The accepted handshake needs a real socket (a test client has none).
    with LiveServer(tmp_path / "live", env={"SUPPORTBOT_CONNECTOR_ANY_SITE": "true"}) as live:
        sock = websocket.create_connection(live.ws_url, timeout=10, origin=CUSTOMER)
        sock.close()


@pytest.mark.parametrize(
    "origin", ["null", "file://", "chrome-extension://abcdef", "https://a.example/path", "x" * 400]
)
def test_origins_that_are_no_web_site_get_nothing(allowance: FlaskClient, origin: str) -> None:
    response = start(allowance, origin, product="appointpress")
    assert cors(response) is None
    assert allowance.get("/ws", headers={**UPGRADE, "Origin": origin}).status_code == 403


def test_without_the_allowance_a_customer_site_gets_nothing(closed: FlaskClient) -> None:
    response = start(closed, product="appointpress")
    assert cors(response) is None
    assert (
        cors(closed.get("/api/faq/search?q=x&product=appointpress", headers={"Origin": CUSTOMER}))
        is None
    )


# -- what the Help page sends ----------------------------------------------------------------------
def test_the_installed_version_is_preselected_with_the_product(closed: FlaskClient) -> None:
    conv = start(closed, None, product="appointpress", version="3.3.0").get_json()
    assert conv["state"]["product"] == "appointpress" and conv["state"]["version"] == "3.3.0"
    headers = {"Authorization": f"Bearer {conv['token']}"}
    turn = closed.post(
        f"/api/conversations/{conv['conversation_id']}/messages",
        json={"text": "the booking form stopped working"}, headers=headers,
    ).get_json()  # fmt: skip
    assert turn["route"] == "update_required"  # neither product nor version asked again


@pytest.mark.parametrize(
    "body",
    [
        {"version": "3.3.0"},  # a version without a product
        {"product": "appointpress", "version": "<script>"},
        {"product": "appointpress", "version": 3.3},
        {"product": "appointpress", "version": "1" * 41},
        {"product": "appointpress", "licence_hash": "a" * 64},  # no last four
        {"product": "appointpress", "licence_hash": "A" * 64, "licence_last4": "X1Y2"},
        {"product": "appointpress", "licence_hash": "a" * 63, "licence_last4": "X1Y2"},
        {"product": "appointpress", "licence_hash": "a" * 64, "licence_last4": "x1y2z"},
        {"product": "appointpress", "licence_hash": ["a" * 64], "licence_last4": "X1Y2"},
    ],
)
def test_a_bad_version_or_licence_identity_is_refused(closed: FlaskClient, body: dict) -> None:  # type: ignore[type-arg]
    response = start(closed, None, **body)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_field"


def test_a_licence_identity_links_the_subscription_without_the_key(
    tmp_path: Path, sqlite_url: str
) -> None:
    app: Flask = create_app(make_config(tmp_path, sqlite_url))
    today = datetime.now(UTC).date()
    with runtime(app).db.session() as session:
        upsert_subscription(session, SubscriptionRecord(
            email="shop@example.org", product="appointpress", status="active",
            expires_at=today - timedelta(days=3), source="csv",
            external_id="k1", licence_hash=licence_key_hash(KEY), licence_last4="LM4T",
        ))  # fmt: skip
    web = app.test_client()
    conv = start(
        web, None, product="appointpress", version="3.4.2",
        licence_hash=licence_key_hash(KEY), licence_last4="LM4T",
    ).get_json()  # fmt: skip
    turn = web.post(
        f"/api/conversations/{conv['conversation_id']}/messages",
        json={"text": "bookings crash"}, headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()  # fmt: skip
    assert turn["route"] == "subscription_expired"  # known by the key's identity alone
    with runtime(app).db.session() as session:
        kinds = session.scalars(select(EventRecord.kind)).all()
    assert "subscription_recognised" in kinds
    app.extensions["supportbot"].db.dispose()
