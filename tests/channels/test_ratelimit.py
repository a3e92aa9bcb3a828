"""Sliding-window rate limits, in process and in a real Redis."""

from __future__ import annotations

import logging
import threading
import uuid

import pytest

from bot.channels.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from tests.live_server import reachable_redis_url


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def redis_limiter() -> RedisRateLimiter:
    import redis

    client = redis.Redis.from_url(reachable_redis_url())
    return RedisRateLimiter(client, prefix=f"test-{uuid.uuid4().hex}:")


@pytest.fixture(params=["memory", "redis"])
def limiter(request: pytest.FixtureRequest) -> RateLimiter:
    return MemoryRateLimiter() if request.param == "memory" else redis_limiter()


def test_the_limit_allows_n_then_asks_to_wait(limiter: RateLimiter) -> None:
    assert [limiter.hit("k", 3, 60) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.hit("k", 3, 60)
    assert 0 < wait <= 60
    assert limiter.hit("other", 3, 60) == 0.0  # keys are independent


def test_reset_forgets_a_key(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("login:ann", 3, 60)
    assert limiter.hit("login:ann", 3, 60) > 0
    limiter.reset("login:ann", 3, 60)
    assert limiter.hit("login:ann", 3, 60) == 0.0


def test_zero_means_no_limit(limiter: RateLimiter) -> None:
    assert all(limiter.hit("k", 0, 60) == 0.0 for _ in range(100))


def test_the_window_slides() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock)
    for _ in range(2):
        limiter.hit("k", 2, 10)
    assert limiter.hit("k", 2, 10) == pytest.approx(10)
    clock.now += 10.5
    assert limiter.hit("k", 2, 10) == 0.0


def test_undo_takes_back_the_newest_event(limiter: RateLimiter) -> None:
    for _ in range(3):
        limiter.hit("login-ip:1", 3, 60)
    assert limiter.hit("login-ip:1", 3, 60) > 0
    limiter.undo("login-ip:1", 3, 60)  # the last attempt succeeded: it does not count
    assert limiter.hit("login-ip:1", 3, 60) == 0.0
    assert limiter.hit("login-ip:1", 3, 60) > 0
    limiter.undo("never-seen:1", 3, 60)  # nothing to take back: no error


def test_a_flood_of_keys_cannot_grow_memory_forever() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, max_keys=100)
    for i in range(1000):
        clock.now += 1
        limiter.hit(f"ip:{i}", 5, 10)
    assert len(limiter) <= 100


def test_a_flood_of_short_window_keys_never_forgets_a_login_lockout() -> None:
    """Issue 19 #2: at the key cap the limiter evicted with the 60 s window of whichever request
    filled it, dropping 15-minute login counts."""
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, max_keys=100)
    for _ in range(10):
        limiter.hit("staff-login-account:ann@nme.example", 10, 900)
    for i in range(600):  # made-up conversation ids, one a second: the lockout stays in its window
        clock.now += 1
        limiter.hit(f"conv:made-up-{i}", 20, 60)
    assert limiter.hit("staff-login-account:ann@nme.example", 10, 900) > 0
    assert len(limiter) <= 101


def test_within_one_limit_stale_keys_go_first_then_the_least_recently_counted() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, max_keys=3)
    limiter.hit("ip:a", 1, 10)
    clock.now += 20  # a's event has left its window
    limiter.hit("ip:b", 1, 10)
    limiter.hit("ip:c", 1, 10)
    limiter.hit("ip:d", 1, 10)  # full: a is stale and goes
    assert [limiter.hit(key, 1, 10) > 0 for key in ("ip:b", "ip:c", "ip:d")] == [True] * 3
    limiter.hit("ip:e", 1, 10)  # full of live keys: b, counted longest ago, goes
    assert limiter.hit("ip:b", 1, 10) == 0.0
    assert limiter.hit("ip:d", 1, 10) > 0


def test_the_same_limit_name_with_another_window_is_counted_apart() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, max_keys=10)
    limiter.hit("login:ann", 1, 900)
    for i in range(50):
        clock.now += 1
        limiter.hit(f"login:flood-{i}", 5, 60)
    assert limiter.hit("login:ann", 1, 900) > 0


def test_with_redis_down_the_limit_holds_per_process_and_nothing_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    down = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    clock = Clock()
    limiter = RedisRateLimiter(down, fallback=MemoryRateLimiter(clock=clock))
    with caplog.at_level(logging.WARNING, logger="bot.channels.ratelimit"):
        assert [limiter.hit("conv:a", 2, 60) for _ in range(2)] == [0.0, 0.0]
        assert limiter.hit("conv:a", 2, 60) > 0
        limiter.undo("conv:a", 2, 60)
        limiter.reset("conv:a", 2, 60)
        assert limiter.hit("conv:a", 2, 60) == 0.0
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.channels.ratelimit"]
    assert len(warnings) == 1 and "counted per process" in warnings[0]


def hit_together(limiter: RateLimiter, key: str, threads: int, hits_each: int) -> list[bool]:
    """Whether each hit was allowed, from `threads` threads released at the same moment."""
    start = threading.Barrier(threads)
    allowed: list[bool] = []

    def worker() -> None:
        start.wait()
        for _ in range(hits_each):
            allowed.append(limiter.hit(key, 10, 60) == 0.0)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return allowed


def test_workers_hitting_one_key_at_once_never_exceed_the_limit(limiter: RateLimiter) -> None:
    """Issue 14: the Redis limiter read the count and added the event in two round trips, so
    workers that read together were all let through (13 to 16 of 80 with a limit of 10). Real
    threads; each worker of a deployment is another client of the same Redis."""
    for attempt in range(5):  # several keys: one lucky interleaving must not hide a race
        allowed = hit_together(limiter, f"conv:race-{attempt}", threads=16, hits_each=5)
        assert len(allowed) == 80
        assert sum(allowed) == 10, f"{sum(allowed)} of 80 let through"
