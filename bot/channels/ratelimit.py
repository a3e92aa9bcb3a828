"""Sliding-window rate limits (per conversation, per client IP), in process or in Redis.

The in-process limiter is exact for one worker. Behind several workers, set
``SUPPORTBOT_REDIS_URL`` so all workers share one count.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_s: float) -> float:
        """Count one event; 0 when allowed, else the seconds until the next one is allowed."""
        ...

    def reset(self, key: str) -> None:
        """Forget a key's events (a successful login clears the failed ones before it)."""
        ...


class MemoryRateLimiter:
    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def hit(self, key: str, limit: int, window_s: float) -> float:
        if limit <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self._max_keys:
                    self._evict(now, window_s)
                events = self._events[key] = deque()
            while events and events[0] <= now - window_s:
                events.popleft()
            if len(events) >= limit:
                return max(events[0] + window_s - now, 0.001)
            events.append(now)
            return 0.0

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def _evict(self, now: float, window_s: float) -> None:
        """Forget keys with no recent events, so a flood of IPs cannot grow memory forever."""
        stale = [k for k, q in self._events.items() if not q or q[-1] <= now - window_s]
        for key in stale:
            del self._events[key]
        if len(self._events) >= self._max_keys:
            self._events.clear()


class RedisRateLimiter:
    """The same sliding window in a Redis sorted set, shared by every worker."""

    def __init__(self, client: Any, prefix: str = "supportbot:rl:") -> None:
        self._redis = client
        self._prefix = prefix

    def hit(self, key: str, limit: int, window_s: float) -> float:
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

    def reset(self, key: str) -> None:
        self._redis.delete(self._prefix + key)
