"""Storage on SQLite and PostgreSQL: migrations, models, tokens, numbering, time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, select

from bot.storage import repositories as repo
from bot.storage.db import Database, normalise_url
from bot.storage.migrate import current_revision, head_revision, upgrade
from bot.storage.models import Base, Conversation, Message


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    upgrade(database)
    yield database  # type: ignore[misc]
    database.dispose()


def test_migrations_reach_head_and_match_the_models(db: Database) -> None:
    assert current_revision(db) == head_revision()
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    # index/constraint naming can differ per backend; tables and columns must not
    structural = [
        d for d in diff if d[0] in ("add_table", "remove_table", "add_column", "remove_column")
    ]
    assert structural == []


def test_upgrade_twice_is_harmless(db: Database) -> None:
    upgrade(db)
    assert current_revision(db) == head_revision()


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_url("postgres://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+psycopg://")
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_tokens_are_stored_hashed_and_checked(db: Database) -> None:
    with db.session() as session:
        conversation, token = repo.create_conversation(
            session, channel="widget", language="nl", state={}
        )
        public_id = conversation.public_id
    with db.sessions() as session:
        stored = session.scalars(select(Conversation)).one()
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        assert repo.authenticate(session, public_id, token) is not None
        assert repo.authenticate(session, public_id, token + "x") is None
        assert repo.authenticate(session, public_id, None) is None
        assert repo.authenticate(session, "unknown", token) is None


def test_ticket_numbers_are_unique_and_prefixed(db: Database) -> None:
    due = datetime.now(UTC) + timedelta(hours=24)
    numbers = []
    for _ in range(3):
        with db.session() as session:
            conversation, _ = repo.create_conversation(
                session, channel="email", language="en", state={}
            )
            ticket = repo.create_ticket(
                session,
                conversation,
                prefix="NME",
                reason="bug",
                summary="x",
                due_at=due,
                details={},
            )
            numbers.append(ticket.number)
    assert len(set(numbers)) == 3 and all(n and n.startswith("NME-") for n in numbers)


def test_datetimes_come_back_timezone_aware(db: Database) -> None:
    with db.session() as session:
        conversation, _ = repo.create_conversation(
            session, channel="widget", language="nl", state={}
        )
        repo.append_message(session, conversation, "customer", "hallo")
    with db.sessions() as session:
        message = session.scalars(select(Message)).one()
        assert message.created_at.tzinfo is not None
        assert abs(message.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"), db.session() as session:
        conversation, _ = repo.create_conversation(
            session, channel="widget", language="nl", state={}
        )
        repo.create_ticket(
            session,
            conversation,
            prefix="NME",
            reason="bug",
            summary="x",
            due_at=datetime(2030, 1, 1),
            details={},  # noqa: DTZ001 - the point of the test
        )
        session.flush()


def test_a_failed_unit_of_work_stores_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        repo.create_conversation(session, channel="widget", language="nl", state={})
        raise RuntimeError("boom")
    assert repo.count_conversations(db.sessions()) == 0


def test_customers_are_matched_by_email_case_insensitively(db: Database) -> None:
    with db.session() as session:
        first = repo.get_or_create_customer(session, "Jan@Example.org", "Jan")
        again = repo.get_or_create_customer(session, "jan@example.org")
        assert first.id == again.id and again.email == "jan@example.org"


def test_a_new_conversation_reads_its_missing_ticket_without_a_statement_and_sees_a_new_one(
    db: Database,
) -> None:
    statements: list[str] = []
    due = datetime.now(UTC) + timedelta(hours=24)

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with db.session() as session:
        conversation, _ = repo.create_conversation(
            session, channel="email", language="nl", state={}
        )
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert conversation.ticket is None
            assert statements == []
            ticket = repo.create_ticket(
                session, conversation, prefix="NME", reason="bug", summary="x", due_at=due,
                details={},
            )  # fmt: skip
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert conversation.ticket is ticket
        conversation_id = conversation.id
    with db.session() as session:
        stored = session.get(Conversation, conversation_id)
        assert stored is not None and stored.ticket is not None
        assert stored.ticket.number == ticket.number
