"""What one widget socket has delivered, and how it catches up on what others wrote.

Staff messages reach the customer like this: the console stores the message and publishes a
``NewMessages`` notice; the socket reads what it has not delivered yet from the database and
sends each staff message as a ``staff_message`` frame. Bot messages travel in the ``turn`` frame
that answers the customer; messages written elsewhere (another tab, the HTTP API) are announced
with one ``sync`` frame, after which the client re-reads the transcript.

One number keeps the frames in order and each message delivered once: ``last_seq``, the last
seq the socket has sent. A notice reads only when it announces a seq above it. The socket's own
turn is sent once its transaction has committed and before the turn's notice is published
(``Conversations.post(on_commit=...)``), and moves ``last_seq`` past the turn's seqs: its
notice, here at once or later through Redis, announces nothing new and costs no query. Another
writer waits for the row lock the turn holds, so its messages come after the turn's, and so does
its notice (unless it commits and publishes in the instant between the turn's commit and its
frame: then the client gets the turn's messages in a ``sync`` and again in the turn frame, and
draws them once, by seq).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from bot.channels.widget.frames import Frame

Send = Callable[[Frame], None]
MessagesAfter = Callable[[int, int], list[dict[str, Any]]]  # (after seq, limit) -> messages

CATCH_UP_BATCH = 200


class Delivery:
    def __init__(self, messages_after: MessagesAfter, send: Send, *, public_id: str) -> None:
        self._messages_after = messages_after
        self._send = send
        self._public_id = public_id
        self.lock = threading.RLock()  # frames go out in order, whichever thread sends them
        self._last_seq = 0

    def ready(self, frame: Frame, last_seq: int) -> None:
        """Send the ``ready`` frame; the caller holds ``lock`` from subscribing to here, so
        notices published meanwhile wait and then read from ``last_seq`` on."""
        with self.lock:
            self._last_seq = last_seq
            self._send(frame)

    def turn(self, frame: Frame, seqs: tuple[int, int] | None) -> None:
        """Send the ``turn`` frame of a committed turn that stored ``seqs`` (first, last; None:
        a replay). Messages others stored just before it go first."""
        with self.lock:
            if seqs is not None and seqs[0] > self._last_seq + 1:
                self._catch_up(before=seqs[0])
            self._send(frame)
            if seqs is not None:
                self._last_seq = max(self._last_seq, seqs[1])

    def announced(self, seq: int | None) -> None:
        """Messages up to ``seq`` exist (None: perhaps; read to find out)."""
        with self.lock:
            if seq is None or seq > self._last_seq:
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
