"""What a stored customer turn (``Conversations.post``, the widget's and the API's) costs the
database: every statement is a round trip on PostgreSQL, before the answer goes out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.helpdesk.learning.phrasings import TAUGHT, as_generation, generation
from bot.helpdesk.subscriptions import SubscriptionFeed
from tests.conftest import make_config

# A second question in a widget conversation, answered from the FAQ: the conversation locked
# with its ticket and customer, the retry look-up of the client id, the customer's
# subscriptions with the taught phrasings' generation (one statement), the FAQ answer's event
# and record, the conversation's row; SQLite adds its BEGIN IMMEDIATE. The turn's messages
# (the customer's and the bot's, as many as the engine says) are counted apart: one insert on
# PostgreSQL, one per message on SQLite.
STATEMENTS_PER_TURN = {"sqlite": 7, "postgresql": 6}


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    built = build_runtime(make_config(tmp_path, database_url))
    yield built
    built.db.dispose()


def test_a_widget_turn_costs_a_known_number_of_statements(rt: Runtime) -> None:
    started = rt.conversations.start(channel="widget", language="en")
    rt.conversations.post(started.public_id, started.token, "How do I install the plugin?")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        turn = rt.conversations.post(
            started.public_id, started.token, "How do I update the plugin?", client_id="c2"
        )
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)
    assert turn.messages
    inserts = [s for s in statements if s.startswith("INSERT INTO messages")]
    others = [s[:90] for s in statements if s not in inserts]
    assert len(others) <= STATEMENTS_PER_TURN[rt.db.engine.dialect.name], "\n".join(others)
    assert 1 <= len(inserts) <= 1 + len(turn.messages)


def test_the_subscriptions_come_with_the_taught_generation_even_when_there_are_none(
    rt: Runtime,
) -> None:
    started = rt.conversations.start(channel="widget", language="en")
    feed = SubscriptionFeed()
    with rt.db.session() as session:
        known = generation(session)
        found, taught = feed.read_for_turn(
            session, started.conversation_id, "nobody@example.org", TAUGHT
        )
    assert found == () and as_generation(taught) == known
