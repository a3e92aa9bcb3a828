"""The resolution ladder: exactly one bucket per conversation, counted in SQL from the facts
``bot.helpdesk.resolutions`` records (definitions in ``docs/console.md``).

Buckets, in the order they are decided: *not recorded* (no outcome: from before migration
0007), *handed off* (a ticket; or the conversation stayed on an expired subscription or on the
bot's "I don't understand"), *confirmed*, *pending* (the last turn is younger than the assumed
window, so it is not settled yet), *assumed* (an FAQ or policy answer, then silence),
*abandoned* (silence after a question of the bot's). *Durable* is no bucket: it is the strict
part of confirmed + assumed with no reopen and no follow-up conversation, 7 days on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from bot.core.resolution import HANDOFF_REASONS
from bot.helpdesk.resolutions import FOLLOW_UP_DAYS
from bot.storage.models import Conversation, FaqAnswer, Message

BUCKETS = ("confirmed", "assumed", "handed_off", "abandoned", "pending", "not_recorded")
SETTLED = ("confirmed", "assumed", "handed_off", "abandoned")
DIMENSIONS = ("day", "product", "language", "channel")


@dataclass
class Ladder:
    """The counts of one day, product, language or channel, or of the whole period."""

    buckets: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    durable: int = 0

    def add(self, bucket: str, reason: str | None, durable: bool, count: int) -> None:
        self.buckets[bucket] += count
        if reason:
            self.reasons[reason] += count
        self.durable += count if durable else 0

    @property
    def conversations(self) -> int:
        return sum(self.buckets.values())

    @property
    def settled(self) -> int:
        return sum(self.buckets[bucket] for bucket in SETTLED)

    def share(self, bucket: str) -> float | None:
        return self.buckets[bucket] / self.settled if self.settled else None

    @property
    def durable_rate(self) -> float | None:
        """Durable conversations among the settled ones: the honest "deflection"."""
        return self.durable / self.settled if self.settled else None


@dataclass
class LadderReport:
    total: Ladder
    by: dict[str, dict[Any, Ladder]]  # dimension -> key -> counts

    def rows(self) -> list[tuple[str, str, Ladder]]:
        """(dimension, key, counts): the total first, then each dimension in key order."""
        found = [("total", "", self.total)]
        for dimension in DIMENSIONS:
            for key, ladder in sorted(self.by[dimension].items(), key=lambda kv: str(kv[0])):
                found.append((dimension, str(key), ladder))
        return found


def bucket_of(now: datetime, window: timedelta) -> ColumnElement[str]:
    cutoff = now - window
    return case(
        (Conversation.outcome.is_(None), "not_recorded"),
        (Conversation.handoff_reason.is_not(None), "handed_off"),
        (Conversation.outcome == "confirmed", "confirmed"),
        (Conversation.outcome_at > cutoff, "pending"),
        (Conversation.outcome == "answer", "assumed"),
        (Conversation.outcome.in_(("expired", "not_understood")), "handed_off"),
        else_="abandoned",
    )


def reason_of(now: datetime, window: timedelta) -> ColumnElement[str | None]:
    settled = Conversation.outcome_at <= now - window
    return case(
        (Conversation.handoff_reason.is_not(None), Conversation.handoff_reason),
        (and_(settled, Conversation.outcome == "expired"), "expired_subscription"),
        (and_(settled, Conversation.outcome == "not_understood"), "not_understood"),
        else_=None,
    )


def durable_of(now: datetime, window: timedelta) -> ColumnElement[int]:
    """1 for a confirmed or assumed conversation that held for FOLLOW_UP_DAYS: no ticket, no
    reopen, no new conversation of the same customer about the same product."""
    held = now - timedelta(days=FOLLOW_UP_DAYS)
    answered = or_(
        Conversation.outcome == "confirmed",
        and_(Conversation.outcome == "answer", Conversation.outcome_at <= now - window),
    )
    return case(
        (
            and_(
                answered,
                Conversation.handoff_reason.is_(None),
                Conversation.reopened_at.is_(None),
                Conversation.followed_up_at.is_(None),
                Conversation.outcome_at <= held,
            ),
            1,
        ),
        else_=0,
    )


def local_day(session: Session, since: datetime, until: datetime, zone: ZoneInfo) -> Any:
    """The conversation's first day in ``zone``, in SQL. PostgreSQL converts itself; SQLite
    stores naive UTC, so the zone's offsets in the period become a CASE on the UTC time."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(zone.key, Conversation.created_at))
    whens = []
    moment = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(zone).utcoffset()
    while moment < until:
        moment += timedelta(hours=1)
        changed = moment.astimezone(zone).utcoffset()
        if changed != offset:
            whens.append((Conversation.created_at < moment, _sqlite_day(offset)))
            offset = changed
    last = _sqlite_day(offset)
    return case(*whens, else_=last) if whens else last


def _sqlite_day(offset: timedelta | None) -> Any:
    seconds = int(offset.total_seconds()) if offset else 0
    return func.date(Conversation.created_at, literal(f"{seconds:+d} seconds"))


def load_ladder(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    window: timedelta,
    zone: ZoneInfo,
    product: str | None = None,
) -> LadderReport:
    """One grouped query for the conversations begun in [since, until)."""
    customer_wrote = exists().where(
        Message.conversation_id == Conversation.id, Message.role == "customer"
    )
    day = local_day(session, since, until, zone).label("day")
    bucket = bucket_of(now, window).label("bucket")
    reason = reason_of(now, window).label("reason")
    durable = durable_of(now, window).label("durable")
    dims = (day, Conversation.product, Conversation.language, Conversation.channel)
    query = (
        select(*dims, bucket, reason, durable, func.count())
        .where(Conversation.created_at >= since, Conversation.created_at < until)
        .where(or_(Conversation.outcome.is_not(None), customer_wrote))
        .group_by(*dims, bucket, reason, durable)
    )
    if product:
        query = query.where(Conversation.product == product)
    report = LadderReport(Ladder(), {dimension: {} for dimension in DIMENSIONS})
    for (
        day_value,
        product_value,
        language,
        channel,
        bucket_value,
        reason_value,
        held,
        n,
    ) in session.execute(query):
        keys = (_as_date(day_value), product_value or "", language, channel)
        for dimension, key in zip(DIMENSIONS, keys, strict=True):
            report.by[dimension].setdefault(key, Ladder()).add(
                bucket_value, reason_value, bool(held), n
            )
        report.total.add(bucket_value, reason_value, bool(held), n)
    return report


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class EntryFigures:
    """One FAQ entry's answers in the period, with the customers' feedback."""

    faq_id: str
    language: str
    answered: int
    helped: int
    not_helped: int
    tickets_after: int

    @property
    def confirmation_rate(self) -> float:
        return self.helped / self.answered

    @property
    def ticket_rate(self) -> float:
        return self.tickets_after / self.answered


def entry_figures(
    session: Session,
    since: datetime,
    until: datetime,
    product: str | None = None,
    limit: int = 100,
) -> list[EntryFigures]:
    """Per FAQ entry, worst first: the most tickets and "did not help" per answer."""

    def count_if(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    answered = func.count()
    helped = count_if(FaqAnswer.helpful.is_(True))
    not_helped = count_if(FaqAnswer.helpful.is_(False))
    tickets = count_if(FaqAnswer.ticket_after.is_(True))
    badness = (tickets + not_helped) * 1.0 / answered
    query = (
        select(FaqAnswer.faq_id, FaqAnswer.language, answered, helped, not_helped, tickets)
        .where(FaqAnswer.answered_at >= since, FaqAnswer.answered_at < until)
        .group_by(FaqAnswer.faq_id, FaqAnswer.language)
        .order_by(badness.desc(), answered.desc(), FaqAnswer.faq_id)
        .limit(limit)
    )
    if product:
        query = query.join(Conversation, Conversation.id == FaqAnswer.conversation_id).where(
            Conversation.product == product
        )
    return [EntryFigures(*row) for row in session.execute(query)]


__all__ = ["BUCKETS", "HANDOFF_REASONS", "Ladder", "LadderReport", "entry_figures", "load_ladder"]
