"""The WebSockets this process holds open, so a shutting-down worker can close them at once.

Each open socket keeps a gunicorn thread busy; without this, SIGTERM would wait out the graceful
timeout for chats that never end. Closing with 1001 ("going away") tells the widget and the
console to reconnect, which lands them on a live worker.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

from simple_websocket import ConnectionClosed

from bot.channels.socket_heap import SOCKET_HEAP
from bot.channels.socket_reader import CLOSE_GRACE_S, InlineReader

log = logging.getLogger(__name__)

GOING_AWAY = 1001


def close_socket(ws: Any, code: int) -> None:
    """Close from our side, and make sure the socket's reading ends with it.

    The reader (simple-websocket's thread, or the handler's own ``InlineReader``) waits for the
    client's close reply. Gunicorn closes the file descriptor as
    soon as the handler returns, and epoll does not wake a thread waiting on a closed descriptor:
    it would linger until its next ping (and, being non-daemon, keep a stopping worker alive).
    So the client gets a moment to reply, then the socket is shut down, which wakes the thread.
    """
    try:
        ws.close(reason=code)
    except (ConnectionClosed, OSError):  # the client left first; the reader thread has ended
        return
    ws.thread.join(CLOSE_GRACE_S)
    if ws.thread.is_alive():
        try:
            ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def hang_up(ws: Any, code: int) -> None:
    """Close ``ws`` from another thread (a bus notice): its loop, waiting in ``receive``, ends."""
    threading.Thread(target=close_socket, args=(ws, code), name="hang-up", daemon=True).start()


class OpenSockets:
    def __init__(self) -> None:
        self._sockets: set[Any] = set()
        self._lock = threading.Lock()
        self.closing = threading.Event()

    def add(self, ws: Any) -> None:
        with self._lock:
            self._sockets.add(ws)

    def discard(self, ws: Any) -> None:
        with self._lock:
            self._sockets.discard(ws)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sockets)

    def close_all(self, code: int = GOING_AWAY) -> int:
        """Close every open socket; returns how many there were."""
        self.closing.set()
        with self._lock:
            sockets = list(self._sockets)
        closers = [
            threading.Thread(target=close_socket, args=(ws, code), daemon=True) for ws in sockets
        ]  # in parallel: each may wait CLOSE_GRACE_S for its client's reply
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join(CLOSE_GRACE_S + 1)
        if sockets:
            log.info("closed %d open socket(s) for shutdown", len(sockets))
        return len(sockets)


OPEN_SOCKETS = OpenSockets()
CLOSE_INTERNAL_ERROR = 1011

Send = Callable[[dict[str, Any]], None]


class SocketSession(Protocol):
    """The tested protocol object behind a socket (widget or console); the runner does the I/O."""

    closed: bool
    close_code: int

    def wait_timeout(self) -> float | None: ...

    def on_timeout(self) -> None: ...

    def on_text(self, raw: str | bytes) -> None: ...

    def release(self) -> None: ...


def run_socket(ws: Any, build: Callable[[Send], SocketSession], *, name: str) -> None:
    """The whole life of one socket: frames in, frames out, closed properly whatever happens."""
    lock = threading.Lock()

    def send(frame: dict[str, Any]) -> None:
        with lock:  # bus notices arrive on other threads
            ws.send(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    session = build(send)
    # One thread per socket: with ``InlineReader`` (``server_options``) this thread reads too.
    receive = ws.thread.receive if isinstance(ws.thread, InlineReader) else ws.receive
    OPEN_SOCKETS.add(ws)  # a stopping worker closes it with 1001: the client reconnects elsewhere
    settled = False  # the first frame built what the socket keeps: see ``socket_heap``
    try:
        while not session.closed:
            raw = receive(timeout=session.wait_timeout())
            if raw is None:
                session.on_timeout()
            else:
                session.on_text(raw)
                if not settled and not session.closed:  # a refused first frame keeps nothing
                    settled = True
                    SOCKET_HEAP.settled()
    except ConnectionClosed:
        raise  # the client went away: flask-sock ends the request quietly
    except Exception:
        # Never let Flask answer: its error page would be written into the WebSocket stream.
        log.exception("%s socket failed", name)
        session.close_code = CLOSE_INTERNAL_ERROR
    finally:
        OPEN_SOCKETS.discard(ws)
        session.release()
        if settled:
            SOCKET_HEAP.closed()
    with lock:
        close_socket(ws, session.close_code)


def close_sockets_on_sigterm() -> None:
    """Chain a SIGTERM handler (gunicorn's graceful stop) that closes the open sockets first."""
    previous = signal.getsignal(signal.SIGTERM)

    def handle(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=OPEN_SOCKETS.close_all, name="close-sockets", daemon=True).start()
        if callable(previous):
            previous(signum, frame)

    signal.signal(signal.SIGTERM, handle)
