"""``InlineReader``: simple-websocket's server with the handler thread reading, on a real socket.

The client side is wsproto over the other end of a socket pair: what a browser sends, byte for
byte, without a server process (the live-server tests cover the whole path).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from simple_websocket import ConnectionClosed, Server
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Event,
    Ping,
    Request,
    TextMessage,
)

from bot.channels.socket_reader import InlineReader
from bot.channels.sockets import close_socket


class Browser:
    """The client end: wsproto on one end of a socket pair."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.ws = WSConnection(ConnectionType.CLIENT)
        sock.settimeout(5)

    def request_environ(self) -> dict[str, Any]:
        """The handshake as the WSGI server hands it over (``HTTP_*`` keys)."""
        raw = self.ws.send(Request(host="localhost", target="/ws")).decode()
        headers = [line.split(": ", 1) for line in raw.split("\r\n")[1:] if ": " in line]
        return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers}

    def events(self) -> list[Event]:
        data = self.sock.recv(65536)
        self.ws.receive_data(data or None)
        return list(self.ws.events())

    def send(self, event: Event) -> None:
        self.sock.sendall(self.ws.send(event))


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, Browser]]:
    server_end, client_end = socket.socketpair()
    yield server_end, Browser(client_end)
    server_end.close()
    client_end.close()


def accept(pair: tuple[socket.socket, Browser], **options: Any) -> tuple[Server, Browser]:
    server_end, browser = pair
    environ = {"werkzeug.socket": server_end, **browser.request_environ()}
    ws = Server(environ, thread_class=InlineReader, **options)
    assert isinstance(browser.events()[0], AcceptConnection)
    return ws, browser


def test_no_reader_thread_and_messages_arrive_in_the_handler_thread(pair: Any) -> None:
    threads = threading.active_count()
    ws, browser = accept(pair, ping_interval=25)
    assert threading.active_count() == threads
    browser.send(TextMessage("hoi"))
    browser.send(TextMessage("x" * 10_000))  # more than one read
    assert ws.thread.receive(timeout=2) == "hoi"
    assert ws.thread.receive(timeout=2) == "x" * 10_000
    started = time.monotonic()
    assert ws.thread.receive(timeout=0.2) is None  # nothing more: the timeout, as receive's
    assert 0.15 < time.monotonic() - started < 2


def test_a_client_that_stops_answering_pings_is_closed(pair: Any) -> None:
    ws, browser = accept(pair, ping_interval=0.2)
    with pytest.raises(ConnectionClosed):
        ws.thread.receive(timeout=5)  # a ping, no pong, then the close at the next one
    frames = browser.events() + browser.events()
    assert isinstance(frames[0], Ping)
    assert any(isinstance(f, CloseConnection) and f.code == 1008 for f in frames)
    assert ws.sock.fileno() == -1  # closed here, so gunicorn does not linger on it


def test_pongs_keep_the_socket_open(pair: Any) -> None:
    ws, browser = accept(pair, ping_interval=0.1)

    def answer_pings() -> None:
        for _ in range(3):  # three intervals: each ping answered as it comes
            for event in browser.events():
                if isinstance(event, Ping):
                    browser.send(event.response())
        browser.send(TextMessage("still here"))

    threading.Thread(target=answer_pings, daemon=True).start()
    assert ws.thread.receive(timeout=5) == "still here"


def test_a_frame_over_the_limit_closes_with_1009(pair: Any) -> None:
    ws, browser = accept(pair, max_message_size=1000)
    browser.send(TextMessage("x" * 2000))
    with pytest.raises(ConnectionClosed):
        ws.thread.receive(timeout=2)
    assert any(isinstance(e, CloseConnection) and e.code == 1009 for e in browser.events())


def test_hanging_up_from_another_thread_wakes_the_handler(pair: Any) -> None:
    ws, browser = accept(pair, ping_interval=25)
    closer = threading.Thread(target=close_socket, args=(ws, 1008))
    outcome: list[str] = []

    def handler() -> None:
        try:
            ws.thread.receive(timeout=10)
        except ConnectionClosed:
            outcome.append("closed")

    waiting = threading.Thread(target=handler)
    waiting.start()
    closer.start()
    (close,) = browser.events()
    assert isinstance(close, CloseConnection) and close.code == 1008
    browser.send(close.response())  # the browser answers; the handler reads it and ends
    waiting.join(5)
    closer.join(5)
    assert outcome == ["closed"] and not closer.is_alive()
    assert ws.sock.fileno() == -1


@pytest.mark.parametrize("answers", [True, False])
def test_closing_in_the_handler_waits_for_the_reply_at_most_the_grace(
    pair: Any, answers: bool
) -> None:
    ws, browser = accept(pair, ping_interval=25)
    if answers:  # the browser's close arrives while the handler waits for it
        threading.Timer(0.1, browser.send, args=(CloseConnection(1000),)).start()
    started = time.monotonic()
    close_socket(ws, 1000)
    took = time.monotonic() - started
    assert ws.sock.fileno() == -1
    assert (took < 0.9) if answers else (0.9 < took < 3)
