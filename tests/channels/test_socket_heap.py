"""What open sockets keep is set aside from full garbage collections, and swept once they close.

The sockets are real (simple-websocket's server with ``InlineReader`` on one end of a socket
pair, wsproto on the other, as in ``test_socket_reader``) and run through ``run_socket``; the
session is a stand-in that, like the widget's on ``auth``, builds a few hundred objects it keeps
while the socket is open.
"""

from __future__ import annotations

import gc
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from simple_websocket import ConnectionClosed, Server
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from bot.channels.socket_heap import SOCKET_HEAP, SocketHeap
from bot.channels.socket_reader import InlineReader
from bot.channels.sockets import Send, run_socket

KEPT_PER_SOCKET = 300  # objects a session keeps (the widget's: environ, wsproto, delivery...)
SOCKETS = 30


class Node:
    """A tracked object in a reference cycle, as much of a socket's state is."""

    def __init__(self) -> None:
        self.me = self


class KeepingSession:
    """Builds its long-lived state on the first frame, then waits until the client leaves."""

    closed = False
    close_code = 1000

    def __init__(self, send: Send) -> None:
        self.state: list[Any] = []

    def wait_timeout(self) -> float | None:
        return None

    def on_timeout(self) -> None:
        return None

    def on_text(self, raw: str | bytes) -> None:
        self.state = [{"frame": raw, "n": n, "items": [n]} for n in range(KEPT_PER_SOCKET // 3)]

    def release(self) -> None:
        return None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process's heap goes back to the collector


def open_socket(build: Callable[[Send], KeepingSession]) -> tuple[socket.socket, threading.Thread]:
    """A socket in ``run_socket`` on its own thread, its first frame sent; the client end."""
    server_end, client_end = socket.socketpair()
    client = WSConnection(ConnectionType.CLIENT)
    raw = client.send(Request(host="localhost", target="/ws")).decode()
    headers = [line.split(": ", 1) for line in raw.split("\r\n")[1:] if ": " in line]
    environ = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers}
    ws = Server({"werkzeug.socket": server_end, **environ}, thread_class=InlineReader)
    client.receive_data(client_end.recv(65536))
    assert isinstance(next(client.events()), AcceptConnection)

    def serve() -> None:
        try:
            run_socket(ws, build, name="test")
        except ConnectionClosed:
            pass  # the client left, as flask-sock sees it

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client_end.sendall(client.send(TextMessage('{"type":"auth"}')))
    return client_end, thread


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_what_open_sockets_keep_is_not_walked_by_full_collections(unfrozen: None) -> None:
    gc.collect()
    walked_before = len(gc.get_objects())  # what a full collection walks (frozen: not)
    settled_before = SOCKET_HEAP.open
    opened = [open_socket(KeepingSession) for _ in range(SOCKETS)]
    wait_for(lambda: SOCKET_HEAP.open == settled_before + SOCKETS)
    grown = len(gc.get_objects()) - walked_before
    # Before: every socket's state stayed in the collected generations (~9,000 objects here).
    assert grown < SOCKETS * KEPT_PER_SOCKET // 10, grown
    for client_end, thread in opened:
        client_end.close()
        thread.join(5)
    wait_for(lambda: SOCKET_HEAP.open == settled_before)


def test_closed_sockets_cycles_are_swept_once_as_many_closed_as_are_open(
    unfrozen: None,
) -> None:
    heap = SocketHeap(sweep_min=3)
    states = [[Node() for _ in range(10)] for _ in range(6)]
    gone = [weakref.ref(state[0]) for state in states]
    for _ in states:
        heap.settled()
    del states
    for _ in range(2):
        heap.closed()  # 2 closed, 4 open: their cycles wait, frozen
    gc.collect()
    assert heap.sweeps == 0 and all(ref() is not None for ref in gone)
    heap.closed()  # 3 closed, 3 open
    assert heap.sweeps == 1
    assert all(ref() is None for ref in gone)
    assert gc.get_freeze_count() > 0  # frozen again after the sweep


def test_a_few_sockets_closing_never_sweep(unfrozen: None) -> None:
    heap = SocketHeap(sweep_min=100)
    for _ in range(5):
        heap.settled()
    for _ in range(5):
        heap.closed()
    assert heap.sweeps == 0 and heap.open == 0


class RefusingSession(KeepingSession):
    """Refuses its first frame, as the widget refuses a wrong token."""

    def on_text(self, raw: str | bytes) -> None:
        self.closed = True


def test_a_refused_first_frame_settles_nothing(unfrozen: None) -> None:
    settled_before = SOCKET_HEAP.open
    client_end, thread = open_socket(RefusingSession)
    thread.join(5)
    assert not thread.is_alive()
    assert SOCKET_HEAP.open == settled_before and gc.get_freeze_count() == 0
    client_end.close()
