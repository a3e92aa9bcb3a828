"""Sliding-window rate limits (per conversation, per client IP, per login), in process or in Redis.

A key is ``<limit name>:<what is counted>`` (``conv:abc``, ``staff-login-account:ann@...``). The
in-process limiter is exact for one worker. Behind several workers, set ``SUPPORTBOT_REDIS_URL``
so all workers share one count.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, Protocol

from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from bot.helpdesk.redis_outage import Outage

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_s: float) -> float:
        """Count one event; 0 when allowed, else the seconds until the next one is allowed."""
        ...

    def undo(self, key: str, limit: int, window_s: float) -> None:
        """Take back the newest event of a key (a login that succeeded does not count)."""
        ...

    def reset(self, key: str, limit: int, window_s: float) -> None:
        """Forget a key's events (a successful login clears the failed ones before it)."""
        ...


class _Table:
    """The keys of one limit name and window, least recently counted first."""

    def __init__(self, window_s: float, max_keys: int) -> None:
        self.window_s = window_s
        self.max_keys = max_keys
        self.keys: OrderedDict[str, deque[float]] = OrderedDict()

    def events(self, key: str, now: float) -> deque[float]:
        events = self.keys.get(key)
        if events is None:
            self._make_room(now)
            events = self.keys[key] = deque()
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def counted(self, key: str) -> None:
        self.keys.move_to_end(key)

    def _make_room(self, now: float) -> None:
        """Drop keys whose newest event left the window; when all are live, the least recent.

        Every key here has the same window, so the stale ones are exactly those at the front.
        """
        while self.keys:
            first = next(iter(self.keys.values()))
            if first and first[-1] > now - self.window_s:
                break
            self.keys.popitem(last=False)
        while len(self.keys) >= self.max_keys:
            self.keys.popitem(last=False)


class MemoryRateLimiter:
    """One table per limit name and window, each capped at ``max_keys``.

    A flood of keys for one limit (made-up conversation ids, many addresses) can only push out
    keys of that same limit, and a 60-second limit never evicts a 15-minute login count.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self._clock = clock
        self._tables: dict[tuple[str, float], _Table] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, limit: int, window_s: float) -> float:
        if limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            table = self._table(key, window_s)
            events = table.events(key, now)
            if len(events) >= limit:
                return max(events[0] + window_s - now, 0.001)
            events.append(now)
            table.counted(key)
            return 0.0

    def undo(self, key: str, limit: int, window_s: float) -> None:
        with self._lock:
            table = self._tables.get(_table_name(key, window_s))
            events = table.keys.get(key) if table else None
            if events:
                events.pop()

    def reset(self, key: str, limit: int, window_s: float) -> None:
        with self._lock:
            table = self._tables.get(_table_name(key, window_s))
            if table:
                table.keys.pop(key, None)

    def __len__(self) -> int:
        """How many keys are counted (for tests and operators' curiosity)."""
        with self._lock:
            return sum(len(table.keys) for table in self._tables.values())

    def _table(self, key: str, window_s: float) -> _Table:
        name = _table_name(key, window_s)
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = _Table(window_s, self._max_keys)
        return table


class RedisRateLimiter:
    """The same sliding window in Redis, shared by every worker: the ``limits`` library's moving
    window, whose Lua script checks and counts in one step (two round trips let workers that read
    the count together all through).

    While Redis is down, each process counts on its own (``fallback``): the limits still hold
    per worker, and requests never fail because of the limiter.
    """

    def __init__(
        self,
        client: Any,
        prefix: str = "supportbot:rl:",
        fallback: RateLimiter | None = None,
    ) -> None:
        self._redis = client
        self._storage = RedisStorage(
            "redis://", connection_pool=client.connection_pool, key_prefix=prefix.rstrip(":")
        )
        self._window = MovingWindowRateLimiter(self._storage)
        self._fallback = fallback or MemoryRateLimiter()
        self._outage = Outage(
            log, "rate limits are counted per process", "rate limits shared again"
        )

    def hit(self, key: str, limit: int, window_s: float) -> float:
        if limit <= 0:
            return 0.0
        try:
            wait = self._hit(key, limit, window_s)
        except Exception as error:
            self._outage.failed(error)
            return self._fallback.hit(key, limit, window_s)
        self._outage.recovered()
        return wait

    def undo(self, key: str, limit: int, window_s: float) -> None:
        try:
            # The window is a list, newest event first (limits' moving-window layout).
            self._redis.lpop(self._list_name(key, limit, window_s))
        except Exception as error:
            self._outage.failed(error)
            self._fallback.undo(key, limit, window_s)

    def reset(self, key: str, limit: int, window_s: float) -> None:
        self._fallback.reset(key, limit, window_s)
        try:
            self._window.clear(_item(limit, window_s), key)
        except Exception as error:
            self._outage.failed(error)

    def _hit(self, key: str, limit: int, window_s: float) -> float:
        item = _item(limit, window_s)
        if self._window.hit(item, key):
            return 0.0
        reset_at = self._window.get_window_stats(item, key).reset_time
        return max(reset_at - time.time(), 0.001)

    def _list_name(self, key: str, limit: int, window_s: float) -> str:
        return self._storage.prefixed_key(_item(limit, window_s).key_for(key))


def _table_name(key: str, window_s: float) -> tuple[str, float]:
    return key.partition(":")[0], window_s


def _item(limit: int, window_s: float) -> RateLimitItemPerSecond:
    return RateLimitItemPerSecond(limit, math.ceil(window_s))
