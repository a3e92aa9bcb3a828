"""The widget socket on a real server (gunicorn, gthread) with a real WebSocket client."""

from __future__ import annotations

import http.client
import json
import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import websocket

from bot.config import Config
from tests.live_server import LiveServer, reachable_redis_url

CLOSE = websocket.ABNF.OPCODE_CLOSE

MAX_CHARS = Config().max_message_chars


class WidgetSocket:
    """A WebSocket client that reads frames as dicts and close frames as their status code."""

    def __init__(self, server: LiveServer, **options: Any) -> None:
        self.ws = websocket.create_connection(server.ws_url, timeout=10, **options)

    @property
    def local_port(self) -> int:
        """This end's port: which server process holds the other end is found from it."""
        assert self.ws.sock is not None
        return int(self.ws.sock.getsockname()[1])

    def send(self, frame: dict[str, Any] | str | bytes) -> None:
        if isinstance(frame, bytes):
            self.ws.send_binary(frame)
        else:
            self.ws.send(frame if isinstance(frame, str) else json.dumps(frame))

    def receive(self) -> dict[str, Any]:
        """The next frame; a close becomes ``{"type": "closed", "code": N}``."""
        opcode, data = self.ws.recv_data(control_frame=True)
        if opcode == CLOSE:
            code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
            return {"type": "closed", "code": code}
        if opcode in (websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PONG):
            return self.receive()
        return dict(json.loads(data))

    def until(self, kind: str) -> list[dict[str, Any]]:
        """Frames up to and including the first of type ``kind``."""
        frames = [self.receive()]
        while frames[-1]["type"] not in (kind, "closed"):
            frames.append(self.receive())
        return frames

    def auth(self, conversation: dict[str, Any]) -> dict[str, Any]:
        self.send(
            {
                "type": "auth",
                "conversation_id": conversation["conversation_id"],
                "token": conversation["token"],
            }
        )
        return self.receive()

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on the Redis bus, so this test process can publish as the staff console will."""
    env = {
        "SUPPORTBOT_REDIS_URL": reachable_redis_url(),
        "SUPPORTBOT_RATE_PER_IP": "1000000",  # every client here is 127.0.0.1
        "SUPPORTBOT_RATE_PER_CONVERSATION": "1000",
    }
    with LiveServer(tmp_path_factory.mktemp("ws"), env=env) as live:
        yield live


def test_a_conversation_over_a_real_socket(server: LiveServer) -> None:
    conversation = server.start_conversation("en")
    sock = WidgetSocket(server)
    ready = sock.auth(conversation)
    assert ready["type"] == "ready" and ready["state"]["language"] == "en"
    sock.send({"type": "message", "text": "How do I renew my licence?", "client_id": "one"})
    frames = sock.until("turn")
    assert [f["type"] for f in frames] == ["typing", "turn"]
    assert frames[-1]["client_id"] == "one" and frames[-1]["messages"]
    sock.send({"type": "ping"})
    assert sock.receive() == {"type": "pong"}
    sock.close()


def test_a_staff_reply_is_pushed_to_the_connected_customer(server: LiveServer) -> None:
    conversation = server.start_conversation()
    sock = WidgetSocket(server)
    sock.auth(conversation)
    time.sleep(0.2)
    seq = server.staff_reply(conversation["conversation_id"], "Hallo, ik help je verder.")
    frame = sock.receive()
    assert frame["type"] == "staff_message" and frame["seq"] == seq
    assert frame["text"] == "Hallo, ik help je verder."
    sock.close()


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"origin": "http://localhost:{port}"}, True),  # listed in SUPPORTBOT_WIDGET_ORIGINS
        ({}, True),  # websocket-client sends the server's own origin
        ({"suppress_origin": True}, True),  # no Origin: not a browser, the token decides
        ({"origin": "https://evil.example"}, False),
        ({"origin": "http://localhost:1"}, False),
        ({"origin": "null"}, False),
    ],
)
def test_the_handshake_checks_the_origin(
    server: LiveServer, headers: dict[str, Any], allowed: bool
) -> None:
    options = {
        key: value.format(port=server.port) if isinstance(value, str) else value
        for key, value in headers.items()
    }
    if allowed:
        WidgetSocket(server, **options).close()
        return
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        WidgetSocket(server, **options)
    assert refused.value.status_code == 403


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "invalid_json"),
        (b"\x00\x01binary", "invalid_json"),
        ({"type": "subscribe", "topic": "staff"}, "unknown_type"),
        ({"type": "message", "text": {"html": "<b>"}}, "invalid_field"),
        ({"type": "message", "text": "x" * (MAX_CHARS + 1)}, "text_too_long"),
        ('{"type": "message", "text": "lone \\ud800", "client_id": "c-1"}', "invalid_text"),
        ('{"type": "message", "text": "hoi", "client_id": "\\udc00"}', "invalid_field"),
    ],
)
def test_bad_frames_get_an_error_and_the_socket_stays_open(
    server: LiveServer, frame: Any, code: str
) -> None:
    sock = WidgetSocket(server)
    sock.auth(server.start_conversation())
    sock.send(frame)
    assert sock.receive()["error"] == code
    sock.send({"type": "ping"})
    assert sock.receive() == {"type": "pong"}
    sock.close()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}, 400),  # no version
        ({"Sec-WebSocket-Version": "13"}, 400),  # no key
        ({"Sec-WebSocket-Version": "99", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}, 426),
    ],
)
def test_a_handshake_without_version_or_key_is_a_400_not_a_500(
    server: LiveServer, headers: dict[str, str], status: int
) -> None:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request(
            "GET", "/ws", headers={"Upgrade": "websocket", "Connection": "Upgrade", **headers}
        )
        response = connection.getresponse()
        body = json.loads(response.read())
    finally:
        connection.close()
    assert response.status == status
    assert body["error"] == "invalid_handshake"
    assert "Traceback" not in server.log_tail()


def test_a_frame_over_the_size_limit_closes_the_socket(server: LiveServer) -> None:
    sock = WidgetSocket(server)
    sock.auth(server.start_conversation())
    try:
        sock.send({"type": "message", "text": "x" * 100_000})
        outcome = sock.receive()
    except (ConnectionResetError, BrokenPipeError, websocket.WebSocketConnectionClosedException):
        outcome = {"type": "closed", "code": "reset while sending"}  # closed before it all arrived
    assert outcome in (
        {"type": "closed", "code": 1009},
        {"type": "closed", "code": "reset while sending"},
    )
    assert server.get_json("/healthz")["status"] == "ok"


@pytest.mark.parametrize("first", [{"type": "message", "text": "hoi"}, "garbage"])
def test_skipping_auth_gets_an_error_and_a_close(server: LiveServer, first: Any) -> None:
    sock = WidgetSocket(server)
    sock.send(first)
    frames = sock.until("closed")
    assert frames[0]["type"] == "error" and frames[-1] == {"type": "closed", "code": 1008}


def test_a_stolen_token_for_another_conversation_opens_nothing(server: LiveServer) -> None:
    mine, theirs = server.start_conversation(), server.start_conversation()
    sock = WidgetSocket(server)
    sock.send(
        {"type": "auth", "conversation_id": theirs["conversation_id"], "token": mine["token"]}
    )
    frames = sock.until("closed")
    assert frames[0]["error"] == "not_found" and frames[-1]["code"] == 1008


def test_a_flood_of_100_frames_a_second_is_cut_off_and_others_do_not_notice(
    server: LiveServer,
) -> None:
    calm = WidgetSocket(server)
    calm.auth(server.start_conversation())
    flood = WidgetSocket(server)
    flood.auth(server.start_conversation())
    received: list[dict[str, Any]] = []

    def read_flood() -> None:
        while not received or received[-1]["type"] != "closed":
            received.append(flood.receive())

    reader = threading.Thread(target=read_flood, daemon=True)
    reader.start()
    try:
        for _ in range(100 * 8):
            flood.send({"type": "message", "text": "spam spam spam"})
            time.sleep(0.01)
    except (BrokenPipeError, ConnectionResetError, websocket.WebSocketConnectionClosedException):
        pass  # cut off: that is the point
    reader.join(10)
    assert received[-1] == {"type": "closed", "code": 1008}
    warnings = [f for f in received if f["type"] == "error" and "frames" in f["message"]]
    assert 1 <= len(warnings) <= 10
    started = time.monotonic()
    calm.send({"type": "message", "text": "Nog steeds daar?"})
    assert calm.until("turn")[-1]["type"] == "turn"
    assert time.monotonic() - started < 2.0
    calm.close()


@pytest.mark.slow
def test_five_thousand_reconnects_leave_the_server_steady(server: LiveServer) -> None:
    conversation = server.start_conversation()
    other = server.start_conversation()

    def reconnect(n: int) -> str:
        sock = WidgetSocket(server)
        if n % 10 == 9:  # every tenth a forged token: refused and closed
            sock.send(
                {"type": "auth", "conversation_id": other["conversation_id"], "token": "forged"}
            )
        else:
            sock.send(
                {
                    "type": "auth",
                    "conversation_id": conversation["conversation_id"],
                    "token": conversation["token"],
                }
            )
        frame = sock.receive()
        sock.close()
        return str(frame.get("error") or frame["type"])

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(reconnect, range(5000)))
    elapsed = time.monotonic() - started
    assert outcomes.count("ready") == 4500 and outcomes.count("not_found") == 500
    time.sleep(1.0)  # the last sockets' threads finish
    # gunicorn keeps its pool of request threads; a leak would be two threads per socket
    assert server.thread_count() <= server.threads + 10
    assert "Traceback" not in server.log_tail(10**7)
    assert server.get_json("/healthz")["status"] == "ok"
    sock = WidgetSocket(server)
    assert sock.auth(conversation)["state"]["last_seq"] == len(conversation["messages"])
    sock.close()
    print(f"5000 reconnects in {elapsed:.1f} s")


def test_the_log_names_no_tokens(server: LiveServer) -> None:
    conversation = server.start_conversation()
    sock = WidgetSocket(server)
    sock.auth(conversation)
    sock.close()
    assert conversation["token"] not in server.log_tail(10**7)
