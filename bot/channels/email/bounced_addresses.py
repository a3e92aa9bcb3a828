"""Addresses that bounced: marked on the customer, no more mail to them until they write again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.storage import repositories as repo
from bot.storage.models import Customer, OutboundEmail

# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
_MAILED = select(OutboundEmail.id).where(OutboundEmail.recipient == bindparam("address")).limit(1)


def is_bounced(session: Session, address: str) -> bool:
    customer = repo.customer_by_email(session, address)
    return customer is not None and customer.email_bounced_at is not None


def mark_bounced(
    session: Session, address: str, reason: str, now: datetime, conversation_id: int | None
) -> Customer:
    """Mark ``address`` dead and hold back every mail still waiting for it."""
    customer = repo.get_or_create_customer(session, address)
    customer.email_bounced_at, customer.bounce_reason = now, reason[:500]
    session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.recipient == address.lower(), OutboundEmail.status == "pending")
        .values(status="suppressed", last_error="not sent: the address bounced", lease_until=None)
    )
    repo.add_event(
        session, conversation_id, "email_address_bounced", {"address": address, "reason": reason}
    )
    return customer


def clear_bounce(session: Session, customer: Customer, conversation_id: int | None) -> None:
    """The customer wrote again from this address, so it receives mail again."""
    if customer.email_bounced_at is None:
        return
    repo.add_event(
        session,
        conversation_id,
        "email_bounce_cleared",
        {"address": customer.email, "bounced_at": customer.email_bounced_at.isoformat()},
    )
    customer.email_bounced_at, customer.bounce_reason = None, None


def mailed_before(session: Session, address: str) -> bool:
    """Whether we ever queued mail to ``address`` (a bounce for anyone else is not ours)."""
    return repo.read_value(session, _MAILED, {"address": address.lower()}) is not None
