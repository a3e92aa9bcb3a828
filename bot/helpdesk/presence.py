"""Who is connected right now: the helpdesk sends a staff reply live when the customer is
online, and by email when not.

Each open widget socket holds a *lease* on its conversation. In one process a counter is enough
(``LocalPresence``). Behind several workers the leases live in Redis (``RedisPresence``), one
sorted set per conversation whose scores are expiry times: a worker that dies without releasing
its leases stops refreshing them, and they expire after ``ttl_s`` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from bot.helpdesk.redis_outage import Outage

log = logging.getLogger(__name__)

LEASE_TTL_S = 90.0
REFRESH_EVERY_S = 30.0  # sockets refresh well inside the TTL


class Lease(Protocol):
    def refresh(self) -> None:
        """Keep the lease alive (a no-op in process)."""
        ...

    def release(self) -> None:
        """The socket closed; releasing twice is harmless."""
        ...


class Presence(Protocol):
    def connect(self, conversation_id: int) -> Lease: ...

    def is_online(self, conversation_id: int) -> bool: ...

    def online(self, conversation_ids: Iterable[int]) -> set[int]:
        """The subset of ``conversation_ids`` with at least one open socket."""
        ...

    def refresh_many(self, leases: Iterable[Lease]) -> None:
        """``refresh`` for many leases at once (a worker's idle sockets, once a period)."""
        ...


class _LocalLease:
    def __init__(self, on_release: Callable[[], None]) -> None:
        self._on_release: Callable[[], None] | None = on_release
        self._lock = threading.Lock()

    def refresh(self) -> None:
        return None

    def release(self) -> None:
        with self._lock:
            on_release, self._on_release = self._on_release, None
        if on_release is not None:
            on_release()


class LocalPresence:
    """Open sockets per conversation, counted in this process (one worker, the SQLite default)."""

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self._lock = threading.Lock()

    def connect(self, conversation_id: int) -> Lease:
        with self._lock:
            self._counts[conversation_id] = self._counts.get(conversation_id, 0) + 1
        return _LocalLease(lambda: self._drop(conversation_id))

    def _drop(self, conversation_id: int) -> None:
        with self._lock:
            left = self._counts.get(conversation_id, 0) - 1
            if left > 0:
                self._counts[conversation_id] = left
            else:
                self._counts.pop(conversation_id, None)

    def is_online(self, conversation_id: int) -> bool:
        with self._lock:
            return conversation_id in self._counts

    def online(self, conversation_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {cid for cid in conversation_ids if cid in self._counts}

    def refresh_many(self, leases: Iterable[Lease]) -> None:
        return None

    def connection_count(self) -> int:
        with self._lock:
            return sum(self._counts.values())


class _RedisLease:
    def __init__(self, presence: RedisPresence, conversation_id: int) -> None:
        self._presence = presence
        self._conversation_id = conversation_id
        self._member = uuid.uuid4().hex
        self._released = False

    def refresh(self) -> None:
        if not self._released:
            self._presence._put(self._conversation_id, self._member)

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._presence._remove(self._conversation_id, self._member)


class RedisPresence:
    """Leases in Redis, shared by every worker. While Redis is down, customers read as
    "offline", so a reply also goes by email rather than being lost; sockets put their lease
    back when it returns (``refresh``)."""

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "supportbot:presence:",
        ttl_s: float = LEASE_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._ttl_s = ttl_s
        self._clock = clock
        self._outage = Outage(
            log, "customers count as offline; replies also go by email", "presence shared again"
        )

    def connect(self, conversation_id: int) -> Lease:
        lease = _RedisLease(self, conversation_id)
        lease.refresh()
        return lease

    def is_online(self, conversation_id: int) -> bool:
        return conversation_id in self.online([conversation_id])

    def online(self, conversation_ids: Iterable[int]) -> set[int]:
        ids = list(conversation_ids)
        now = self._clock()
        try:
            pipe = self._redis.pipeline()
            for cid in ids:
                pipe.zcount(self._key(cid), f"({now}", "+inf")
            counts = pipe.execute()
        except Exception as error:
            self._outage.failed(error)
            return set()
        self._outage.recovered()
        return {cid for cid, count in zip(ids, counts, strict=True) if count}

    def refresh_many(self, leases: Iterable[Lease]) -> None:
        """One round trip and two commands per conversation, instead of a pipeline per socket.
        Leases of dead workers are swept when a socket connects (``_put``), not here."""
        mine = [lease for lease in leases if isinstance(lease, _RedisLease)]
        expiry = self._clock() + self._ttl_s
        by_key: dict[str, dict[str, float]] = {}
        for lease in mine:
            if not lease._released:
                by_key.setdefault(self._key(lease._conversation_id), {})[lease._member] = expiry
        if not by_key:
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for key, members in by_key.items():
                pipe.zadd(key, members)
                pipe.expire(key, int(self._ttl_s) + 1)
            pipe.execute()
        except Exception as error:
            self._outage.failed(error)
            return
        # A socket that closed meanwhile (its own thread) may have removed its lease before the
        # pipeline put it back: remove it again, or the customer reads as online for ``ttl_s``.
        for lease in mine:
            if lease._released:
                self._remove(lease._conversation_id, lease._member)

    def _key(self, conversation_id: int) -> str:
        return f"{self._prefix}{conversation_id}"

    def _put(self, conversation_id: int, member: str) -> None:
        now, key = self._clock(), self._key(conversation_id)
        try:
            pipe = self._redis.pipeline()
            pipe.zadd(key, {member: now + self._ttl_s})
            pipe.zremrangebyscore(key, "-inf", now)  # leases of workers that died
            pipe.expire(key, int(self._ttl_s) + 1)
            pipe.execute()
        except Exception as error:
            self._outage.failed(error)

    def _remove(self, conversation_id: int, member: str) -> None:
        try:
            self._redis.zrem(self._key(conversation_id), member)
        except Exception as error:  # the lease expires on its own
            self._outage.failed(error)
