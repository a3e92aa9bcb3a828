"""One thread per WebSocket: the handler thread reads its own socket.

simple-websocket starts a reader thread per connection (it reads the socket, answers pings and
the close handshake, and queues messages for ``receive``), beside the gunicorn thread that runs
the handler and mostly waits in ``receive``: two threads per open socket, about 16 KB of RSS
each. ``InlineReader`` is passed as the server's ``thread_class`` (``server_options``): it starts
nothing, and ``receive`` does the reader's work in the calling thread, waiting on the socket
itself, with the same ping schedule, ping timeout, frame size limit and close handshake (the
reading code is simple-websocket's own ``_handle_events``). Frames sent from other threads (bus
notices) are unaffected: sending never needed the reader.

It reads simple-websocket's internals (``_handle_events``, ``input_buffer``, ``pong_received``,
``ws``, ``sock``), pinned below 2 in ``pyproject.toml``; ``tests/channels/test_socket_reader.py``
drives it through a real socket pair.
"""

from __future__ import annotations

import random
import selectors
import threading
import time
from collections.abc import Callable
from typing import Any

from simple_websocket import ConnectionClosed
from wsproto.events import CloseConnection, Ping
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError

CLOSE_GRACE_S = 1.0  # how long a closing side waits for the client's close reply


class InlineReader:
    """Stands in for simple-websocket's reader thread; the socket's handler thread reads."""

    def __init__(self, target: Callable[[], None], **_: Any) -> None:
        self._ws: Any = getattr(target, "__self__")  # noqa: B009 (the server owning the thread)
        self.name = "inline-reader"
        self._ended = threading.Event()  # the close handshake is over, or the socket is gone
        self._owner: int | None = None
        self._selector = selectors.PollSelector()  # no file descriptor of its own, unlike epoll
        self._next_ping = float("inf")

    def start(self) -> None:
        """Called by the server, in the handler's thread, once the handshake is accepted."""
        self._owner = threading.get_ident()
        self._selector.register(self._ws.sock, selectors.EVENT_READ)
        if self._ws.ping_interval:
            # The first ping somewhere in the first interval: sockets that connected together
            # (after a worker restart) would otherwise ping, and wake, together ever after.
            first = self._ws.ping_interval * random.uniform(0.5, 1.0)
            self._next_ping = time.monotonic() + first

    def is_alive(self) -> bool:
        return not self._ended.is_set()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the close handshake to finish; the handler thread reads it itself."""
        if threading.get_ident() == self._owner:
            self._finish(CLOSE_GRACE_S if timeout is None else timeout)
        else:
            self._ended.wait(timeout)

    def receive(self, timeout: float | None) -> str | bytes | None:
        """``Server.receive`` for the handler thread: a message, None after ``timeout``, or
        ``ConnectionClosed``."""
        ws = self._ws
        deadline = float("inf") if timeout is None else time.monotonic() + timeout
        while ws.connected and not ws.input_buffer:
            now = time.monotonic()
            if now >= deadline:
                return None
            if now >= self._next_ping:
                self._ping(now)
            elif self._wait(min(self._next_ping, deadline) - now):
                self._read()
        if not ws.connected and not ws.input_buffer:
            self._finish(CLOSE_GRACE_S)  # closed from our side: the client's reply, if it comes
            raise ConnectionClosed(ws.close_reason, ws.close_message)
        return ws.input_buffer.pop(0)  # type: ignore[no-any-return]

    def _wait(self, seconds: float) -> bool:
        return bool(self._selector.select(None if seconds == float("inf") else max(seconds, 0)))

    def _ping(self, now: float) -> None:
        """As simple-websocket's reader: no pong since the last ping closes the socket."""
        ws = self._ws
        if not ws.pong_received:
            ws.close(reason=CloseReason.POLICY_VIOLATION, message="Ping/Pong timeout")
            self._end()
            return
        ws.pong_received = False
        try:
            ws.sock.send(ws.ws.send(Ping()))
        except OSError:
            ws.connected = False
            self._end()
        self._next_ping = max(now, self._next_ping) + ws.ping_interval

    def _read(self) -> None:
        ws = self._ws
        try:
            data = ws.sock.recv(ws.receive_bytes)
            if not data:
                raise OSError("the client closed the connection")
            ws.ws.receive_data(data)
            keep_going = ws._handle_events()  # noqa: SLF001 (simple-websocket's frame handling)
        except (OSError, LocalProtocolError):
            keep_going = False
        if not keep_going:
            ws.connected = False
            self._end()

    def _finish(self, grace: float) -> None:
        """After our close frame: read until the client's reply (or EOF), at most ``grace``
        seconds, then close the socket; frames after the close are discarded."""
        ws, deadline = self._ws, time.monotonic() + grace
        while not self._ended.is_set():
            now = time.monotonic()
            if now >= deadline or not self._wait(deadline - now):
                break
            try:
                data = ws.sock.recv(ws.receive_bytes)
                if not data:
                    break
                ws.ws.receive_data(data)
                if any(isinstance(event, CloseConnection) for event in ws.ws.events()):
                    break
            except (OSError, LocalProtocolError):
                break
        self._end()

    def _end(self) -> None:
        """As simple-websocket's reader when it stops: the socket is closed here, so gunicorn
        (whose graceful close would otherwise linger on it, draining) finds it done."""
        if not self._ended.is_set():
            self._ended.set()
            self._selector.close()
            self._ws.sock.close()
