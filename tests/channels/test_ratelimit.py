"""Sliding-window rate limits, in process and in a real Redis."""

from __future__ import annotations

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
    limiter.reset("login:ann")
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


def test_a_flood_of_keys_cannot_grow_memory_forever() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock=clock, max_keys=100)
    for i in range(1000):
        clock.now += 1
        limiter.hit(f"ip:{i}", 5, 10)
    assert len(limiter._events) <= 100
