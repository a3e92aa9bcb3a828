"""Learning from misses: the questions the bot missed, grouped for review, and the phrasings
staff taught FAQ entries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import utcnow
from bot.storage.models.base import Base

GROUP_STATUSES = ("open", "taught", "proposed", "ignored")


class MissedGroup(Base):
    """Missed questions alike enough to review as one; the customers' words stay in the
    members (``MissedQuestion``), so erasure removes them. ``text`` is what staff chose:
    the phrasing taught, or the question of the proposed new entry."""

    __tablename__ = "missed_groups"
    __table_args__ = (
        Index("ix_missed_groups_status_size", "status", "size", "last_seen"),
        Index("ix_missed_groups_status_language_seen", "status", "language", "last_seen"),
        Index("ix_missed_groups_status_decided", "status", "decided_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    product: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="open")
    size: Mapped[int] = mapped_column(Integer, default=0)
    # how many of its questions were missed for each reason (bot.core.learning.misses)
    no_match: Mapped[int] = mapped_column(Integer, default=0)
    declined: Mapped[int] = mapped_column(Integer, default=0)
    not_helped: Mapped[int] = mapped_column(Integer, default=0)
    not_understood: Mapped[int] = mapped_column(Integer, default=0)
    # its first question still stored: a new miss is compared with it
    seed_id: Mapped[int | None] = mapped_column(Integer)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    entry_ref: Mapped[str | None] = mapped_column(String(200))  # taught to (lang/id)
    text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"MissedGroup(id={self.id!r}, status={self.status!r}, size={self.size!r})"


class MissedQuestion(Base):
    """One customer message the bot missed: no FAQ match, suggestions declined, "that did not
    help" (the question it was about), or not understood."""

    __tablename__ = "missed_questions"
    __table_args__ = (
        Index("ix_missed_questions_group", "group_id", "id"),
        Index("ix_missed_questions_group_reason", "group_id", "reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("missed_groups.id", ondelete="CASCADE"))
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(16))  # bot.core.learning.misses.MISS_REASONS
    text: Mapped[str] = mapped_column(Text)
    similarity_key: Mapped[str] = mapped_column(String(300))
    entry_ref: Mapped[str | None] = mapped_column(String(200))  # did not help / was offered
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"MissedQuestion(id={self.id!r}, group={self.group_id!r}, reason={self.reason!r})"


class LearnedPhrasing(Base):
    """A customer's phrasing staff attached to an FAQ entry; the index uses it next to the
    entry's own alternatives on every worker (``bot.helpdesk.learning.phrasings``)."""

    __tablename__ = "learned_phrasings"
    __table_args__ = (Index("ix_learned_phrasings_entry", "entry_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_ref: Mapped[str] = mapped_column(String(200))  # lang/id
    text: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # removed by a colleague: kept (never deleted) so the workers' generation only grows
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"LearnedPhrasing(id={self.id!r}, entry_ref={self.entry_ref!r})"
