"""phrasing removal: a taught phrasing a colleague removed is kept, marked removed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learned_phrasings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("removed_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("learned_phrasings", schema=None) as batch_op:
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_at")
