"""Idle widget sockets: one period's token checks and presence refreshes, counted as real SQL
statements (SQLAlchemy events) and real Redis commands (``INFO commandstats``)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import event

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.channels.widget.session import CLOSE_POLICY, WidgetSession
from bot.helpdesk.conversations import Started
from bot.helpdesk.presence import REFRESH_EVERY_S
from bot.helpdesk.privacy.anonymise import revoked_token_hash
from bot.storage.models import Conversation
from tests.channels.widget.test_session import Clock
from tests.conftest import make_config
from tests.live_server import reachable_redis_url

SOCKETS = 120  # on 60 conversations: a customer with two tabs open
ADDRESSES = itertools.count()
PRESENCE_COMMANDS = ("zadd", "expire", "zremrangebyscore", "zrem")


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    prefix = f"test:idle:{uuid.uuid4().hex}:"
    config = make_config(
        tmp_path, database_url, redis_url=reachable_redis_url(), redis_prefix=prefix
    )
    app = create_app(config)
    rt = runtime(app)
    yield rt
    rt.idle_checks.stop()
    rt.bus.close()
    rt.db.dispose()


def open_socket(rt: Runtime, clock: Clock, started: Started, hung_up: list[int]) -> WidgetSession:
    frames: list[dict[str, Any]] = []
    session = WidgetSession(
        rt,
        frames.append,
        client_ip=f"10.0.{next(ADDRESSES) // 250}.{next(ADDRESSES) % 250}",  # under the IP limit
        clock=clock,
        hang_up=hung_up.append,
        checks=rt.idle_checks,
    )
    auth = {"type": "auth", "conversation_id": started.public_id, "token": started.token}
    session.on_text(json.dumps(auth))
    assert [frame["type"] for frame in frames] == ["ready"], frames
    return session


def presence_commands(client: Any) -> int:
    stats = client.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in PRESENCE_COMMANDS)


def one_period(rt: Runtime, clock: Clock, sessions: list[WidgetSession]) -> None:
    """What a worker does for its idle sockets in one period: each socket's loop wakes once (the
    wait never outlasts the period), and the worker's own sweep."""
    clock.now += REFRESH_EVERY_S
    for session in sessions:
        assert session.wait_timeout() <= REFRESH_EVERY_S * 1.25
        session.on_timeout()
    rt.idle_checks.sweep()


def test_idle_sockets_cost_one_query_and_one_refresh_per_conversation_a_period(
    rt: Runtime,
) -> None:
    clock, hung_up = Clock(), []
    conversations = [rt.conversations.start(channel="widget", language="nl") for _ in range(60)]
    sessions = [open_socket(rt, clock, c, hung_up) for c in conversations for _ in range(2)]
    assert len(sessions) == SOCKETS and len(rt.idle_checks) == SOCKETS
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transactions
            statements.append(statement)

    client = redis.Redis.from_url(reachable_redis_url())
    event.listen(rt.db.engine, "before_cursor_execute", count)
    before = presence_commands(client)
    try:
        one_period(rt, clock, sessions)
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)
    redis_commands = presence_commands(client) - before
    assert len(statements) == 1, statements  # was one query per socket
    # zadd and expire once per conversation (was zadd, zremrangebyscore and expire per socket);
    # the margin is for other users of this Redis.
    assert redis_commands <= 2 * len(conversations) + 20, redis_commands
    assert rt.presence.online(c.conversation_id for c in conversations) == {
        c.conversation_id for c in conversations
    }
    assert not any(session.closed for session in sessions) and hung_up == []
    for session in sessions:
        session.release()
    assert rt.presence.online(c.conversation_id for c in conversations) == set()
    assert len(rt.idle_checks) == 0
    client.close()


def test_a_revoked_token_closes_its_socket_at_the_next_sweep(rt: Runtime) -> None:
    clock, hung_up = Clock(), []
    anna, bert = (rt.conversations.start(channel="widget", language="nl") for _ in range(2))
    sessions = [open_socket(rt, clock, anna, hung_up), open_socket(rt, clock, bert, hung_up)]
    with rt.db.session() as session:  # as an erasure by a process without the bus
        conversation = session.get(Conversation, anna.conversation_id)
        assert conversation is not None
        conversation.token_hash = revoked_token_hash()
    assert not sessions[0].closed
    one_period(rt, clock, sessions)
    assert sessions[0].closed and sessions[0].close_code == CLOSE_POLICY
    assert hung_up == [CLOSE_POLICY] and not sessions[1].closed
    for session in sessions:
        session.release()
