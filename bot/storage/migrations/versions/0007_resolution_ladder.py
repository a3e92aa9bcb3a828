"""resolution ladder: conversation outcomes and per-entry FAQ answers

Recorded from the next customer turn on. Older conversations keep a NULL outcome: the ladder
counts them as "not recorded" instead of guessing their bucket from half the facts; older FAQ
answers are not in ``faq_answers`` (the per-entry table starts empty).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("ticket_after", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index("ix_faq_answers_answered", ["answered_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_faq_answers_conversation_id"), ["conversation_id"], unique=False
        )

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("handoff_reason", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("followed_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_conversations_ladder",
            ["created_at", "outcome", "outcome_at", "handoff_reason", "reopened_at",
             "followed_up_at", "product", "language", "channel"],
            unique=False,
        )  # fmt: skip
        batch_op.create_index(
            "ix_conversations_outcome_created", ["outcome", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_outcome_created")
        batch_op.drop_index("ix_conversations_ladder")
        batch_op.drop_column("followed_up_at")
        batch_op.drop_column("reopened_at")
        batch_op.drop_column("handoff_reason")
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("outcome")

    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_answers_conversation_id"))
        batch_op.drop_index("ix_faq_answers_answered")

    op.drop_table("faq_answers")
