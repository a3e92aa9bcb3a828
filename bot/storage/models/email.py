"""Mail in and out: the durable inbox, the outbox, and IMAP read positions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import utcnow
from bot.storage.models.base import Base


class InboundEmail(Base):
    """A received message, stored with its raw bytes before it is answered or processed."""

    __tablename__ = "inbound_emails"
    __table_args__ = (Index("ix_inbound_emails_status_lease", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(16))  # smtp | imap | cli
    envelope_sender: Mapped[str | None] = mapped_column(String(500))  # "" = null sender <>
    envelope_recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    from_addr: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="received")  # received|processed|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(24))  # replied | suppressed | bounce ...
    reason: Mapped[str | None] = mapped_column(String(60))  # e.g. auto_submitted, rate_limited
    detail: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"InboundEmail(id={self.id!r}, status={self.status!r}, outcome={self.outcome!r})"


class OutboundEmail(Base):
    """An outgoing message: a row with the rendered bytes first, sent by the outbox worker."""

    __tablename__ = "outbound_emails"
    __table_args__ = (
        Index("ix_outbound_emails_status_due", "status", "next_attempt_at"),
        Index("ix_outbound_emails_recipient_created", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    inbound_email_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_emails.id", ondelete="SET NULL"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # bot | staff
    recipient: Mapped[str] = mapped_column(String(320))
    envelope_from: Mapped[str] = mapped_column(String(320))
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    subject: Mapped[str] = mapped_column(String(500))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # pending | sent | failed | suppressed | printed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"OutboundEmail(id={self.id!r}, status={self.status!r}, to={self.recipient!r})"


class MailboxCursor(Base):
    """How far `email poll` has read one IMAP folder (UIDVALIDITY and the highest UID taken)."""

    __tablename__ = "mailbox_cursors"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(500), unique=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"MailboxCursor(mailbox={self.mailbox!r}, last_uid={self.last_uid!r})"
