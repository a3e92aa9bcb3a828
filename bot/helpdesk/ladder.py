"""The resolution ladder: exactly one bucket per conversation, counted in SQL from the facts
``bot.helpdesk.resolutions`` records (definitions in ``docs/console.md``).

Buckets, in the order they are decided: *not recorded* (no outcome: no answered customer
turn since migration 0007), *handed off* (a ticket; or the conversation stayed on an expired
subscription or on the bot's "I don't understand"), *confirmed*, *pending* (the last turn is
younger than the assumed window, so it is not settled yet), *assumed* (an FAQ or policy
answer, then silence), *abandoned* (silence after a question of the bot's). *Durable* is no
bucket: it is the strict part of confirmed + assumed with no reopen and no follow-up
conversation, 7 days on.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from bot.core.resolution import ENDING_REASONS, HANDOFF_REASONS, TICKET_REASONS
from bot.helpdesk.resolutions import FOLLOW_UP_DAYS
from bot.storage.models import Conversation, FaqAnswer, Message

BUCKETS = ("confirmed", "assumed", "handed_off", "abandoned", "pending", "not_recorded")
SETTLED = ("confirmed", "assumed", "handed_off", "abandoned")
DIMENSIONS = ("day", "product", "language", "channel")
REASON = "reason:"  # a figure per hand-off reason: "reason:person"
DAYS_PER_QUERY = 400  # SQLite allows 500 SELECTs in one UNION ALL


@dataclass
class Ladder:
    """The counts of one day, product, language or channel, or of the whole period."""

    buckets: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    durable: int = 0

    def add(self, figures: dict[str, int]) -> None:
        """Counts per figure (``figure_conditions``): the buckets, the reasons, durable."""
        for name, count in figures.items():
            if not count:
                continue
            if name.startswith(REASON):
                self.reasons[name.removeprefix(REASON)] += count
                self.buckets["handed_off"] += count
            elif name == "durable":
                self.durable += count
            else:
                self.buckets[name] += count

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


def figure_conditions(now: datetime, window: timedelta) -> dict[str, ColumnElement[bool]]:
    """Per figure (a bucket, a hand-off reason, durable), the condition a conversation meets;
    the buckets' conditions exclude each other (``docs/console.md`` gives their order)."""
    outcome, at, ticket = Conversation.outcome, Conversation.outcome_at, Conversation.handoff_reason
    settled, no_ticket = at <= now - window, ticket.is_(None)
    conditions: dict[str, ColumnElement[bool]] = {
        "confirmed": and_(no_ticket, outcome == "confirmed"),
        "pending": and_(no_ticket, outcome != "confirmed", at > now - window),
        "assumed": and_(no_ticket, outcome == "answer", settled),
        "abandoned": and_(no_ticket, outcome.in_(("question", "declined")), settled),
        # held for FOLLOW_UP_DAYS: no ticket, no reopen, no new conversation of the same
        # customer about the same product
        "durable": and_(
            no_ticket,
            or_(outcome == "confirmed", and_(outcome == "answer", settled)),
            Conversation.reopened_at.is_(None),
            Conversation.followed_up_at.is_(None),
            at <= now - timedelta(days=FOLLOW_UP_DAYS),
        ),
    }
    for reason in dict.fromkeys(TICKET_REASONS.values()):
        conditions[REASON + reason] = ticket == reason
    for ending, reason in ENDING_REASONS.items():
        conditions[REASON + reason] = and_(no_ticket, outcome == ending, settled)
    return conditions


def day_bounds(
    since: datetime, until: datetime, zone: ZoneInfo
) -> list[tuple[date, datetime, datetime]]:
    """The days of [since, until) in ``zone``, each with its UTC bounds (a summer-time day is
    23 or 25 hours long)."""
    bounds = []
    day = since.astimezone(zone).date()
    while (start := max(since, datetime.combine(day, time.min, zone))) < until:
        end = min(until, datetime.combine(day + timedelta(days=1), time.min, zone))
        bounds.append((day, start, end))
        day += timedelta(days=1)
    return bounds


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
    """The conversations begun in [since, until): per day a range of the ``created_at`` index,
    grouped by product, language and channel, all days in one UNION ALL. One pass over the
    rows and no sort of them (a GROUP BY over all rows sorts them all)."""
    names = list(figure_conditions(now, window))
    sums = [
        func.sum(case((condition, 1), else_=0)).label(name.replace(":", "_"))
        for name, condition in figure_conditions(now, window).items()
    ]
    dims = (Conversation.product, Conversation.language, Conversation.channel)
    days = day_bounds(since, until, zone)
    report = LadderReport(Ladder(), {dimension: {} for dimension in DIMENSIONS})
    totals: dict[tuple[str, Any], list[int]] = {}  # (dimension, key) -> a sum per figure
    for first in range(0, len(days), DAYS_PER_QUERY):
        chunk = days[first : first + DAYS_PER_QUERY]
        parts = []
        for index, (_day, start, end) in enumerate(chunk):
            part = (
                select(literal(index).label("day"), *dims, *sums)
                .where(Conversation.created_at >= start, Conversation.created_at < end)
                .where(Conversation.outcome.is_not(None))
                .group_by(*dims)
            )
            parts.append(part.where(Conversation.product == product) if product else part)
        for row in session.execute(union_all(*parts)):
            counts = row[1 + len(dims) :]
            keys = [chunk[row[0]][0], *(key or "" for key in row[1 : 1 + len(dims)])]
            for slot in (("total", ""), *zip(DIMENSIONS, keys, strict=True)):
                summed = totals.setdefault(slot, [0] * len(names))
                for position, count in enumerate(counts):
                    summed[position] += count or 0
    for (dimension, key), summed in totals.items():
        by = report.by.get(dimension)
        ladder = report.total if by is None else by.setdefault(key, Ladder())
        ladder.add(dict(zip(names, summed, strict=True)))
    report.total.add({"not_recorded": not_recorded(session, since, until, product)})
    return report


def not_recorded(session: Session, since: datetime, until: datetime, product: str | None) -> int:
    """Conversations in which the customer wrote but no answered turn was recorded (older
    than migration 0007, or mail the bot does not answer): counted in the total only."""
    customer_wrote = exists().where(
        Message.conversation_id == Conversation.id, Message.role == "customer"
    )
    query = select(func.count()).where(
        Conversation.created_at >= since,
        Conversation.created_at < until,
        Conversation.outcome.is_(None),
        customer_wrote,
    )
    if product:
        query = query.where(Conversation.product == product)
    return int(session.execute(query).scalar_one())


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
