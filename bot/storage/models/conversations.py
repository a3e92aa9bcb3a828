"""Customers, conversations, messages, tickets and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.clock import utcnow
from bot.storage.models.base import Base


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    email_bounced_at: Mapped[datetime | None]
    bounce_reason: Mapped[str | None] = mapped_column(String(500))

    def __repr__(self) -> str:
        return f"Customer(id={self.id!r}, email={self.email!r})"


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        # the ladder reads a period's rows from this index alone (bot.helpdesk.ladder)
        Index(
            "ix_conversations_ladder", "created_at", "outcome", "outcome_at", "handoff_reason",
            "reopened_at", "followed_up_at", "product", "language", "channel",
        ),
        Index("ix_conversations_outcome_created", "outcome", "created_at"),
        # the conversations whose outcome is younger than the ladder's windows
        # (bot.helpdesk.ladder_summary)
        Index("ix_conversations_outcome_at", "outcome_at", "created_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(24), default="bot", index=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    product: Mapped[str | None] = mapped_column(String(100), index=True)
    subject: Mapped[str | None] = mapped_column(String(300))
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # set when its personal data was removed (erasure or retention); an anonymous record remains
    anonymised_at: Mapped[datetime | None]
    # The resolution ladder's facts (bot.core.resolution), recorded per customer turn since
    # migration 0007; NULL outcome: no customer turn since then (older conversations).
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_at: Mapped[datetime | None]  # the turn that set the outcome
    handoff_reason: Mapped[str | None] = mapped_column(String(24))  # its first ticket's
    reopened_at: Mapped[datetime | None]  # the customer came back after confirming
    followed_up_at: Mapped[datetime | None]  # same customer, same product, new conversation

    customer: Mapped[Customer | None] = relationship()
    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.seq", cascade="all, delete-orphan"
    )
    ticket: Mapped[Ticket | None] = relationship(back_populates="conversation", uselist=False)

    def __repr__(self) -> str:
        return f"Conversation(id={self.id!r}, public_id={self.public_id!r}, status={self.status!r})"


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # customer | bot | staff | system
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    route: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    channel_ref: Mapped[str | None] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    def __repr__(self) -> str:
        where = f"conversation={self.conversation_id!r}, seq={self.seq!r}"
        return f"Message({where}, role={self.role!r})"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_due", "status", "due_at"),
        # the dashboard's first response times read from this index alone
        Index("ix_tickets_opened_response", "opened_at", "product", "first_response_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(24), default="open")  # open|waiting|resolved
    reason: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(String(300))
    product: Mapped[str | None] = mapped_column(String(100), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee_id: Mapped[int | None] = mapped_column(Integer, index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="ticket")

    def __repr__(self) -> str:
        return f"Ticket(number={self.number!r}, status={self.status!r})"


class EventRecord(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"EventRecord(kind={self.kind!r}, conversation_id={self.conversation_id!r})"


class FaqAnswer(Base):
    """One FAQ answer the bot gave, with the customer's "Did this help?" and whether a ticket
    followed in the same conversation: the per-entry figures of the dashboard."""

    __tablename__ = "faq_answers"
    # the dashboard's per-entry figures read from this index alone
    __table_args__ = (
        Index(
            "ix_faq_answers_answered_entry",
            "answered_at", "faq_id", "language", "helpful", "ticket_after",
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    faq_id: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime]
    helpful: Mapped[bool | None] = mapped_column(Boolean)  # None: the customer did not say
    ticket_after: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"FaqAnswer(faq_id={self.faq_id!r}, helpful={self.helpful!r})"
