"""Everything the ticket page shows, read in one transaction (a fixed number of queries).

What the bot collected is checked against the knowledge base here: a version older than the
product's latest, WordPress or PHP below the product's requirements are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import nh3
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.dialogue.markup import ALLOWED_TAGS
from bot.core.knowledge.error_trace import analyse_error
from bot.core.knowledge.models import KnowledgeBase, Product
from bot.core.knowledge.versions import is_older
from bot.storage import repositories as repo
from bot.storage.models import Conversation, Customer, Message, StaffUser, Ticket, TicketNote

MAX_EARLIER = 20
MAX_FACT_CHARS = 600  # the whole text is in the transcript, one click away


@dataclass(frozen=True)
class Fact:
    """One thing the bot collected; ``flag`` names a problem (``outdated``, ``too_old``,
    ``mentioned``: an error was mentioned but its text not given)."""

    key: str
    value: str
    flag: str = ""
    wanted: str = ""  # the latest version, or the required minimum, when flagged
    source: str = ""  # where the bot read it: ``message:3``, ``site_health:3``, ``page``, ...

    @property
    def message(self) -> int | None:
        """The transcript number the fact was read from, if it came from a message."""
        number = self.source.partition(":")[2]
        return int(number) if number.isdigit() else None

    @property
    def origin(self) -> str:
        return self.source.partition(":")[0]


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
    html: Markup | None = None  # a bot message as the customer saw it (sanitised again)


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
    """The slots at ticket time, updated by whatever the conversation learned since; the
    ``sources`` entry says where each came from (states from before that have none)."""
    later = (conversation.state or {}).get("slots") or {}
    merged = dict(ticket.details or {})
    sources = _sources(merged.get("sources"))
    later_sources = _sources(later.get("sources"))
    for key, value in later.items():
        if key != "sources" and value not in (None, "", [], False):
            merged[key] = value
            sources[key] = later_sources.get(key, sources.get(key, ""))
    merged["sources"] = sources
    return merged


def _sources(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str)}


def facts(slots: dict[str, Any], product: Product | None) -> list[Fact]:
    found: list[Fact] = []
    sources = _sources(slots.get("sources"))

    def add(key: str, value: Any, minimum: str | None = None, flag: str = "too_old") -> None:
        if value in (None, "", [], (), False):
            return
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        behind = bool(minimum) and isinstance(value, str) and is_older(value, str(minimum))
        found.append(
            Fact(
                key,
                text[:MAX_FACT_CHARS],
                flag if behind else "",
                str(minimum or "") if behind else "",
                sources.get(key, ""),
            )
        )

    add("product", product.name if product else slots.get("product"))
    add("version", slots.get("version"), product.latest_version if product else None, "outdated")
    add("wp_version", slots.get("wp_version"), product.requires_wp if product else None)
    add("php_version", slots.get("php_version"), product.requires_php if product else None)
    add("third_party", slots.get("third_party"))
    add("theme", slots.get("theme"))
    add("site_health", "✓" if slots.get("site_health") else None)
    add("email", slots.get("email"))
    add("name", slots.get("name"))
    found += error_fact(slots.get("error_text"), sources.get("error_text", ""))
    add("details", slots.get("details"))
    return found


def error_fact(stored: Any, source: str) -> list[Fact]:
    """The error itself, not the message around it: the slot keeps the customer's whole
    message, and a mere mention ("I get an error") is no error text at all."""
    if not isinstance(stored, str) or not stored.strip():
        return []
    analysis = analyse_error(stored)
    if analysis is None:
        return [Fact("error_text", stored[:MAX_FACT_CHARS], source=source)]
    if not analysis.quoted:
        return [Fact("error_text", "", "mentioned", source=source)]
    return [Fact("error_text", analysis.message, source=source)]


def safe_html(html: str | None) -> Markup | None:
    """Stored bot HTML, sanitised again with the renderer's rules before staff see it."""
    if not html:
        return None
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - cleaned by nh3 just above


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
                safe_html(message.html) if message.role != "customer" else None,
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
