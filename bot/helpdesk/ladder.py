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
REASON = "reason:"
NOT_RECORDED = "not_recorded"  # a figure per hand-off reason: "reason:person"
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


Slot = tuple[date, str, str, str]  # day, product, language, channel ("" for none)


def grouped_figures(
    session: Session,
    days: list[tuple[date, datetime, datetime]],
    conditions: dict[str, ColumnElement[bool]],
    *,
    where: ColumnElement[bool],
    product: str | None = None,
) -> dict[Slot, dict[str, int]]:
    """Per day, product, language and channel, the conversations begun that day (``days``:
    ``day_bounds``) that meet ``where``, and how many meet each condition: per day a range of
    the ``created_at`` index, all days in one UNION ALL; one pass over the rows and no sort of
    them (a GROUP BY over all rows sorts them all). ``"_rows"``: the conversations."""
    names = ["_rows", *conditions]
    sums = [func.count().label("_rows")] + [
        func.sum(case((condition, 1), else_=0)).label(name.replace(":", "_"))
        for name, condition in conditions.items()
    ]
    dims = (Conversation.product, Conversation.language, Conversation.channel)
    found: dict[Slot, dict[str, int]] = {}
    for first in range(0, len(days), DAYS_PER_QUERY):
        chunk = days[first : first + DAYS_PER_QUERY]
        parts = []
        for index, (_day, start, end) in enumerate(chunk):
            part = (
                select(literal(index).label("day"), *dims, *sums)
                .where(Conversation.created_at >= start, Conversation.created_at < end)
                .where(where)
                .group_by(*dims)
            )
            parts.append(part.where(Conversation.product == product) if product else part)
        for row in session.execute(union_all(*parts)):
            slot = (chunk[row[0]][0], *(key or "" for key in row[1 : 1 + len(dims)]))
            counts = (int(count or 0) for count in row[1 + len(dims) :])
            summed = found.setdefault(slot, dict.fromkeys(names, 0))  # type: ignore[arg-type]
            for name, count in zip(names, counts, strict=True):
                summed[name] += count
    return found


def add_slots(
    totals: dict[tuple[str, Any], Counter[str]], slots: dict[Slot, dict[str, int]], sign: int = 1
) -> dict[tuple[str, Any], Counter[str]]:
    """Adds the slots' figures, times ``sign``, to ``totals`` per dimension and key (and the
    total)."""
    for slot, figures in slots.items():
        targets = [
            totals.setdefault(key, Counter())
            for key in (("total", ""), *zip(DIMENSIONS, slot, strict=True))
        ]
        for name, count in figures.items():
            if count:
                for summed in targets:
                    summed[name] += sign * count
    return totals


def fill(report: LadderReport, totals: dict[tuple[str, Any], Counter[str]]) -> LadderReport:
    """The report's ladders from summed figures; a key without a recorded conversation has no
    ladder (``"_rows"`` counts them); ``not_recorded`` counts in the total only."""
    for (dimension, key), summed in totals.items():
        if summed["_rows"] <= 0:
            continue
        by = report.by.get(dimension)
        ladder = report.total if by is None else by.setdefault(key, Ladder())
        ladder.add({name: n for name, n in summed.items() if name not in ("_rows", NOT_RECORDED)})
    report.total.add({NOT_RECORDED: totals.get(("total", ""), Counter())[NOT_RECORDED]})
    return report


def load_ladder_direct(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    window: timedelta,
    zone: ZoneInfo,
    product: str | None = None,
) -> LadderReport:
    """The conversations begun in [since, until), counted from their rows (every row of the
    period: ``bot.helpdesk.ladder_summary`` gives the same figures from per-day summaries)."""
    days = day_bounds(since, until, zone)
    slots = grouped_figures(
        session,
        days,
        figure_conditions(now, window),
        where=Conversation.outcome.is_not(None),
        product=product,
    )
    report = LadderReport(Ladder(), {dimension: {} for dimension in DIMENSIONS})
    totals = add_slots({}, slots)
    totals.setdefault(("total", ""), Counter())[NOT_RECORDED] = not_recorded(
        session, since, until, product
    )
    return fill(report, totals)


def not_recorded_condition() -> ColumnElement[bool]:
    """A conversation in which the customer wrote but no answered turn was recorded (older
    than migration 0007, or mail the bot does not answer): counted in the total only."""
    customer_wrote = exists().where(
        Message.conversation_id == Conversation.id, Message.role == "customer"
    )
    return and_(Conversation.outcome.is_(None), customer_wrote)


def not_recorded(session: Session, since: datetime, until: datetime, product: str | None) -> int:
    query = select(func.count()).where(
        Conversation.created_at >= since, Conversation.created_at < until, not_recorded_condition()
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


def answer_counts() -> list[ColumnElement[Any]]:
    """Per group of FAQ answers: how many, confirmed, "did not help", followed by a ticket."""

    def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    return [
        func.count(),
        count_if(FaqAnswer.helpful.is_(True)),
        count_if(FaqAnswer.helpful.is_(False)),
        count_if(FaqAnswer.ticket_after.is_(True)),
    ]


def entry_figures(
    session: Session,
    since: datetime,
    until: datetime,
    product: str | None = None,
    limit: int = 100,
) -> list[EntryFigures]:
    """Per FAQ entry, worst first: the most tickets and "did not help" per answer."""
    answered, helped, not_helped, tickets = answer_counts()
    badness = (tickets + not_helped) * 1.0 / answered
    query = (
        select(FaqAnswer.faq_id, FaqAnswer.language, answered, helped, not_helped, tickets)
        .where(FaqAnswer.answered_at >= since, FaqAnswer.answered_at < until)
        .group_by(FaqAnswer.faq_id, FaqAnswer.language)
        .order_by(badness.desc(), answered.desc(), FaqAnswer.faq_id, FaqAnswer.language)
        .limit(limit)
    )
    if product:
        query = query.join(Conversation, Conversation.id == FaqAnswer.conversation_id).where(
            Conversation.product == product
        )
    return [EntryFigures(*row) for row in session.execute(query)]


__all__ = [
    "BUCKETS",
    "HANDOFF_REASONS",
    "Ladder",
    "LadderReport",
    "entry_figures",
    "load_ladder_direct",
]
