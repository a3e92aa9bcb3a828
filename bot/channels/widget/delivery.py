"""What one widget socket has delivered, and how it catches up on what others wrote.

Staff messages reach the customer like this: the console stores the message and publishes a
``NewMessages`` notice; the socket reads what it has not delivered yet from the database and
sends each staff message as a ``staff_message`` frame. Bot messages travel in the ``turn`` frame
that answers the customer; messages written elsewhere (another tab, the HTTP API) are announced
with one ``sync`` frame, after which the client re-reads the transcript.

While the socket is busy (authenticating, or posting the customer's message) announcements
wait, and are delivered after the ``ready`` or ``turn`` frame, so frames keep their order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bot.channels.widget.frames import Frame

Send = Callable[[Frame], None]
MessagesAfter = Callable[[int, int], list[dict[str, Any]]]  # (after seq, limit) -> messages

CATCH_UP_BATCH = 200
UNKNOWN_SEQ = 1_000_000  # an announcement without a seq (polling): read everything


class Delivery:
    def __init__(self, messages_after: MessagesAfter, send: Send, *, public_id: str) -> None:
        self._messages_after = messages_after
        self._send = send
        self._public_id = public_id
        self.lock = threading.RLock()  # frames go out in order, whichever thread sends them
        self._last_seq = 0
        self._busy = True  # until ``ready``: the socket authenticates
        self._pending_seq: int | None = None

    def ready(self, frame: Frame, last_seq: int) -> None:
        """Send the ``ready`` frame, then what was announced while authenticating."""
        with self.lock:
            self._last_seq = last_seq
            self._send(frame)
            self._finish(None)

    def begin_turn(self) -> None:
        with self.lock:
            self._busy = True

    def finish_turn(self, turn: dict[str, Any] | None) -> None:
        """Send the ``turn`` frame (None: the post failed), then what waited meanwhile."""
        with self.lock:
            if turn is not None:
                self._send({"type": "turn", **turn})
            self._finish(turn)

    def announced(self, seq: int | None) -> None:
        """Messages up to ``seq`` exist (None: perhaps; read to find out)."""
        with self.lock:
            if seq is None:
                seq = self._last_seq + UNKNOWN_SEQ
            if self._busy:
                self._pending_seq = max(self._pending_seq or 0, seq)
            elif seq > self._last_seq:  # not the echo of a turn this socket delivered
                self._catch_up()

    def _finish(self, turn: dict[str, Any] | None) -> None:
        """Deliver what was published while the socket was busy (lock held).

        The socket's own turn went out whole in its ``turn`` frame: ``_last_seq`` moves past
        it, so the bus notice announcing it (already pending, or arriving later through Redis)
        finds nothing to read. Messages others wrote just before it are read first.
        """
        self._busy = False
        pending, self._pending_seq = self._pending_seq, None
        own = _own_seqs(turn)
        if own is not None:
            first, last = own
            if first > self._last_seq + 1:
                self._catch_up(before=first)
            self._last_seq = max(self._last_seq, last)
        if pending is not None and pending > self._last_seq:
            self._catch_up()

    def _catch_up(self, before: int | None = None) -> None:
        """Send the staff messages after ``_last_seq`` (and before ``before``); a ``sync`` for
        anything else (lock held)."""
        others = False
        while True:
            fresh = self._messages_after(self._last_seq, CATCH_UP_BATCH)
            if before is not None:
                fresh = [message for message in fresh if message["seq"] < before]
            for message in fresh:
                self._last_seq = max(self._last_seq, message["seq"])
                if message["role"] == "staff":
                    self._send(
                        {"type": "staff_message", "conversation_id": self._public_id, **message}
                    )
                else:
                    others = True
            if len(fresh) < CATCH_UP_BATCH:
                break
        if others:
            self._send({"type": "sync", "last_seq": self._last_seq})


def _own_seqs(turn: dict[str, Any] | None) -> tuple[int, int] | None:
    """First and last seq a fresh turn stored: the customer's message, stored right before the
    bot's in the same transaction, and the bot's replies. None for a replay or a silent turn."""
    if turn is None or turn.get("replayed"):
        return None
    seqs = [m["seq"] for m in turn.get("messages", ()) if isinstance(m.get("seq"), int)]
    return (min(seqs) - 1, max(seqs)) if seqs else None
