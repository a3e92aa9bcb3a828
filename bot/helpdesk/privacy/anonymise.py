"""What erasure and retention do to one conversation: its personal data goes, its counts stay.

The dashboard counts conversations in which the customer wrote, the FAQ answers among them, the
tickets and their first-response times (``bot/channels/console/dashboard_data.py``). So rows
stay, emptied: a message keeps its role, route and time but not its text; an event keeps its
kind and the anonymous keys below; a ticket keeps its timings. Mail rows, notes and licence
links go entirely. The caller holds the conversation's row lock and commits.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from bot.core.dialogue.state import ConversationState, Slots
from bot.helpdesk.learning.misses import forget_misses
from bot.storage.models import (
    Conversation,
    EventRecord,
    InboundEmail,
    Message,
    OutboundEmail,
    Ticket,
    TicketNote,
)
from bot.storage.models.subscriptions import ConversationSubscription

# Event data keys whose values are ours or plain facts (ids, scores, outcomes, products,
# versions), never the customer's words or addresses. Anything else is dropped: a new key is
# personal until someone adds it here. A value must also look like one of ours (a number, or a
# single short token without "@"): a key such as "reason" also carries a remote server's bounce
# text, which names the address.
ANONYMOUS_EVENT_KEYS = frozenset(
    {
        "faq_id", "score", "helpful", "reason", "due_at", "outcome", "culprit", "product",
        "component", "have", "need", "language", "by", "expired_on", "before", "permanent",
        "status", "action", "suppressed", "reopened", "subscription_id",
    }
)  # fmt: skip


@dataclass
class Removed:
    """How many rows anonymisation emptied or deleted (for reports and the audit log)."""

    conversations: int = 0
    messages: int = 0
    notes: int = 0
    mails_received: int = 0
    mails_sent: int = 0

    def add(self, other: Removed) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


_TOKEN = re.compile(r"[A-Za-z0-9_.:+-]{1,64}")


def anonymous_event_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        return {}
    return {
        key: value
        for key, value in data.items()
        if key in ANONYMOUS_EVENT_KEYS and _anonymous_value(value)
    }


def _anonymous_value(value: Any) -> bool:
    if isinstance(value, bool | int | float) or value is None:
        return True
    return isinstance(value, str) and _TOKEN.fullmatch(value) is not None


def revoked_token_hash() -> str:
    """A hash no token has: the old token opens nothing, and nobody holds a new one."""
    return hashlib.sha256(b"revoked:" + secrets.token_bytes(32)).hexdigest()


def anonymise_conversation(session: Session, conversation: Conversation, now: datetime) -> Removed:
    """Remove the personal data of ``conversation`` (locked by the caller); idempotent."""
    removed = Removed(conversations=1)
    conversation.token_hash = revoked_token_hash()
    conversation.customer = None
    conversation.subject = None
    conversation.status = "closed"
    state = ConversationState(
        language=conversation.language,
        channel=_channel(conversation.channel),
        status="closed",
        slots=Slots(product=conversation.product),
    )
    conversation.state = state.to_dict()
    conversation.anonymised_at = now
    removed.messages = _empty_messages(session, Message.conversation_id == conversation.id)
    for event in session.scalars(
        select(EventRecord).where(EventRecord.conversation_id == conversation.id)
    ):
        event.data = anonymous_event_data(event.data)
    forget_misses(session, conversation.id)
    ticket = session.scalars(
        select(Ticket).where(Ticket.conversation_id == conversation.id)
    ).first()
    if ticket is not None:
        ticket.summary, ticket.details = "", {}
        if ticket.status != "resolved":  # nobody is left to answer
            ticket.status, ticket.resolved_at = "resolved", now
        removed.notes = _count(
            session.execute(delete(TicketNote).where(TicketNote.ticket_id == ticket.id))
        )
    session.execute(
        delete(ConversationSubscription).where(
            ConversationSubscription.conversation_id == conversation.id
        )
    )
    removed.mails_sent = _count(
        session.execute(
            delete(OutboundEmail).where(OutboundEmail.conversation_id == conversation.id)
        )
    )
    removed.mails_received = _count(
        session.execute(delete(InboundEmail).where(InboundEmail.conversation_id == conversation.id))
    )
    return removed


def empty_messages_with_refs(session: Session, refs: list[str]) -> int:
    """Messages elsewhere that came from mail of the customer (by Message-ID or content hash)."""
    if not refs:
        return 0
    return _empty_messages(session, Message.channel_ref.in_(refs))


def _empty_messages(session: Session, where: ColumnElement[bool]) -> int:
    result = session.execute(
        update(Message)
        .where(where)
        .values(text="", html=None, payload={}, channel_ref=None)
        .execution_options(synchronize_session=False)
    )
    return _count(result)


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _channel(value: str) -> Any:
    return value if value in ("widget", "email", "api", "cli") else "widget"
