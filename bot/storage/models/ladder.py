"""The resolution ladder's summary: per closed day (in a time zone) and per product, language
and channel, the ladder's figures as they stand once every time window has passed
(``bot.helpdesk.ladder_summary``). A day's row in ``ladder_days`` says its summary is current;
database triggers (migration 0009) delete it, and with it the day's summary, whenever a fact of
one of its conversations changes, on every write path."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base


class LadderDay(Base):
    __tablename__ = "ladder_days"
    __table_args__ = (
        UniqueConstraint("zone", "day", name="uq_ladder_days_zone_day"),
        Index("ix_ladder_days_bounds", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime]  # the day's bounds in UTC: a conversation begun in them
    ends_at: Mapped[datetime]
    summed_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"LadderDay(zone={self.zone!r}, day={self.day!r})"


class LadderSummary(Base):
    """A day's conversations of one product, language and channel, per ladder figure
    (``bot.helpdesk.ladder_summary.COLUMNS``)."""

    __tablename__ = "ladder_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(
        ForeignKey("ladder_days.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(100))  # "" for none
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16))
    conversations: Mapped[int] = mapped_column(default=0)  # with a recorded outcome
    not_recorded: Mapped[int] = mapped_column(default=0)
    confirmed: Mapped[int] = mapped_column(default=0)
    assumed: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
    durable: Mapped[int] = mapped_column(default=0)
    reason_person: Mapped[int] = mapped_column(default=0)
    reason_no_answer: Mapped[int] = mapped_column(default=0)
    reason_not_helped: Mapped[int] = mapped_column(default=0)
    reason_bug: Mapped[int] = mapped_column(default=0)
    reason_conflict_test_failed: Mapped[int] = mapped_column(default=0)
    reason_expired_subscription: Mapped[int] = mapped_column(default=0)
    reason_not_understood: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"LadderSummary(day_id={self.day_id!r}, product={self.product!r})"


class LadderEntrySummary(Base):
    """A day's FAQ answers of one entry, language and product (the product of the answer's
    conversation): the dashboard's per-entry figures (``bot.helpdesk.entry_summary``). A day's
    answers are those given in it; its row in ``ladder_days`` goes with any change to them."""

    __tablename__ = "ladder_entry_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(
        ForeignKey("ladder_days.id", ondelete="CASCADE"), index=True
    )
    faq_id: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(8))
    product: Mapped[str] = mapped_column(String(100))  # "" for none
    answered: Mapped[int] = mapped_column(default=0)
    helped: Mapped[int] = mapped_column(default=0)
    not_helped: Mapped[int] = mapped_column(default=0)
    tickets_after: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"LadderEntrySummary(day_id={self.day_id!r}, faq_id={self.faq_id!r})"
