"""subscriptions: the shop's modification time; conversations linked to recognised subscriptions

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shop_modified_at", sa.DateTime(timezone=True), nullable=True)
        )

    op.create_table(
        "conversation_subscriptions",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscriptions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id", "subscription_id"),
    )
    with op.batch_alter_table("conversation_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_conversation_subscriptions_subscription_id", ["subscription_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_subscriptions_subscription_id")
    op.drop_table("conversation_subscriptions")

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("shop_modified_at")
