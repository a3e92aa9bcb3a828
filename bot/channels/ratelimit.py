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
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any, Protocol

from bot.helpdesk.redis_outage import Outage

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_s: float) -> float:
        """Count one event; 0 when allowed, else the seconds until the next one is allowed."""
        ...

    def undo(self, key: str) -> None:
        """Take back the newest event of a key (a login that succeeded does not count)."""
        ...

    def reset(self, key: str) -> None:
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

    def undo(self, key: str) -> None:
        with self._lock:
            for table in self._tables.values():
                events = table.keys.get(key)
                if events:
                    events.pop()

    def reset(self, key: str) -> None:
        with self._lock:
            for table in self._tables.values():
                table.keys.pop(key, None)

    def __len__(self) -> int:
        """How many keys are counted (for tests and operators' curiosity)."""
        with self._lock:
            return sum(len(table.keys) for table in self._tables.values())

    def _table(self, key: str, window_s: float) -> _Table:
        name = (key.partition(":")[0], window_s)
        table = self._tables.get(name)
        if table is None:
            table = self._tables[name] = _Table(window_s, self._max_keys)
        return table


class RedisRateLimiter:
    """The same sliding window in a Redis sorted set, shared by every worker.

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
        self._prefix = prefix
        self._fallback = fallback or MemoryRateLimiter()
        self._outage = Outage(
            log, "rate limits are counted per process", "rate limits shared again"
        )

    def hit(self, key: str, limit: int, window_s: float) -> float:
        try:
            wait = self._hit(key, limit, window_s)
        except Exception as error:
            self._outage.failed(error)
            return self._fallback.hit(key, limit, window_s)
        self._outage.recovered()
        return wait

    def undo(self, key: str) -> None:
        try:
            self._redis.zpopmax(self._prefix + key)
        except Exception as error:
            self._outage.failed(error)
            self._fallback.undo(key)

    def reset(self, key: str) -> None:
        self._fallback.reset(key)
        try:
            self._redis.delete(self._prefix + key)
        except Exception as error:
            self._outage.failed(error)

    def _hit(self, key: str, limit: int, window_s: float) -> float:
        if limit <= 0:
            return 0.0
        now = time.time()
        name = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(name, 0, now - window_s)
        pipe.zrange(name, 0, 0, withscores=True)
        pipe.zcard(name)
        _, oldest, count = pipe.execute()
        if count >= limit:
            return max(oldest[0][1] + window_s - now, 0.001) if oldest else window_s
        pipe = self._redis.pipeline()
        pipe.zadd(name, {f"{now:.6f}:{uuid.uuid4().hex[:8]}": now})
        pipe.expire(name, math.ceil(window_s) + 1)
        pipe.execute()
        return 0.0
