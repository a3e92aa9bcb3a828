"""SQLite: a process's transactions wait for the write lock in a line of ours, not in SQLite's
busy handler.

Every SQLite transaction starts with ``BEGIN IMMEDIATE`` (``bot.storage.db``), which takes the
database's one write lock. A thread that asks while another holds it is refused, and SQLite's
busy handler tries again after sleeping 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms at
a time: a turn that waited behind two others slept on for up to 100 ms after the lock was free,
and at 50 turns/s on the widget socket those waits were the slowest turns. So the threads of one
process queue on a ``threading.Lock`` taken before ``BEGIN IMMEDIATE`` and given back when the
connection returns to the pool (after its commit or rollback), and the next one goes on at once.
Between processes (the command line, the email worker) the busy handler still decides.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from sqlalchemy import Engine, event

_HELD = "supportbot_writer_line"  # in a pooled connection's info: it holds the line
_LINES: weakref.WeakKeyDictionary[Engine, WriterLine] = weakref.WeakKeyDictionary()


class WriterLine:
    """One per engine: the transaction of one thread at a time."""

    def __init__(self, engine: Engine, timeout_s: float) -> None:
        self._lock = threading.Lock()
        self._timeout_s = timeout_s
        event.listen(engine, "checkin", self._on_checkin)

    @classmethod
    def install(cls, engine: Engine, timeout_s: float) -> WriterLine:
        line = _LINES[engine] = cls(engine, timeout_s)
        return line

    @classmethod
    def of(cls, engine: Engine) -> WriterLine | None:
        return _LINES.get(engine)

    @property
    def held(self) -> bool:
        """A transaction of this process holds the line."""
        return self._lock.locked()

    def enter(self, info: dict[str, Any]) -> None:
        """Wait for our turn before ``BEGIN IMMEDIATE`` on the connection with ``info``."""
        if info.get(_HELD):
            return  # an earlier transaction on this connection, not returned yet, holds it
        # Waited as long as SQLite would: then SQLite decides (a thread that opened a second
        # transaction inside its first one would otherwise wait for itself).
        if self._lock.acquire(timeout=self._timeout_s):
            info[_HELD] = True

    def leave(self, info: dict[str, Any]) -> None:
        if info.pop(_HELD, False):
            self._lock.release()

    def _on_checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self.leave(record.info)
