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
from bot.storage.models import Conversation
from tests.conftest import make_config

# A second question in a widget conversation, answered from the FAQ: the conversation locked
# with its ticket and customer and the retry look-up of the client id (one statement), the
# customer's subscriptions with the taught phrasings' generation (one statement), then the
# turn's writes: its messages (the customer's and the bot's), the FAQ answer's event and
# record and the conversation's row, one statement on PostgreSQL (``bot.storage.turn_rows``),
# one per table on SQLite, which adds its BEGIN IMMEDIATE.
STATEMENTS_PER_TURN = {"sqlite": 7, "postgresql": 3}


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
    assert turn.messages and turn.faq is not None
    shown = "\n".join(s[:90] for s in statements)
    assert len(statements) <= STATEMENTS_PER_TURN[rt.db.engine.dialect.name], shown


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


def test_a_new_customer_and_conversation_are_written_without_a_flush(rt: Runtime) -> None:
    """Two inserts at once, no unit of work to sort them; the rows then act as loaded ones:
    reading them costs no statement, and a later change is flushed as usual."""
    flushes: list[int] = []
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with rt.db.session() as session:
        event.listen(session, "before_flush", lambda *args: flushes.append(1))
        conversation = rt.conversations.start_in_session(
            session, channel="email", email="New.Customer@Example.org", name="Ann", subject="Hi"
        )
        assert not flushes and conversation.id and conversation.customer_id
        event.listen(rt.db.engine, "before_cursor_execute", count)
        try:
            customer = conversation.customer
            assert customer is not None and customer.email == "new.customer@example.org"
            assert (conversation.status, conversation.message_count) == ("bot", 0)
            assert conversation.ticket is None and conversation.created_at is not None
            assert customer.created_at is not None and not session.dirty
        finally:
            event.remove(rt.db.engine, "before_cursor_execute", count)
        assert statements == []
        conversation.subject = "Changed"
        conversation_id = conversation.id
    with rt.db.session() as session:
        again = session.get(Conversation, conversation_id)
        assert again is not None and again.subject == "Changed" and again.status == "bot"
        assert again.customer is not None and again.customer.name == "Ann"
        assert again.state == conversation.state and again.state["language"]
