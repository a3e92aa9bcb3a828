"""Which conversation an inbound mail continues: our signed Message-ID first, then the ticket tag.

The subject tag alone proves nothing (anyone can type ``[NME-1001]``), so it is accepted only
from the conversation's own customer; anything else starts a new conversation. So does a reply
to a conversation whose personal data was erased: what the customer writes now is a new start.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.mail.compose import find_ticket_tag
from bot.mail.message import InboundMail
from bot.mail.message_ids import conversation_id_of, first_signed_reference
from bot.mail.settings import EmailSettings
from bot.storage import repositories as repo
from bot.storage.models import Conversation, Ticket


@dataclass(frozen=True)
class ThreadMatch:
    """The conversation found (locked for this transaction) and how; ``rejected_tag`` for staff."""

    conversation: Conversation | None
    how: str  # "message-id" | "ticket-tag" | "new"
    rejected_tag: str | None = None


def find_conversation(session: Session, mail: InboundMail, settings: EmailSettings) -> ThreadMatch:
    """Signed reference, else the ticket tag from the conversation's customer, else new."""
    signed = first_signed_reference(mail, secret=settings.secret, domain=settings.domain)
    found = conversation_id_of(signed) if signed else None
    if found is not None:
        conversation = repo.lock_conversation(session, found)
        if conversation is not None and conversation.anonymised_at is None:
            return ThreadMatch(conversation, "message-id")
    tag = find_ticket_tag(mail.subject, settings.ticket_prefix)
    if tag is None:
        return ThreadMatch(None, "new")
    ticket = session.scalars(select(Ticket).where(Ticket.number == tag)).first()
    conversation = repo.lock_conversation(session, ticket.conversation_id) if ticket else None
    if conversation is not None and _is_customer(conversation, mail.from_addr):
        return ThreadMatch(conversation, "ticket-tag")
    return ThreadMatch(None, "new", rejected_tag=tag)


def _is_customer(conversation: Conversation, address: str) -> bool:
    customer = conversation.customer
    email = customer.email if customer else None
    return bool(email and address and email.casefold() == address.strip().casefold())
