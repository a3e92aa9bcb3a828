"""ladder summaries: the resolution ladder per closed day, kept current by triggers

``ladder_days`` marks a day (in a time zone) whose summary in ``ladder_summaries`` is current.
Triggers on ``conversations`` (insert, delete, and an update of a fact the ladder reads) and on
``messages`` (a customer message added or removed) delete the rows of the days that hold the
conversation; ``bot.helpdesk.ladder_summary`` sums such a day again when it is next read. The
backfill sums every closed day since the first conversation in ``SUPPORTBOT_TIMEZONE``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:15:00
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from bot.config import Config
from bot.helpdesk.ladder import day_bounds
from bot.helpdesk.ladder_summary import OPEN_MARGIN, sum_days

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# ladder_summaries' counts, one per figure of a settled conversation
COUNTS = (
    "conversations", "not_recorded", "confirmed", "assumed", "abandoned", "durable",
    "reason_person", "reason_no_answer", "reason_not_helped", "reason_bug",
    "reason_conflict_test_failed", "reason_expired_subscription", "reason_not_understood",
)  # fmt: skip
# the conversation facts bot.helpdesk.ladder reads
FACTS = (
    "created_at, outcome, outcome_at, handoff_reason, reopened_at, followed_up_at, product, "
    "language, channel"
)
DROP_DAY = "DELETE FROM ladder_days WHERE starts_at <= {at} AND ends_at > {at};"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER ladder_conversation_added AFTER INSERT ON conversations BEGIN
        {DROP_DAY.format(at="NEW.created_at")} END""",
    f"""CREATE TRIGGER ladder_conversation_changed AFTER UPDATE OF {FACTS} ON conversations
        BEGIN {DROP_DAY.format(at="OLD.created_at")} {DROP_DAY.format(at="NEW.created_at")} END""",
    f"""CREATE TRIGGER ladder_conversation_removed AFTER DELETE ON conversations BEGIN
        {DROP_DAY.format(at="OLD.created_at")} END""",
]
for _name, _row in (("added", "NEW"), ("removed", "OLD")):
    _at = f"(SELECT created_at FROM conversations WHERE id = {_row}.conversation_id)"
    SQLITE_TRIGGERS.append(
        f"""CREATE TRIGGER ladder_message_{_name} AFTER {"INSERT" if _row == "NEW" else "DELETE"}
        ON messages WHEN {_row}.role = 'customer' BEGIN {DROP_DAY.format(at=_at)} END"""
    )
POSTGRES_TRIGGERS = [
    f"""CREATE FUNCTION ladder_conversation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {DROP_DAY.format(at="OLD.created_at")} END IF;
        IF TG_OP <> 'DELETE' THEN {DROP_DAY.format(at="NEW.created_at")} END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER ladder_conversation_changed
        AFTER INSERT OR DELETE OR UPDATE OF {FACTS} ON conversations
        FOR EACH ROW EXECUTE PROCEDURE ladder_conversation_changed()""",
    """CREATE FUNCTION ladder_message_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        changed messages%ROWTYPE;
    BEGIN
        IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
        IF changed.role = 'customer' THEN
            DELETE FROM ladder_days d USING conversations c
            WHERE c.id = changed.conversation_id
              AND d.starts_at <= c.created_at AND d.ends_at > c.created_at;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ladder_message_changed AFTER INSERT OR DELETE ON messages
        FOR EACH ROW EXECUTE PROCEDURE ladder_message_changed()""",
]


def upgrade() -> None:
    op.create_table(
        "ladder_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("zone", "day", name="uq_ladder_days_zone_day"),
    )
    with op.batch_alter_table("ladder_days", schema=None) as batch_op:
        batch_op.create_index("ix_ladder_days_bounds", ["starts_at", "ends_at"], unique=False)
    op.create_table(
        "ladder_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["day_id"], ["ladder_days.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ladder_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ladder_summaries_day_id"), ["day_id"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversations_outcome_at", ["outcome_at", "created_at"], unique=False
        )
    bind = op.get_bind()
    for statement in POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)
    backfill(bind)


def backfill(bind: sa.Connection) -> None:
    """Sums every closed day since the first conversation, in the staff's time zone."""
    first = bind.execute(sa.text("SELECT min(created_at) FROM conversations")).scalar()
    if first is None:
        return
    if isinstance(first, str):  # SQLite
        first = datetime.fromisoformat(first)
    since = first if first.tzinfo else first.replace(tzinfo=UTC)
    zone = ZoneInfo(os.environ.get("SUPPORTBOT_TIMEZONE") or Config.timezone)
    now = datetime.now(UTC)
    closed = [day for day in day_bounds(since, now, zone) if day[2] <= now - OPEN_MARGIN]
    if closed:
        with Session(bind=bind) as session:
            sum_days(session, closed, zone, now, entries=False)  # their table is 0011's
            session.flush()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ladder_message_changed ON messages")
        op.execute("DROP TRIGGER ladder_conversation_changed ON conversations")
        op.execute("DROP FUNCTION ladder_message_changed()")
        op.execute("DROP FUNCTION ladder_conversation_changed()")
    else:
        for name in ("conversation_added", "conversation_changed", "conversation_removed",
                     "message_added", "message_removed"):  # fmt: skip
            op.execute(f"DROP TRIGGER ladder_{name}")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_outcome_at")
    op.drop_table("ladder_summaries")
    op.drop_table("ladder_days")
