"""dashboard covering indexes: the period's tickets and FAQ answers read from an index alone

The dashboard reads every ticket opened in its period (first response times, exact
percentiles) and groups every FAQ answer of the period per entry
(``bot.channels.console.dashboard_data``, ``bot.helpdesk.ladder.entry_figures``). These indexes
hold every column those queries read, so neither touches the tables' rows; each replaces the
single-column index it starts with.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TICKETS = ["opened_at", "product", "first_response_at"]
ANSWERS = ["answered_at", "faq_id", "language", "helpful", "ticket_after"]


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_opened_response", TICKETS, unique=False)
        batch_op.drop_index("ix_tickets_opened_at")
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index("ix_faq_answers_answered_entry", ANSWERS, unique=False)
        batch_op.drop_index("ix_faq_answers_answered")


def downgrade() -> None:
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.create_index("ix_faq_answers_answered", ["answered_at"], unique=False)
        batch_op.drop_index("ix_faq_answers_answered_entry")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_opened_at", ["opened_at"], unique=False)
        batch_op.drop_index("ix_tickets_opened_response")
