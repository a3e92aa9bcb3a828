"""One log line when Redis stops answering and one when it answers again, instead of a
traceback at every call: each user of Redis (bus, presence, rate limits) keeps one ``Outage``."""

from __future__ import annotations

import logging
import threading


class Outage:
    def __init__(self, log: logging.Logger, fallback: str, resumed: str) -> None:
        self._log = log
        self._fallback = fallback  # what happens meanwhile, for the operator
        self._resumed = resumed
        self._down = False
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down

    def failed(self, error: BaseException) -> None:
        with self._lock:
            was_down, self._down = self._down, True
        if not was_down:
            self._log.warning("Redis unavailable (%s): %s", error, self._fallback)

    def recovered(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            self._log.info("Redis answers again: %s", self._resumed)
