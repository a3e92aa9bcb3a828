"""dashboard entry summaries: the FAQ answers per closed day and entry, and covering indexes

``ladder_entry_summaries`` holds, per day of ``ladder_days``, the FAQ answers given that day
per entry, language and product (``bot.helpdesk.entry_summary``). Triggers on ``faq_answers``
(insert, delete, an update of a counted fact) and on ``conversations`` (a product change) drop
the days that hold the answers, as migration 0009's do for conversations; the next reading
sums them again. The days summed by 0009's backfill get their entries here.

Two covering indexes: the dashboard reads the period's tickets (first response times, exact
percentiles, ``bot.channels.console.dashboard_data``) and groups the FAQ answers of the days
not summed yet from an index alone; each replaces the single-column index it starts with.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from bot.helpdesk.entry_summary import sum_entry_days

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TICKETS = ["opened_at", "product", "first_response_at"]
ANSWERS = ["answered_at", "faq_id", "language", "helpful", "ticket_after"]
COUNTS = ("answered", "helped", "not_helped", "tickets_after")
# the answer facts bot.helpdesk.entry_summary reads
FACTS = "answered_at, faq_id, language, helpful, ticket_after, conversation_id"
DROP_DAY = "DELETE FROM ladder_days WHERE starts_at <= {at} AND ends_at > {at};"
DROP_ANSWER_DAYS = """DELETE FROM ladder_days WHERE EXISTS (SELECT 1 FROM faq_answers a
    WHERE a.conversation_id = NEW.id AND ladder_days.starts_at <= a.answered_at
    AND ladder_days.ends_at > a.answered_at);"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER ladder_answer_added AFTER INSERT ON faq_answers BEGIN
        {DROP_DAY.format(at="NEW.answered_at")} END""",
    f"""CREATE TRIGGER ladder_answer_changed AFTER UPDATE OF {FACTS} ON faq_answers BEGIN
        {DROP_DAY.format(at="OLD.answered_at")} {DROP_DAY.format(at="NEW.answered_at")} END""",
    f"""CREATE TRIGGER ladder_answer_removed AFTER DELETE ON faq_answers BEGIN
        {DROP_DAY.format(at="OLD.answered_at")} END""",
    f"""CREATE TRIGGER ladder_answers_product AFTER UPDATE OF product ON conversations
        BEGIN {DROP_ANSWER_DAYS} END""",
]
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION ladder_answer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {DROP_DAY.format(at="OLD.answered_at")} END IF;
        IF TG_OP <> 'DELETE' THEN {DROP_DAY.format(at="NEW.answered_at")} END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER ladder_answer_changed
        AFTER INSERT OR DELETE OR UPDATE OF {FACTS} ON faq_answers
        FOR EACH ROW EXECUTE PROCEDURE ladder_answer_changed()""",
    f"""CREATE FUNCTION ladder_answers_product() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {DROP_ANSWER_DAYS}
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ladder_answers_product AFTER UPDATE OF product ON conversations
        FOR EACH ROW WHEN (OLD.product IS DISTINCT FROM NEW.product)
        EXECUTE PROCEDURE ladder_answers_product()""",
]


def upgrade() -> None:
    op.create_table(
        "ladder_entry_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["day_id"], ["ladder_days.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ladder_entry_summaries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ladder_entry_summaries_day_id"), ["day_id"], unique=False
        )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_opened_response", TICKETS, unique=False)
        batch_op.drop_index("ix_tickets_opened_at")
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index("ix_faq_answers_answered_entry", ANSWERS, unique=False)
        batch_op.drop_index("ix_faq_answers_answered")
    bind = op.get_bind()
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    backfill(bind)


def backfill(bind: sa.Connection) -> None:
    """The entries of the days migration 0009 summed (that the text query returns as text
    on SQLite)."""
    rows = bind.execute(sa.text("SELECT id, day, starts_at, ends_at FROM ladder_days")).all()
    days = sorted((_date(day), _moment(start), _moment(end)) for _id, day, start, end in rows)
    if days:
        with Session(bind=bind) as session:
            claimed = {_date(day): int(day_id) for day_id, day, _start, _end in rows}
            sum_entry_days(session, days, claimed)
            session.flush()


def _date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ladder_answers_product ON conversations")
        op.execute("DROP TRIGGER ladder_answer_changed ON faq_answers")
        op.execute("DROP FUNCTION ladder_answers_product()")
        op.execute("DROP FUNCTION ladder_answer_changed()")
    else:
        for name in ("answer_added", "answer_changed", "answer_removed", "answers_product"):
            op.execute(f"DROP TRIGGER ladder_{name}")
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index("ix_faq_answers_answered", ["answered_at"], unique=False)
        batch_op.drop_index("ix_faq_answers_answered_entry")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_opened_at", ["opened_at"], unique=False)
        batch_op.drop_index("ix_tickets_opened_response")
    op.drop_table("ladder_entry_summaries")
