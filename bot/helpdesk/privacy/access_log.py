"""Who saw a customer's data: the audit entries on their tickets, exports and erasures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.helpdesk.privacy.identity import CustomerRecords
from bot.storage.models import AuditEntry, StaffUser, Ticket

MAX_ENTRIES = 500


@dataclass(frozen=True)
class Access:
    at: datetime
    staff_name: str | None  # None: not a staff account (the command line, the system)
    action: str
    ticket: str | None
    ip: str | None
    via: str | None


def accesses(session: Session, records: CustomerRecords) -> list[Access]:
    """Newest first: ticket views and actions, exports, erasures concerning ``records``."""
    tickets = select(Ticket.id).where(Ticket.conversation_id.in_(records.conversation_ids))
    rows = session.execute(
        select(AuditEntry, StaffUser.name, Ticket.number)
        .outerjoin(StaffUser, StaffUser.id == AuditEntry.staff_id)
        .outerjoin(Ticket, Ticket.id == AuditEntry.ticket_id)
        .where(
            or_(
                AuditEntry.customer_id.in_(records.customer_ids),
                AuditEntry.ticket_id.in_(tickets),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(MAX_ENTRIES)
    )
    return [
        Access(
            entry.created_at,
            name,
            entry.action,
            number,
            entry.ip,
            str((entry.detail or {}).get("via") or "") or None,
        )
        for entry, name, number in rows
    ]
