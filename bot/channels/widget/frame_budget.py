"""How many frames one socket may send: a token bucket, so a flood costs the server almost nothing.

A bucket of ``burst`` frames refills at ``per_second``. Frames beyond it are dropped before they
are even parsed; the client hears about it at most once per ``warn_every_s``; a client that has
more than ``patience`` frames dropped within ``window_s`` keeps flooding and is disconnected.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ACCEPT = "accept"
    DROP = "drop"  # over budget: ignore silently
    WARN = "warn"  # over budget: ignore, and tell the client once
    DISCONNECT = "disconnect"  # flooding on and on


@dataclass
class FrameBudget:
    per_second: float = 10.0  # far above any person; typing frames are sent every 3 s at most
    burst: int = 30
    warn_every_s: float = 1.0
    patience: int = 300
    window_s: float = 10.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)
        self._stamp = self.clock()
        self._warned_at = float("-inf")
        self._drops = 0
        self._window_start = self._stamp

    def take(self) -> Verdict:
        now = self.clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.per_second)
        self._stamp = now
        if now - self._window_start >= self.window_s:
            self._window_start, self._drops = now, 0
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return Verdict.ACCEPT
        self._drops += 1
        if self._drops > self.patience:
            return Verdict.DISCONNECT
        if now - self._warned_at >= self.warn_every_s:
            self._warned_at = now
            return Verdict.WARN
        return Verdict.DROP
