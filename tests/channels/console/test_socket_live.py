"""``/staff/ws`` on a real server: no session or a foreign page means no socket; a logged-in
console hears about new tickets and about customer messages on the ticket it watches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import websocket

from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.helpdesk.staff.sessions import start_session
from bot.storage.db import Database
from tests.live_server import LiveServer


@pytest.fixture(scope="module")
def token(live_server: LiveServer) -> str:
    db = Database(live_server.env["SUPPORTBOT_DATABASE_URL"])
    try:
        with db.session() as session:
            user = add_staff(
                session, "piet@nme.example", "Piet", "long enough pw", cost=ScryptCost(2**10, 8, 1)
            )
            return start_session(session, user, datetime.now(UTC), ip=None, user_agent=None)
    finally:
        db.dispose()


def connect(server: LiveServer, *, cookie: str | None, origin: str | None) -> websocket.WebSocket:
    headers = [f"Cookie: supportbot_staff={cookie}"] if cookie else []
    return websocket.create_connection(
        server.ws_url.replace("/ws", "/staff/ws"), timeout=10, header=headers,
        origin=origin, suppress_origin=origin is None,
    )  # fmt: skip


@pytest.fixture
def console(live_server: LiveServer, token: str) -> Iterator[websocket.WebSocket]:
    ws = connect(live_server, cookie=token, origin=live_server.url)
    yield ws
    ws.close()


def next_frame(ws: websocket.WebSocket, kind: str) -> dict[str, Any]:
    for _ in range(50):
        frame = json.loads(ws.recv())
        if frame.get("type") == kind:
            return dict(frame)
    raise AssertionError(f"no {kind} frame")


@pytest.mark.parametrize(
    ("cookie", "origin", "status"),
    [(None, "own", 401), ("made-up-token", "own", 401), ("token", "https://evil.example", 403),
     ("token", None, 403)],
)  # fmt: skip
def test_the_handshake_needs_a_session_and_the_consoles_own_page(
    live_server: LiveServer, token: str, cookie: str | None, origin: str | None, status: int
) -> None:
    given = token if cookie == "token" else cookie
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(live_server, cookie=given, origin=live_server.url if origin == "own" else origin)
    assert refused.value.status_code == status


def test_a_console_hears_of_new_tickets_and_of_the_watched_customer(
    live_server: LiveServer, console: websocket.WebSocket
) -> None:
    status, started = live_server.request(
        "POST", "/api/conversations", {"language": "nl", "email": "jan@klant.example"}
    )
    assert status == 201
    auth = {"Authorization": f"Bearer {started['token']}"}
    path = f"/api/conversations/{started['conversation_id']}/messages"
    status, turn = live_server.request(
        "POST", path, {"text": "ik wil een medewerker spreken"}, auth
    )
    assert status == 200 and turn["ticket"]
    queue = next_frame(console, "queue")
    assert queue["kind"] == "ticket" and isinstance(queue["conversation"], int)
    console.send(json.dumps({"type": "watch", "ticket": turn["ticket"]["number"]}))
    assert next_frame(console, "watching")["ticket"] == turn["ticket"]["number"]
    live_server.request("POST", path, {"text": "is er al nieuws?"}, auth)
    assert next_frame(console, "messages")["seq"] >= 4
    assert next_frame(console, "queue")["kind"] == "conversation"
