"""Notices go out after commit, once the transaction gave its connection back to the pool."""

from __future__ import annotations

import pytest
from flask import Flask

from bot.channels.runtime import runtime
from bot.helpdesk.bus import after_commit, conversation_topic
from bot.helpdesk.notices import NewMessages, Notice


def test_a_notice_is_published_with_no_connection_held(sqlite_app: Flask) -> None:
    """A subscriber that reads the database (a widget socket catching up) must not need a
    second connection while the publisher still holds its own."""
    rt = runtime(sqlite_app)
    started = rt.conversations.start(channel="widget", language="en")
    held: list[int] = []

    def heard(notice: Notice) -> None:
        if isinstance(notice, NewMessages):
            held.append(rt.db.engine.pool.checkedout())  # type: ignore[attr-defined]

    rt.bus.subscribe(conversation_topic(started.conversation_id), heard)
    rt.conversations.post(started.public_id, started.token, "How do I install the plugin?")
    assert held == [0]


def test_first_runs_ahead_of_earlier_actions_and_a_rollback_runs_none(sqlite_app: Flask) -> None:
    rt = runtime(sqlite_app)
    ran: list[str] = []
    with rt.db.session() as session:
        after_commit(session, lambda: ran.append("notices"))
        after_commit(session, lambda: ran.append("turn frame"), first=True)
        assert ran == []
    assert ran == ["turn frame", "notices"]
    with pytest.raises(RuntimeError), rt.db.session() as session:
        after_commit(session, lambda: ran.append("rolled back"))
        raise RuntimeError
    assert ran == ["turn frame", "notices"]
