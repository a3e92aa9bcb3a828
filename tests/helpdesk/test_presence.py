"""Presence: is a customer's widget connected right now (in process, and across workers)."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator

import pytest

from bot.helpdesk.presence import LocalPresence, Presence, RedisPresence
from tests.live_server import reachable_redis_url


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["local", "redis"])
def presence(request: pytest.FixtureRequest, clock: Clock) -> Iterator[Presence]:
    if request.param == "local":
        yield LocalPresence()
        return
    import redis

    client = redis.Redis.from_url(reachable_redis_url())
    prefix = f"test:presence:{uuid.uuid4().hex}:"
    yield RedisPresence(client, prefix=prefix, ttl_s=90, clock=clock)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


def test_a_conversation_is_online_while_any_of_its_sockets_is_open(presence: Presence) -> None:
    assert not presence.is_online(7)
    first, second = presence.connect(7), presence.connect(7)
    assert presence.is_online(7) and not presence.is_online(8)
    first.release()
    assert presence.is_online(7)
    second.release()
    assert not presence.is_online(7)


def test_releasing_a_lease_twice_does_not_take_another_socket_offline(presence: Presence) -> None:
    first, second = presence.connect(3), presence.connect(3)
    first.release()
    first.release()
    assert presence.is_online(3)
    second.release()


def test_online_answers_for_many_conversations_at_once(presence: Presence) -> None:
    leases = [presence.connect(cid) for cid in (1, 3, 5)]
    assert presence.online(range(1, 7)) == {1, 3, 5}
    for lease in leases:
        lease.release()
    assert presence.online(range(1, 7)) == set()


def test_leases_of_a_worker_that_died_expire(clock: Clock) -> None:
    import redis

    client = redis.Redis.from_url(reachable_redis_url())
    presence = RedisPresence(
        client, prefix=f"test:presence:{uuid.uuid4().hex}:", ttl_s=90, clock=clock
    )
    kept, abandoned = presence.connect(1), presence.connect(2)
    clock.now += 60
    kept.refresh()
    clock.now += 60
    assert presence.online([1, 2]) == {1}
    kept.release()
    del abandoned
    client.close()


def test_redis_down_reads_as_offline_and_says_so_once(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis(
        host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0)
    )
    presence = RedisPresence(client, clock=clock)
    with caplog.at_level(logging.WARNING, logger="bot.helpdesk.presence"):
        lease = presence.connect(1)
        assert presence.is_online(1) is False
        lease.refresh()
        lease.release()
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.helpdesk.presence"]
    assert len(warnings) == 1 and "customers count as offline" in warnings[0]


def test_local_presence_counts_correctly_under_threads() -> None:
    presence = LocalPresence()

    def churn() -> None:
        for _ in range(500):
            presence.connect(1).release()

    threads = [threading.Thread(target=churn) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert presence.connection_count() == 0 and not presence.is_online(1)
