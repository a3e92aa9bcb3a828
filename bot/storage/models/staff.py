"""Staff: accounts, their login sessions, the audit log, internal notes and saved replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.clock import utcnow
from bot.storage.models.base import Base
from bot.storage.models.conversations import Ticket

ROLES = ("agent", "admin")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="agent")  # agent | admin
    # "scrypt$<n>$<r>$<p>$<salt>$<hash>": the parameters travel with the hash
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped by "log out everywhere", a password change and disabling: older sessions end
    session_generation: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str | None] = mapped_column(String(8))  # None: the browser's
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"StaffUser(id={self.id!r}, email={self.email!r}, role={self.role!r})"


class StaffSession(Base):
    """One browser login; the cookie holds a random token, the row only its SHA-256."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    staff: Mapped[StaffUser] = relationship()

    def __repr__(self) -> str:
        return f"StaffSession(id={self.id!r}, staff_id={self.staff_id!r})"


class AuditEntry(Base):
    """Who viewed and did what: ticket views and actions, exports and erasures, logins."""

    __tablename__ = "staff_audit"
    __table_args__ = (
        Index("ix_staff_audit_ticket_created", "ticket_id", "created_at"),
        Index("ix_staff_audit_staff_created", "staff_id", "created_at"),
        Index("ix_staff_audit_customer_created", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(Integer)  # None: a failed login, unknown account
    action: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    # whose data was seen or handled; no foreign key: the entry outlives an erased customer
    customer_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"AuditEntry(action={self.action!r}, staff_id={self.staff_id!r})"


class TicketNote(Base):
    """An internal note: staff only, never sent to the customer."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff: Mapped[StaffUser | None] = relationship()

    def __repr__(self) -> str:
        return f"TicketNote(id={self.id!r}, ticket_id={self.ticket_id!r})"


class SavedReply(Base):
    """A canned reply the team wrote, in one language (FAQ answers are offered as well)."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"SavedReply(id={self.id!r}, title={self.title!r})"


# The queue's common shapes ("mine", "unassigned", each sorted by due time) use this index; it is
# declared here so the console's migration and its models stay together.
Index(
    "ix_tickets_status_assignee_due",
    Ticket.__table__.c.status,
    Ticket.__table__.c.assignee_id,
    Ticket.__table__.c.due_at,
)
