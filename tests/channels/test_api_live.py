"""The JSON API end to end against a real server (gunicorn) on loopback, as curl would use it."""

from __future__ import annotations

import http.client
import json

from tests.live_server import LiveServer


def raw_post(server: LiveServer, path: str, body: bytes, token: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def test_a_conversation_over_http_from_start_to_ticket(live_server: LiveServer) -> None:
    status, conv = live_server.request(
        "POST", "/api/conversations", {"language": "en", "email": "jan@example.org"}
    )
    assert status == 201
    path = f"/api/conversations/{conv['conversation_id']}"
    auth = {"Authorization": f"Bearer {conv['token']}"}
    status, turn = live_server.request(
        "POST", path + "/messages", {"text": "I want to talk to a person"}, auth
    )
    assert status == 200 and turn["route"] == "ticket"
    assert (
        turn["ticket"]["number"].startswith("NME-")
        and turn["state"]["status"] == "waiting_for_staff"
    )
    status, transcript = live_server.request("GET", path, None, auth)
    assert status == 200 and transcript["ticket"] == turn["ticket"]


def test_the_server_keeps_serving_after_hostile_requests(live_server: LiveServer) -> None:
    _, conv = live_server.request("POST", "/api/conversations", {"language": "nl"})
    path = f"/api/conversations/{conv['conversation_id']}/messages"
    token = conv["token"]
    hostile = [
        b"\xff\xfe\x00garbage",
        b"{" * 10_000,
        b'{"text": "' + b"a" * 2_000_000 + b'"}',
        b"[]",
        b"null",
    ]
    for body in hostile:
        status, data = raw_post(live_server, path, body, token)
        assert 400 <= status < 500, (status, data[:200])
        assert "error" in json.loads(data)
    status, turn = live_server.request(
        "POST", path, {"text": "hallo"}, {"Authorization": f"Bearer {token}"}
    )
    assert status == 200 and turn["route"] == "smalltalk"
    assert live_server.get_json("/healthz")["status"] == "ok"
