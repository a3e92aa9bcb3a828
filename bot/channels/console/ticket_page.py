"""Everything the ticket page shows, read in one transaction (a fixed number of queries).

What the bot collected is checked against the knowledge base here: a version older than the
product's latest, WordPress or PHP below the product's requirements are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.knowledge.models import KnowledgeBase, Product
from bot.core.knowledge.versions import is_older
from bot.storage import repositories as repo
from bot.storage.models import Conversation, Customer, Message, StaffUser, Ticket, TicketNote

MAX_EARLIER = 20


@dataclass(frozen=True)
class Fact:
    """One thing the bot collected; ``flag`` names a problem (``outdated``, ``too_old``)."""

    key: str
    value: str
    flag: str = ""
    wanted: str = ""  # the latest version, or the required minimum, when flagged


@dataclass(frozen=True)
class Line:
    """One message of the transcript as staff see it."""

    seq: int
    role: str
    text: str
    created_at: Any
    staff_id: int | None = None
    staff_name: str = ""
    email: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EarlierTicket:
    number: str
    summary: str
    status: str
    opened_at: Any


@dataclass(frozen=True)
class NoteLine:
    text: str
    staff_name: str
    created_at: Any


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    conversation: Conversation
    customer: Customer | None
    email: str | None
    product: Product | None
    facts: list[Fact]
    lines: list[Line]
    notes: list[NoteLine]
    earlier: list[EarlierTicket]
    staff: list[tuple[int, str]]  # active colleagues, for "assign to"
    assignee_name: str | None

    @property
    def last_seq(self) -> int:
        return self.conversation.message_count


def load_ticket_page(session: Session, kb: KnowledgeBase, number: str) -> TicketPage | None:
    ticket = session.scalars(select(Ticket).where(Ticket.number == number[:40])).first()
    if ticket is None:
        return None
    conversation = ticket.conversation
    customer = conversation.customer
    slots = collected(ticket, conversation)
    product = kb.product(slots.get("product") or ticket.product)
    staff = [
        (user.id, user.name)
        for user in session.scalars(select(StaffUser).order_by(StaffUser.name))
        if user.active or user.id == ticket.assignee_id
    ]
    names = dict(staff)
    email = (customer.email if customer else None) or slots.get("email") or None
    return TicketPage(
        ticket=ticket,
        conversation=conversation,
        customer=customer,
        email=email,
        product=product,
        facts=facts(slots, product),
        lines=transcript(session, conversation.id, names),
        notes=notes(session, ticket.id, names),
        earlier=earlier_tickets(session, ticket, conversation.customer_id),
        staff=[(uid, name) for uid, name in staff],
        assignee_name=names.get(ticket.assignee_id) if ticket.assignee_id else None,
    )


def collected(ticket: Ticket, conversation: Conversation) -> dict[str, Any]:
    """The slots at ticket time, updated by whatever the conversation learned since."""
    later = (conversation.state or {}).get("slots") or {}
    merged = dict(ticket.details or {})
    merged.update({k: v for k, v in later.items() if v not in (None, "", [], False)})
    return merged


def facts(slots: dict[str, Any], product: Product | None) -> list[Fact]:
    found: list[Fact] = []

    def add(key: str, value: Any, minimum: str | None = None, flag: str = "too_old") -> None:
        if value in (None, "", [], (), False):
            return
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        behind = bool(minimum) and isinstance(value, str) and is_older(value, str(minimum))
        found.append(Fact(key, text, flag if behind else "", str(minimum or "") if behind else ""))

    add("product", product.name if product else slots.get("product"))
    add("version", slots.get("version"), product.latest_version if product else None, "outdated")
    add("wp_version", slots.get("wp_version"), product.requires_wp if product else None)
    add("php_version", slots.get("php_version"), product.requires_php if product else None)
    add("third_party", slots.get("third_party"))
    add("theme", slots.get("theme"))
    add("site_health", "✓" if slots.get("site_health") else None)
    add("email", slots.get("email"))
    add("name", slots.get("name"))
    add("error_text", slots.get("error_text"))
    add("details", slots.get("details"))
    return found


def transcript(session: Session, conversation_id: int, names: dict[int, str]) -> list[Line]:
    return lines_of(repo.messages(session, conversation_id, limit=100_000), names)


def lines_of(messages: Sequence[Message], names: dict[int, str]) -> list[Line]:
    result = []
    for message in messages:
        payload = message.payload or {}
        staff_name = ""
        if message.role == "staff":
            staff_name = names.get(message.staff_id or -1) or str(payload.get("staff_name", ""))
        email = payload.get("email") if isinstance(payload.get("email"), dict) else {}
        result.append(
            Line(
                message.seq,
                message.role,
                message.text,
                message.created_at,
                message.staff_id,
                staff_name,
                email or {},
            )  # fmt: skip
        )
    return result


def notes(session: Session, ticket_id: int, names: dict[int, str]) -> list[NoteLine]:
    query = select(TicketNote).where(TicketNote.ticket_id == ticket_id).order_by(TicketNote.id)
    return [
        NoteLine(note.text, names.get(note.staff_id or -1, "?"), note.created_at)
        for note in session.scalars(query)
    ]


def earlier_tickets(
    session: Session, ticket: Ticket, customer_id: int | None
) -> list[EarlierTicket]:
    """The customer's other tickets, newest first (matched by their customer record)."""
    if customer_id is None:
        return []
    query = (
        select(Ticket.number, Ticket.summary, Ticket.status, Ticket.opened_at)
        .join(Conversation, Conversation.id == Ticket.conversation_id)
        .where(Conversation.customer_id == customer_id, Ticket.id != ticket.id)
        .order_by(Ticket.opened_at.desc())
        .limit(MAX_EARLIER)
    )
    return [EarlierTicket(row[0] or "", row[1], row[2], row[3]) for row in session.execute(query)]
