"""The periodic work of a worker's open widget sockets, done once per worker, not per socket.

Every ``REFRESH_EVERY_S`` each authenticated socket must find out whether its token still opens
its conversation (an erasure by a process whose notice could not reach us), and keep its
presence lease alive. Done by each socket on its own, 1,000 idle sockets cost 33 queries and 33
Redis round trips a second, in bursts when they connected together (after a worker restart).
Here one thread per worker does it for all of them: one query per ``CHECK_BATCH`` sockets and
one Redis pipeline. A socket is checked at most ``REFRESH_EVERY_S`` after it connected, as before.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Protocol

from bot.helpdesk.presence import REFRESH_EVERY_S, Lease, Presence
from bot.helpdesk.transcripts import Transcripts

log = logging.getLogger(__name__)


class Checked(Protocol):
    """What the sweep needs of a socket's session (``WidgetSession``)."""

    def check_target(self) -> tuple[int, str, Lease | None] | None:
        """(conversation id, token, lease), or None once the session has closed."""
        ...

    def revoke(self) -> None:
        """The token opens nothing any more: tell the client and close the socket."""
        ...


class IdleChecks:
    def __init__(
        self, conversations: Transcripts, presence: Presence, *, every_s: float = REFRESH_EVERY_S
    ) -> None:
        self._conversations = conversations
        self._presence = presence
        self._every_s = every_s
        self._sessions: set[Checked] = set()
        self._lock = threading.Lock()
        self._thread_pid: int | None = None  # a forked worker starts its own thread
        self._stop = threading.Event()

    def add(self, session: Checked) -> None:
        with self._lock:
            self._sessions.add(session)
            if self._thread_pid != os.getpid():
                self._thread_pid = os.getpid()
                threading.Thread(target=self._run, name="idle-checks", daemon=True).start()

    def discard(self, session: Checked) -> None:
        with self._lock:
            self._sessions.discard(session)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            try:
                self.sweep()
            except Exception:
                log.exception("the periodic check of open sockets failed")

    def sweep(self) -> int:
        """Check every open session's token and refresh its lease; returns how many closed."""
        with self._lock:
            sessions = list(self._sessions)
        targets = [(s, target) for s in sessions if (target := s.check_target()) is not None]
        if not targets:
            return 0
        try:
            valid = self._conversations.tokens_still_valid([(t[0], t[1]) for _, t in targets])
        except Exception as error:  # the database is away: the next sweep checks again
            log.warning("could not check the open sockets' tokens: %s", error)
            valid = [True] * len(targets)
        revoked = [session for (session, _), ok in zip(targets, valid, strict=True) if not ok]
        for session in revoked:
            self.discard(session)
            session.revoke()
        self._presence.refresh_many(
            lease
            for (_, (_, _, lease)), ok in zip(targets, valid, strict=True)
            if ok and lease is not None
        )
        return len(revoked)
