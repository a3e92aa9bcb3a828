"""Live fan-out of conversation updates to connected sockets (widget and staff console).

The bus carries small notices ("conversation 42 has new messages up to seq 17"), never the
data itself: subscribers read from the database, which stays the one source of truth. That keeps
the Redis variant trivial and makes a lost notice harmless (the next one, or a reconnect,
catches up).

The notices themselves, and their wire form, are in ``bot.helpdesk.notices``.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.helpdesk.notices import Notice

log = logging.getLogger(__name__)

Handler = Callable[[Notice], None]

STAFF_TOPIC = "staff"


def conversation_topic(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


class MessageBus(Protocol):
    @property
    def connected(self) -> bool:
        """Notices published by other processes reach this one (false while Redis is down)."""
        ...

    def publish(self, topic: str, notice: Notice) -> None: ...

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        """Register a handler; returns the function that unsubscribes it."""
        ...

    def close(self) -> None: ...


def after_commit(session: Session, action: Callable[[], None], *, first: bool = False) -> None:
    """Run ``action`` once ``session`` commits, after it gave its connection back to the pool: a
    rolled-back change runs nothing, and the action (a Redis round trip, or local subscribers
    that read the database themselves) holds no pooled connection meanwhile. ``first``: ahead of
    the actions registered before it (a socket's turn frame ahead of the turn's notices)."""

    def committed(_session: Session) -> None:  # the connection is still checked out here
        event.listen(session, "after_transaction_end", lambda *_: action(), once=True, insert=first)

    event.listen(session, "after_commit", committed, once=True, insert=first)


def publish_after_commit(
    session: Session, bus: MessageBus, notices: Sequence[tuple[str, Notice]]
) -> None:
    """Publish ``(topic, notice)`` pairs once ``session`` commits (``after_commit``): a
    subscriber that reads on the notice finds the committed rows."""

    def publish() -> None:
        for topic, notice in notices:
            bus.publish(topic, notice)

    after_commit(session, publish)


class LocalBus:
    """In-process bus: enough for one worker process (the SQLite default)."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)
        self._lock = threading.Lock()

    @property
    def connected(self) -> bool:
        return True  # there are no other processes to hear from

    def publish(self, topic: str, notice: Notice) -> None:
        with self._lock:
            handlers = list(self._handlers.get(topic, ()))
        for handler in handlers:
            try:
                handler(notice)
            except Exception:  # one broken socket must not stop delivery to the others
                log.exception("bus handler failed for %s", topic)

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        with self._lock:
            self._handlers[topic].append(handler)

        def unsubscribe() -> None:
            with self._lock:
                handlers = self._handlers.get(topic, [])
                if handler in handlers:
                    handlers.remove(handler)
                if not handlers:
                    self._handlers.pop(topic, None)

        return unsubscribe

    def subscriber_count(self, topic: str) -> int:
        with self._lock:
            return len(self._handlers.get(topic, ()))

    def close(self) -> None:
        with self._lock:
            self._handlers.clear()
