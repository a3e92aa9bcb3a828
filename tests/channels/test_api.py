"""The HTTP JSON API contract (SPEC "HTTP JSON API") and bad input, on both databases."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bot.channels.email.service import staff_mail
from bot.channels.ratelimit import MemoryRateLimiter
from bot.channels.runtime import runtime
from bot.helpdesk import transcripts as transcripts_module
from bot.storage.models import Conversation

TURN_KEYS = {"conversation_id", "route", "faq", "suggestions", "ticket", "state", "messages"}


def start(client: FlaskClient, **body: Any) -> dict[str, Any]:
    response = client.post("/api/conversations", json=body or {"language": "nl"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def post(client: FlaskClient, conv: dict[str, Any], body: Any, token: str | None = None, **kw: Any):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {token or conv['token']}"}
    return client.post(
        f"/api/conversations/{conv['conversation_id']}/messages", json=body, headers=headers, **kw
    )


def test_health_reports_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_a_conversation_starts_with_a_greeting_and_a_strong_token(client: FlaskClient) -> None:
    conv = start(client, language="en", email="Jan@Example.org", name="Jan")
    assert len(conv["token"]) >= 43  # 32 random bytes, url-safe base64
    assert conv["state"]["language"] == "en"
    assert conv["messages"][0]["role"] == "bot"


def test_a_message_gets_the_spec_turn_object(client: FlaskClient) -> None:
    conv = start(client)
    turn = post(client, conv, {"text": "ik wil graag mijn factuur ontvangen"}).get_json()
    assert set(turn) >= TURN_KEYS
    assert turn["route"] == "billing" and turn["conversation_id"] == conv["conversation_id"]
    assert turn["state"] == {"language": "nl", "product": None, "version": None, "status": "bot"}
    message = turn["messages"][0]
    assert {"role", "text", "html", "quick_replies", "links"} <= set(message)
    assert "billing@example.com" in message["text"]


def test_transcript_has_every_message_in_order(client: FlaskClient) -> None:
    conv = start(client)
    post(client, conv, {"text": "hallo"})
    post(client, conv, {"text": "kan ik jullie bellen?"})
    transcript = client.get(
        f"/api/conversations/{conv['conversation_id']}",
        headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()
    roles = [m["role"] for m in transcript["messages"]]
    assert roles[:4] == ["bot", "customer", "bot", "customer"] and set(roles[4:]) == {"bot"}
    assert [m["seq"] for m in transcript["messages"]] == list(range(1, len(roles) + 1))


def test_wrong_token_and_unknown_id_answer_the_same(client: FlaskClient) -> None:
    conv = start(client)
    wrong = post(client, conv, {"text": "hoi"}, token="x" * 43)
    unknown = client.post(
        "/api/conversations/does-not-exist/messages",
        json={"text": "hoi"},
        headers={"Authorization": "Bearer " + "x" * 43},
    )
    assert wrong.status_code == unknown.status_code == 404
    assert (
        wrong.get_json()
        == unknown.get_json()
        == {"error": "not_found", "message": "no such conversation"}
    )


def test_missing_token_is_401(client: FlaskClient) -> None:
    conv = start(client)
    response = client.post(
        f"/api/conversations/{conv['conversation_id']}/messages", json={"text": "hoi"}
    )
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"not json", 400, "invalid_json"),
        (b"[1, 2]", 400, "invalid_json"),
        (b'{"text": 5}', 400, "invalid_field"),
        (b'{"txt": "hi"}', 400, "missing_field"),
        (b'{"text": "a\\u0000b"}', 400, "invalid_text"),
        (b'{"text": "' + b"x" * 20_001 + b'"}', 400, "text_too_long"),
        (b'{"text": "\xff\xfe bad utf-8"}', 400, "invalid_json"),
        (b'{"text": "' + b"x" * 1_000_000 + b'"}', 413, "request_too_large"),
        (b'{"text": "   "}', 400, "empty_text"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "invalid_json"),  # nested too deep to parse
        (b'{"text": "lone \\ud800 surrogate"}', 400, "invalid_text"),
        (b'{"text": "lone \\udfff"}', 400, "invalid_text"),
        (b'{"text": "hoi", "client_id": "\\udc00"}', 400, "invalid_field"),
    ],
)
def test_bad_message_bodies_get_a_clear_error_and_store_nothing(
    app: Flask, client: FlaskClient, body: bytes, status: int, error: str
) -> None:
    conv = start(client)
    response = post(client, conv, None, data=body, content_type="application/json")
    assert response.status_code == status
    assert response.get_json()["error"] == error
    transcript = runtime(app).conversations.transcript(conv["conversation_id"], conv["token"])
    assert len(transcript["messages"]) == 1  # just the greeting


@pytest.mark.parametrize(
    "body",
    [
        {"language": "de"},
        {"language": 5},
        {"email": "not-an-address"},
        {"name": ["x"]},
        {"email": "a" * 300},
    ],
)
def test_bad_start_bodies_are_rejected(client: FlaskClient, body: dict[str, Any]) -> None:
    response = client.post("/api/conversations", json=body)
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_field"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "invalid_json"),
        (b'{"email": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "invalid_json"),
        (b'{"email": "jan\\ud800@example.org"}', "invalid_field"),
        (b'{"name": "Jan \\udc00"}', "invalid_field"),
        (b'{"product": "\\ud83d"}', "invalid_field"),
    ],
)
def test_hostile_start_bodies_get_400_and_start_nothing(
    app: Flask, client: FlaskClient, body: bytes, error: str
) -> None:
    response = client.post("/api/conversations", data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == error
    with runtime(app).db.session() as session:
        assert session.scalar(select(func.count(Conversation.id))) == 0


@pytest.mark.parametrize("after", ["²", "٣", "9" * 11, "9" * 5000, "-1", "1.0", "abc", " 1"])
def test_a_bad_after_is_refused_with_400(client: FlaskClient, after: str) -> None:
    conv = start(client)
    response = client.get(
        f"/api/conversations/{conv['conversation_id']}",
        query_string={"after": after},
        headers={"Authorization": f"Bearer {conv['token']}"},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_field"


def test_after_reads_from_that_message_on(client: FlaskClient) -> None:
    conv = start(client)
    post(client, conv, {"text": "hallo"})
    headers = {"Authorization": f"Bearer {conv['token']}"}
    path = f"/api/conversations/{conv['conversation_id']}"
    for after in ("0", "1", str(2**31 - 1)):
        response = client.get(path, query_string={"after": after}, headers=headers)
        assert response.status_code == 200
        assert all(m["seq"] > int(after) for m in response.get_json()["messages"])


def test_html_is_stored_and_returned_as_text(client: FlaskClient) -> None:
    conv = start(client, language="en")
    payload = "<script>alert(1)</script><img src=x onerror=alert(2)> AppointPress"
    turn = post(client, conv, {"text": payload}).get_json()
    for message in turn["messages"]:
        assert "<script" not in message["html"] and "onerror" not in message["html"]
    transcript = client.get(
        f"/api/conversations/{conv['conversation_id']}",
        headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()
    assert transcript["messages"][1]["text"] == payload  # kept exactly, as text


def test_a_retried_message_with_the_same_client_id_is_stored_once(client: FlaskClient) -> None:
    conv = start(client)
    first = post(client, conv, {"text": "kan ik jullie bellen?", "client_id": "m-1"}).get_json()
    again = post(client, conv, {"text": "kan ik jullie bellen?", "client_id": "m-1"}).get_json()
    assert again["replayed"] and again["messages"] == first["messages"]
    transcript = client.get(
        f"/api/conversations/{conv['conversation_id']}",
        headers={"Authorization": f"Bearer {conv['token']}"},
    ).get_json()
    customer = [m for m in transcript["messages"] if m["role"] == "customer"]
    assert len(customer) == 1
    assert len(transcript["messages"]) == 2 + len(first["messages"])


def test_too_many_messages_per_conversation_get_429_with_retry_after(
    app: Flask, client: FlaskClient
) -> None:
    conv = start(client)
    limit = runtime(app).config.rate_per_conversation
    statuses = [post(client, conv, {"text": f"hallo {i}"}).status_code for i in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    last = post(client, conv, {"text": "nog een"})
    assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1


def test_wrong_tokens_do_not_spend_the_conversations_budget(
    app: Flask, client: FlaskClient
) -> None:
    """Issue 19 #2: the per-conversation key was spent before the token was checked, so anyone
    who knew a conversation id could silence its customer."""
    conv = start(client)
    limit = runtime(app).config.rate_per_conversation
    for i in range(limit + 1):
        assert post(client, conv, {"text": f"spam {i}"}, token="y" * 43).status_code == 404
    assert post(client, conv, {"text": "hallo"}).status_code == 200


def test_made_up_conversation_ids_add_no_rate_limit_keys(app: Flask, client: FlaskClient) -> None:
    limiter = runtime(app).limiter
    assert isinstance(limiter, MemoryRateLimiter)
    client.post("/api/conversations/warm-up/messages", json={"text": "hoi"},
                headers={"Authorization": "Bearer x"})  # fmt: skip
    keys = len(limiter)  # the client's IP key
    for i in range(50):
        response = client.post(
            f"/api/conversations/made-up-{i}/messages",
            json={"text": "hoi"},
            headers={"Authorization": "Bearer anything"},
        )
        assert response.status_code == 404
    assert len(limiter) == keys


def test_a_full_conversation_refuses_more_messages(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    monkeypatch.setattr(transcripts_module, "MAX_MESSAGES", 5)
    conv = start(client)
    post(client, conv, {"text": "hallo"})
    post(client, conv, {"text": "hallo"})
    response = post(client, conv, {"text": "hallo"})
    assert response.status_code == 409 and response.get_json()["error"] == "conversation_full"


def test_concurrent_messages_on_one_conversation_are_all_kept_once(app: Flask) -> None:
    client = app.test_client()
    conv = start(client, language="en")
    rt = runtime(app)
    rt.config = type(rt.config)(
        **{**rt.config.__dict__, "rate_per_conversation": 0, "rate_per_ip": 0}
    )
    errors: list[int] = []

    def send(i: int) -> None:
        response = post(app.test_client(), conv, {"text": f"message number {i}"})
        if response.status_code != 200:
            errors.append(response.status_code)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    messages = rt.conversations.transcript(conv["conversation_id"], conv["token"])["messages"]
    customer = sorted(m["text"] for m in messages if m["role"] == "customer")
    assert customer == sorted(f"message number {i}" for i in range(12))
    assert [m["seq"] for m in messages] == list(range(1, len(messages) + 1))


def test_unknown_routes_and_methods_answer_json(client: FlaskClient) -> None:
    assert client.get("/api/nothing").get_json()["error"] == "not_found"
    assert client.put("/api/conversations").get_json()["error"] == "method_not_allowed"


def test_cors_allows_listed_origins_only(client: FlaskClient) -> None:
    allowed = client.post(
        "/api/conversations", json={}, headers={"Origin": "https://customer-site.example"}
    )
    other = client.post("/api/conversations", json={}, headers={"Origin": "https://evil.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://customer-site.example"
    assert "Access-Control-Allow-Origin" not in other.headers


def test_a_product_can_be_preselected_by_a_product_docs_page(client: FlaskClient) -> None:
    conv = start(client, language="en", product="appointpress")
    assert conv["state"]["product"] == "appointpress"
    turn = post(client, conv, {"text": "it stopped working"}).get_json()
    assert turn["route"] == "ask_version"  # no need to ask which product


def test_an_unknown_product_is_refused(client: FlaskClient) -> None:
    response = client.post("/api/conversations", json={"product": "no-such-plugin"})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_field"


def ticket_text(client: FlaskClient, **start_body: Any) -> str:
    conv = start(client, language="en", email="ann@example.org", **start_body)
    turn = post(client, conv, {"text": "I want to talk to a person"}).get_json()
    assert turn["route"] == "ticket", turn["route"]
    return str(turn["messages"][-1]["text"]).replace("\u202f", " ")


def test_the_browsers_time_zone_sets_how_the_due_time_is_told(client: FlaskClient) -> None:
    """Issue 12, widget #4: "before 2026-12-06 14:48 UTC" became the customer's own clock."""
    text = ticket_text(client, time_zone="America/Los_Angeles")
    assert "UTC" not in text and re.search(r"\(before \w{3}, \w+ \d+, \d+:\d\d [AP]M\)", text)
    assert "Standard Time" not in text  # their own zone needs no name


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../../etc/passwd", ""])
def test_an_unknown_time_zone_falls_back_to_the_policys(client: FlaskClient, zone: str) -> None:
    text = ticket_text(client, time_zone=zone)
    assert "PM Central European" in text or "AM Central European" in text  # named


@pytest.mark.parametrize("zone", [7, ["Europe/Amsterdam"], "x" * 65, "Europe/\u0000Amsterdam"])
def test_a_malformed_time_zone_is_refused(client: FlaskClient, zone: Any) -> None:
    response = client.post("/api/conversations", json={"time_zone": zone})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_field"


def test_health_warns_while_mail_waits_with_no_relay_to_send_it(
    client: FlaskClient, app: Flask
) -> None:
    """Issue 12, widget #6: no SMTP configured, and the outbox grows unseen."""
    assert client.get("/healthz").get_json()["mail"] == {"configured": False, "waiting": 0}
    assert "warnings" not in client.get("/healthz").get_json()
    conv = start(client, language="en", email="ann@example.org")
    post(client, conv, {"text": "I want to talk to a person"})
    with app.app_context():
        rt = runtime()
    with rt.db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        staff_mail(rt).queue(session, conversation.id, "Piet", "Hello Ann")
    health = client.get("/healthz")
    body = health.get_json()
    assert health.status_code == 200 and body["status"] == "ok"  # it still serves
    assert body["mail"] == {"configured": False, "waiting": 1}
    assert body["warnings"] == [
        "outgoing mail is not configured (SUPPORTBOT_SMTP_URL); mails waiting in the outbox: 1"
    ]
