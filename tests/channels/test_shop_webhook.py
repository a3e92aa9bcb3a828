"""``POST /api/shop/webhook/<source>``: signatures, the documented payloads, every bad input.

The bodies are the examples in docs/subscriptions.md. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.app import create_app
from bot.channels.runtime import runtime
from bot.core.licence_keys import licence_key_hash
from bot.storage.models.subscriptions import Subscription
from tests.conftest import make_config
from tests.error_log import ErrorRecords
from tests.shop_fixtures import doc_json

SECRET = "Zs9wQ2kP7vLx3mRt8nYb4cHd6fJg1aEu"
EDD_KEY = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"
WOO = "/api/shop/webhook/woocommerce"
EDD = "/api/shop/webhook/edd"


@pytest.fixture
def shop_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    application = create_app(make_config(tmp_path, database_url, shop_webhook_secret=SECRET))
    application.config["TESTING"] = True
    yield application
    runtime(application).db.dispose()


@pytest.fixture
def shop(shop_app: Flask) -> FlaskClient:
    return shop_app.test_client()


def body_of(data: Any) -> bytes:
    return json.dumps(data).encode() if not isinstance(data, bytes) else data


def woo_signature(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def edd_signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_woo(client: FlaskClient, data: Any, topic: str = "subscription.updated", **headers: str):  # type: ignore[no-untyped-def]
    body = body_of(data)
    signed = {"X-WC-Webhook-Signature": woo_signature(body), "X-WC-Webhook-Topic": topic}
    return client.post(
        WOO, data=body, content_type="application/json", headers={**signed, **headers}
    )


def send_edd(client: FlaskClient, data: Any, **headers: str):  # type: ignore[no-untyped-def]
    body = body_of(data)
    signed = {"X-Supportbot-Signature": edd_signature(body)}
    return client.post(
        EDD, data=body, content_type="application/json", headers={**signed, **headers}
    )


def edd(name: str = "edd-renewed", **licence: Any) -> dict[str, Any]:
    data = doc_json(name)
    return {**data, "sent_at": int(time.time()), "license": {**data["license"], **licence}}


def rows(app: Flask) -> list[Subscription]:
    with runtime(app).db.session() as session:
        return list(session.scalars(select(Subscription).order_by(Subscription.id)))


# -- WooCommerce ---------------------------------------------------------------------------------
def test_a_documented_woocommerce_subscription_is_stored_once(
    shop_app: Flask, shop: FlaskClient
) -> None:
    response = send_woo(shop, doc_json("woocommerce-active"), "subscription.created")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "counts": {"imported": 1}, "unmapped": []}
    again = send_woo(shop, doc_json("woocommerce-active"))
    assert again.get_json()["counts"] == {"unchanged": 1}
    (row,) = rows(shop_app)
    assert (row.email, row.product, row.status, row.expires_at) == (
        "jan@example.nl",
        "appointpress",
        "active",
        None,
    )
    assert (row.source, row.external_id, row.license_hash) == (
        "woocommerce",
        "4321:appointpress",
        None,
    )


def test_an_unpaid_renewal_then_a_deletion_end_the_subscription(
    shop_app: Flask, shop: FlaskClient
) -> None:
    send_woo(shop, doc_json("woocommerce-active"))
    on_hold = send_woo(shop, doc_json("woocommerce-on-hold"))
    assert on_hold.get_json()["counts"] == {"updated": 1}
    assert rows(shop_app)[0].status == "expired"
    deleted = send_woo(shop, doc_json("woocommerce-deleted"), "subscription.deleted")
    assert deleted.get_json()["counts"] == {"cancelled": 1}
    assert rows(shop_app)[0].status == "cancelled"


def test_a_replayed_older_delivery_changes_nothing(shop_app: Flask, shop: FlaskClient) -> None:
    send_woo(shop, doc_json("woocommerce-on-hold"))
    replay = send_woo(shop, doc_json("woocommerce-active"))  # signed, but an older state
    assert replay.status_code == 200 and replay.get_json()["counts"] == {"stale": 1}
    assert rows(shop_app)[0].status == "expired"


def test_a_forged_deleted_topic_on_a_full_body_does_not_delete(
    shop_app: Flask, shop: FlaskClient
) -> None:
    send_woo(shop, doc_json("woocommerce-active"))
    response = send_woo(shop, doc_json("woocommerce-active"), "subscription.deleted")
    assert response.get_json()["counts"] == {"unchanged": 1}
    assert rows(shop_app)[0].status == "active"


def test_woocommerces_unsigned_ping_is_answered_and_stores_nothing(
    shop_app: Flask, shop: FlaskClient
) -> None:
    response = shop.post(
        WOO, data=b"webhook_id=17", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and response.get_json() == {"status": "ping"}
    assert rows(shop_app) == []


def test_a_pending_subscription_is_ignored(shop_app: Flask, shop: FlaskClient) -> None:
    response = send_woo(shop, {**doc_json("woocommerce-active"), "status": "pending"})
    assert response.get_json() == {"status": "ignored", "reason": "status pending"}
    assert rows(shop_app) == []


def test_items_that_are_not_ours_are_listed_and_logged(
    shop: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    data = doc_json("woocommerce-active")
    data["line_items"].append({"product_id": 9, "name": "Priority support"})
    with caplog.at_level(logging.WARNING, "bot.channels.shop_webhook"):
        response = send_woo(shop, data)
    assert response.get_json()["counts"] == {"imported": 1}
    assert "Priority support" in response.get_json()["unmapped"][0]
    assert "Priority support" in caplog.text


# -- EDD -----------------------------------------------------------------------------------------
def test_an_edd_licence_is_stored_by_hash_and_the_key_is_never_logged(
    shop_app: Flask, shop: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = send_edd(shop, edd())
    assert response.status_code == 200 and response.get_json()["counts"] == {"imported": 1}
    (row,) = rows(shop_app)
    assert (row.license_hash, row.license_last4) == (licence_key_hash(EDD_KEY), "A697")
    assert (row.product, row.email, row.source, row.external_id) == (
        "mailmagnet",
        "anna@example.org",
        "edd",
        "981",
    )
    assert EDD_KEY not in caplog.text.lower()


def test_an_edd_revocation_and_deletion_cancel_the_licence(
    shop_app: Flask, shop: FlaskClient
) -> None:
    send_edd(shop, edd())
    assert send_edd(shop, edd("edd-revoked")).get_json()["counts"] == {"updated": 1}
    assert rows(shop_app)[0].status == "cancelled"
    deleted = {**doc_json("edd-deleted"), "sent_at": int(time.time())}
    assert send_edd(shop, deleted).status_code == 200
    assert [row.status for row in rows(shop_app)] == ["cancelled"]


# -- refusals ------------------------------------------------------------------------------------
def sign_nothing(client: FlaskClient, path: str, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data=body, content_type="application/json", headers=headers)


WOO_BODY = body_of({"id": 1, "status": "active"})
REFUSED_SIGNATURES = [
    (WOO, {}, "missing_signature"),
    (WOO, {"X-WC-Webhook-Signature": ""}, "missing_signature"),
    (WOO, {"X-WC-Webhook-Signature": "not base64 !"}, "missing_signature"),
    (WOO, {"X-WC-Webhook-Signature": woo_signature(WOO_BODY, "wrong-secret")}, "bad_signature"),
    (WOO, {"X-WC-Webhook-Signature": woo_signature(WOO_BODY + b" ")}, "bad_signature"),
    (WOO, {"X-WC-Webhook-Signature": edd_signature(WOO_BODY)}, "missing_signature"),
    (EDD, {}, "missing_signature"),
    (EDD, {"X-Supportbot-Signature": edd_signature(WOO_BODY)[7:]}, "missing_signature"),
    (EDD, {"X-Supportbot-Signature": "sha1=" + "0" * 40}, "missing_signature"),
    (EDD, {"X-Supportbot-Signature": edd_signature(WOO_BODY, "wrong")}, "bad_signature"),
    (EDD, {"X-Supportbot-Signature": "sha256=" + woo_signature(WOO_BODY)}, "missing_signature"),
    (EDD, {"X-WC-Webhook-Signature": woo_signature(WOO_BODY)}, "missing_signature"),
]


@pytest.mark.parametrize(("path", "headers", "code"), REFUSED_SIGNATURES)
def test_missing_or_forged_signatures_are_refused_and_logged(
    shop_app: Flask,
    shop: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    headers: dict[str, str],
    code: str,
) -> None:
    with caplog.at_level(logging.WARNING, "bot.channels.shop_webhook"):
        response = sign_nothing(shop, path, WOO_BODY, headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == code and response.get_json()["message"]
    assert code in caplog.text
    assert rows(shop_app) == []


# Bodies are built when the test runs: an EDD body carries the time it was sent.
BAD_BODIES: list[tuple[str, Callable[[], Any], int, str]] = [
    (WOO, lambda: b"{not json", 400, "invalid_json"),
    (WOO, lambda: b"\xff\xfe\x00", 400, "invalid_json"),
    (EDD, lambda: b"", 400, "invalid_json"),
    (WOO, lambda: b"[" * 10_000 + b"]" * 10_000, 400, "invalid_json"),  # nested too deep
    (EDD, lambda: b'{"license": ' + b"{\"a\": " * 10_000 + b"1" + b"}" * 10_001, 400,
     "invalid_json"),
    (EDD, lambda: json.dumps(edd(customer_email="jan\ud800@example.org")).encode(), 400,
     "invalid_text"),  # a lone surrogate: no database can store it
    (WOO, lambda: json.dumps({**doc_json("woocommerce-active"), "\udc00": 1}).encode(), 400,
     "invalid_text"),
    (WOO, lambda: [1, 2, 3], 422, "invalid_field"),
    (WOO, lambda: {"id": 4321}, 422, "missing_field"),
    (WOO, lambda: {**doc_json("woocommerce-active"), "billing": {}}, 422, "missing_field"),
    (WOO, lambda: {**doc_json("woocommerce-active"), "line_items": [{"name": "Yoast SEO"}]},
     422, "unknown_product"),
    (WOO, lambda: {**doc_json("woocommerce-active"), "status": "paused"}, 422, "invalid_field"),
    (EDD, lambda: {"event": "license.renewed"}, 422, "missing_field"),
    (EDD, lambda: {**edd(), "sent_at": int(time.time()) - 3600}, 422, "stale_delivery"),
    (EDD, lambda: edd(download_id=77, download_name="Elementor Pro"), 422, "unknown_product"),
    (EDD, lambda: edd(customer_email=None), 422, "missing_field"),
    (EDD, lambda: edd(key="short"), 422, "invalid_field"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "data", "status", "code"), BAD_BODIES)
def test_signed_bodies_we_cannot_use_get_a_clear_4xx_and_nothing_is_stored(
    shop_app: Flask,
    shop: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    data: Callable[[], Any],
    status: int,
    code: str,
) -> None:
    send = send_woo if path == WOO else send_edd
    with caplog.at_level(logging.WARNING, "bot.channels.shop_webhook"):
        response = send(shop, data())
    assert response.status_code == status
    assert response.get_json()["error"] == code and response.get_json()["message"]
    assert code in caplog.text
    assert rows(shop_app) == []


def test_a_huge_body_is_refused_before_it_is_read(shop_app: Flask, shop: FlaskClient) -> None:
    body = b'{"id": 1, "padding": "' + b"x" * 300_000 + b'"}'
    response = send_woo(shop, body)
    assert response.status_code == 413 and response.get_json()["error"] == "request_too_large"
    assert rows(shop_app) == []


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("post", "/api/shop/webhook/shopify", 404, "unknown_source"),
        ("get", WOO, 405, "method_not_allowed"),
    ],
)
def test_unknown_sources_and_methods_are_refused(
    shop: FlaskClient, method: str, path: str, status: int, code: str
) -> None:
    response = getattr(shop, method)(path, json={})
    assert response.status_code == status and response.get_json()["error"] == code


@pytest.mark.logs_errors("a webhook without a secret is a configuration error for the operator")
def test_without_a_configured_secret_every_delivery_is_refused(
    client: FlaskClient, bot_errors: ErrorRecords
) -> None:
    body = body_of(doc_json("woocommerce-active"))
    response = client.post(
        WOO, data=body, headers={"X-WC-Webhook-Signature": woo_signature(body, "")}
    )
    assert response.status_code == 503 and response.get_json()["error"] == "not_configured"
    assert "SUPPORTBOT_SHOP_WEBHOOK_SECRET is not set; refused" in bot_errors.text()


# -- the engine, fed by the webhook --------------------------------------------------------------
def test_a_licence_revoked_by_the_shop_sends_its_holder_to_renewal(shop: FlaskClient) -> None:
    send_edd(shop, edd())
    send_edd(shop, edd("edd-revoked"))
    conv = shop.post("/api/conversations", json={"language": "nl"}).get_json()
    turn = shop.post(
        f"/api/conversations/{conv['conversation_id']}/messages",
        json={
            "text": f"MailMagnet 2.8.1 crasht bij het opslaan van een formulier. Licentie {EDD_KEY}"
        },
        headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()
    assert turn["route"] == "subscription_expired"
    assert "billing@example.com" in turn["messages"][0]["text"]
    assert EDD_KEY not in json.dumps(turn)
