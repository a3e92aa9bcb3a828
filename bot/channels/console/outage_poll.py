"""The console's live page while Redis is down: read the database for what the bus cannot say.

Without Redis a worker hears only its own notices. A console socket then reads a few marks every
``POLL_EVERY_S`` (the queue's last change, the watched ticket's last message and status) and
turns each change into the frame a notice would have caused. Notices that do arrive (from this
worker) move the marks too, so nothing is announced twice. When the bus is back it reads once
more, for what was published in between, and stops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import Conversation, Ticket

POLL_EVERY_S = 2.0


@dataclass(frozen=True)
class LiveMarks:
    queue: tuple[datetime | None, datetime | None]  # the last ticket change, the last message
    seq: int | None = None  # the watched conversation's last message
    status: str | None = None  # the watched ticket's status
    number: str | None = None


def read_marks(db: Database, conversation_id: int | None) -> LiveMarks:
    """One short read: what changed in the queue and in the watched ticket."""
    with db.sessions() as session:
        queue = session.execute(
            select(func.max(Ticket.updated_at), func.max(Conversation.updated_at)).join(
                Conversation, Ticket.conversation_id == Conversation.id
            )
        ).one()
        marks = LiveMarks((queue[0], queue[1]))
        if conversation_id is None:
            return marks
        watched = session.execute(
            select(Conversation.message_count, Ticket.status, Ticket.number)
            .outerjoin(Ticket, Ticket.conversation_id == Conversation.id)
            .where(Conversation.id == conversation_id)
        ).first()
        if watched is None:
            return marks
        return replace(marks, seq=watched[0], status=watched[1], number=watched[2])


class OutagePoll:
    def __init__(self) -> None:
        self._last: LiveMarks | None = None  # None: not polling, or not read yet

    def heard_messages(self, seq: int) -> None:
        if self._last is not None and (self._last.seq or 0) < seq:
            self._last = replace(self._last, seq=seq)

    def heard_status(self, status: str) -> None:
        if self._last is not None:
            self._last = replace(self._last, status=status)

    def frames(self, marks: LiveMarks) -> list[dict[str, Any]]:
        """The frames the bus would have caused since the last read (the first read: a queue
        refresh and a transcript read, as nobody knows what was missed before it)."""
        last, self._last = self._last, marks
        frames: list[dict[str, Any]] = []
        if last is None or marks.queue != last.queue:
            frames.append({"type": "queue", "kind": "poll", "conversation": None})
        if marks.seq is not None and (last is None or marks.seq > (last.seq or 0)):
            frames.append({"type": "messages", "seq": marks.seq})
        if last is not None and marks.status is not None and marks.status != last.status:
            # who did it is not in the marks: reopened means the customer wrote, anything else
            # is shown as a colleague's change
            by = "customer" if marks.status == "open" else "staff"
            update = {"number": marks.number, "status": marks.status, "by": by, "mine": False}
            frames.append({"type": "ticket_update", **update})
        return frames

    def stop(self) -> None:
        self._last = None
