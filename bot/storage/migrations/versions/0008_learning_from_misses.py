"""learning from misses: missed questions and groups, learned phrasings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 22:54:05.726394
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learned_phrasings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_ref", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("learned_phrasings", schema=None) as batch_op:
        batch_op.create_index("ix_learned_phrasings_entry", ["entry_ref"], unique=False)

    op.create_table(
        "missed_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("no_match", sa.Integer(), nullable=False),
        sa.Column("declined", sa.Integer(), nullable=False),
        sa.Column("not_helped", sa.Integer(), nullable=False),
        sa.Column("not_understood", sa.Integer(), nullable=False),
        sa.Column("seed_id", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_ref", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("missed_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_missed_groups_status_size", ["status", "size", "last_seen"], unique=False
        )
        batch_op.create_index(
            "ix_missed_groups_status_decided", ["status", "decided_at"], unique=False
        )
        batch_op.create_index(
            "ix_missed_groups_status_language_seen",
            ["status", "language", "last_seen"],
            unique=False,
        )

    op.create_table(
        "missed_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("similarity_key", sa.String(length=300), nullable=False),
        sa.Column("entry_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["missed_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("missed_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_missed_questions_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index("ix_missed_questions_group", ["group_id", "id"], unique=False)
        batch_op.create_index(
            "ix_missed_questions_group_reason", ["group_id", "reason"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("missed_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_missed_questions_group_reason")
        batch_op.drop_index("ix_missed_questions_group")
        batch_op.drop_index(batch_op.f("ix_missed_questions_conversation_id"))

    op.drop_table("missed_questions")
    with op.batch_alter_table("missed_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_missed_groups_status_language_seen")
        batch_op.drop_index("ix_missed_groups_status_decided")
        batch_op.drop_index("ix_missed_groups_status_size")

    op.drop_table("missed_groups")
    with op.batch_alter_table("learned_phrasings", schema=None) as batch_op:
        batch_op.drop_index("ix_learned_phrasings_entry")

    op.drop_table("learned_phrasings")
