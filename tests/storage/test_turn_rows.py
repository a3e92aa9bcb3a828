"""A customer turn's rows written together (``bot.storage.turn_rows``): as the unit of work
would have written them, in one statement on PostgreSQL, and the conversation left clean."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.state import InstanceState

from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, FaqAnswer, Message
from bot.storage.turn_rows import TurnRows, answer_row, write_turn

ANSWERED = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
ASKED = 'Hoe installeer ik "Formulieren" \\ op één site? 😀 \u00e9\n<b>&amp;</b>\''  # JSON-hard


@contextmanager
def counted(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def started(db: Database) -> int:
    with db.session() as session:
        conversation, _token = repo.create_conversation(
            session, channel="widget", language="en", state={"step": "idle"}
        )
        conversation.product = "forms"
        return conversation.id


def a_turn(conversation: Conversation) -> TurnRows:
    asked = repo.new_message(conversation, "customer", ASKED, channel_ref="c1")
    answered = repo.new_message(
        conversation, "bot", "Like this.", html="<p>Like this.</p>", route="faq",
        payload={"quick_replies": ["Thanks"], "links": []},
    )  # fmt: skip
    rows = TurnRows(messages=[asked, answered])
    rows.add_event(conversation.id, "faq_answered", {"faq_id": "install"})
    rows.answers.append(answer_row(conversation.id, "install", "en", ANSWERED, ticket_after=False))
    return rows


def answered(session: Session, conversation_id: int) -> tuple[Conversation, TurnRows]:
    """The conversation, its state changed by a turn whose rows are not written yet."""
    conversation = session.get(Conversation, conversation_id)
    assert conversation is not None
    conversation.state = {"step": "answered"}
    return conversation, a_turn(conversation)


def test_a_turn_s_rows_read_back_as_written_and_the_conversation_is_left_clean(
    db: Database,
) -> None:
    conversation_id = started(db)
    with db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        before = conversation.updated_at
        rows = a_turn(conversation)
        conversation.state, conversation.outcome = {"step": "answered"}, "question"
        write_turn(session, conversation, rows)
        assert not session.dirty and not session.new
        with counted(db) as statements:
            session.flush()
        assert statements == []  # nothing left for the unit of work
    with db.session() as session:
        messages = session.scalars(select(Message).order_by(Message.seq)).all()
        assert [(m.seq, m.role, m.text, m.channel_ref) for m in messages] == [
            (1, "customer", ASKED, "c1"),
            (2, "bot", "Like this.", None),
        ]
        assert messages[1].payload == {"quick_replies": ["Thanks"], "links": []}
        assert messages[1].html == "<p>Like this.</p>" and messages[1].route == "faq"
        assert messages[0].created_at.tzinfo is not None
        (recorded,) = session.scalars(select(EventRecord)).all()
        assert (recorded.kind, recorded.data) == ("faq_answered", {"faq_id": "install"})
        (answer,) = session.scalars(select(FaqAnswer)).all()
        assert (answer.faq_id, answer.answered_at, answer.helpful) == ("install", ANSWERED, None)
        again = session.get(Conversation, conversation_id)
        assert again is not None and again.message_count == 2
        assert again.state == {"step": "answered"} and again.outcome == "question"
        assert again.updated_at > before and again.product == "forms"


def test_the_private_sqlalchemy_call_still_leaves_a_written_conversation_clean(
    db: Database,
) -> None:
    """``_mark_written`` calls ``InstanceState._commit_all``, SQLAlchemy's private version of
    what a flush does to the rows it wrote; an upgrade that drops or changes it fails here,
    named, rather than as slower turns (pyproject's sqlalchemy bound names what was checked)."""
    version = f"SQLAlchemy {sqlalchemy.__version__}"
    assert callable(getattr(InstanceState, "_commit_all", None)), (
        f"{version} has no InstanceState._commit_all, which bot.storage.turn_rows._mark_written "
        "calls: use what Session.flush now calls on the states it wrote, then move pyproject's "
        "sqlalchemy bound"
    )
    conversation_id = started(db)
    with db.session() as session:
        conversation, rows = answered(session, conversation_id)
        write_turn(session, conversation, rows)
        state = inspect(conversation)
        left: dict[str, object] = {
            "modified": state.modified,
            "dirty": conversation in session.dirty,
            "expired": sorted(state.expired_attributes),
            "changed": sorted(state.committed_state),
        }
        with counted(db) as statements:
            for column in state.mapper.column_attrs:
                getattr(conversation, column.key)
            session.flush()
        left["statements"] = statements
    clean = {"modified": False, "dirty": False, "expired": [], "changed": [], "statements": []}
    assert left == clean, (
        f"{version}: InstanceState._commit_all no longer leaves a written conversation as a "
        "flush does (clean, nothing expired, read without SQL): see "
        "bot.storage.turn_rows._mark_written and pyproject's sqlalchemy bound"
    )


def test_the_rows_and_the_conversation_are_one_statement_on_postgresql(db: Database) -> None:
    conversation_id = started(db)
    with db.session() as session:
        conversation, rows = answered(session, conversation_id)
        with counted(db) as statements:
            write_turn(session, conversation, rows)
    expected = 1 if db.engine.dialect.name == "postgresql" else 4  # messages, event, answer, row
    assert len(statements) == expected, statements


def test_a_column_set_again_unchanged_is_not_written(db: Database) -> None:
    """As a flush skips it: the ladder's triggers fire on ``UPDATE OF`` their columns."""
    conversation_id = started(db)
    with db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        conversation.product, conversation.status = "forms", "waiting_for_staff"
        with counted(db) as statements:
            write_turn(session, conversation, TurnRows())
        assert not session.dirty
    (written,) = statements
    assignments = written.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert "status" in assignments and "product" not in assignments


def test_nothing_changed_writes_nothing(db: Database) -> None:
    conversation_id = started(db)
    with db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        with counted(db) as statements:
            write_turn(session, conversation, TurnRows())
    assert statements == []
