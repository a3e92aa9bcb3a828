"""The dashboard's ticket rows and missed questions for a period of days (the conversations
are the resolution ladder's, ``bot.helpdesk.ladder``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from bot.channels.console.metrics import (
    MissedQuestion,
    Report,
    TicketWaits,
    rank_missed,
    report_from_waits,
)
from bot.helpdesk.ladder import DAYS_PER_QUERY, day_bounds
from bot.storage.models import Conversation, EventRecord, Ticket

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    zone: ZoneInfo

    @classmethod
    def last_days(cls, days: int, now: datetime, zone: ZoneInfo) -> Period:
        days = min(max(days, 1), MAX_DAYS)
        today = now.astimezone(zone).date()
        return cls(today - timedelta(days=days - 1), today, zone)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, self.zone)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, self.zone)


def waited_microseconds(dialect: str) -> ColumnElement[int]:
    """Whole microseconds from a ticket's opening to its first response, exact, in SQL.
    SQLite stores ``YYYY-MM-DD HH:MM:SS.ffffff`` text and rounds the seconds it parses to
    milliseconds: the whole seconds are read without the fraction, the fraction as digits."""
    first, opened = Ticket.first_response_at, Ticket.opened_at
    if dialect == "postgresql":
        epoch = func.extract("epoch", first - opened) * 1_000_000
        return cast(epoch, BigInteger)

    def micros(moment: Any) -> ColumnElement[int]:
        text = type_coerce(moment, String)
        seconds = cast(func.strftime("%s", func.substr(text, 1, 19)), Integer) * 1_000_000
        return seconds + cast(func.substr(text + "000000", 21, 6), Integer)

    return micros(first) - micros(opened)


def ticket_waits(
    session: Session, period: Period, product: str | None, *, now: datetime, target_hours: int
) -> list[TicketWaits]:
    """The period's tickets per day and product: how many, the unanswered ones over the
    target, and the microseconds to each first response, listed by the database (one row per
    day and product: no Python object per ticket). Per day a range of the
    ``ix_tickets_opened_response`` index, whose columns are all that is read; all days in one
    UNION ALL (PostgreSQL: one range, the day from its own time zone data)."""
    dialect = session.get_bind().dialect.name
    waited = cast(waited_microseconds(dialect), String)
    listed = (
        func.string_agg(waited, literal(",", String))
        if dialect == "postgresql"
        else func.group_concat(waited, ",")
    )
    unanswered = Ticket.first_response_at.is_(None)
    late = func.sum(
        case((and_(unanswered, Ticket.opened_at < now - timedelta(hours=target_hours)), 1), else_=0)
    )
    counts = (Ticket.product, func.count(), late, listed)
    if dialect == "postgresql":  # the day in the staff's zone from the database's time zones
        day = cast(func.timezone(period.zone.key, Ticket.opened_at), Date)
        query = (
            select(day, *counts)
            .where(Ticket.opened_at >= period.since, Ticket.opened_at < period.until)
            .group_by(day, Ticket.product)
        )
        if product:
            query = query.where(Ticket.product == product)
        return [_waits(*row) for row in session.execute(query)]
    days = day_bounds(period.since, period.until, period.zone)
    found: list[TicketWaits] = []
    for first in range(0, len(days), DAYS_PER_QUERY):
        chunk = days[first : first + DAYS_PER_QUERY]
        parts = []
        for index, (_day, start, end) in enumerate(chunk):
            part = (
                select(literal(index), *counts)
                .where(Ticket.opened_at >= start, Ticket.opened_at < end)
                .group_by(Ticket.product)
            )
            parts.append(part.where(Ticket.product == product) if product else part)
        for index, *rest in session.execute(union_all(*parts)):
            found.append(_waits(chunk[index][0], *rest))
    return found


def _waits(
    day: date, product: str | None, count: int, unanswered_late: int, micros: str | None
) -> TicketWaits:
    waits = [int(n) for n in micros.split(",")] if micros else []
    return TicketWaits(day, product, int(count), int(unanswered_late), waits)


def missed(
    session: Session, period: Period, product: str | None, limit: int = 50
) -> list[MissedQuestion]:
    """The period's FAQ misses counted per exact text in SQL (one row per distinct question,
    the JSON read by the database), then grouped by their folded text."""
    text = EventRecord.data["query"].as_string()
    language = EventRecord.data["language"].as_string()
    query = (
        select(text, language, func.count(), func.max(EventRecord.created_at))
        .where(
            EventRecord.kind == "faq_missed",
            EventRecord.created_at >= period.since,
            EventRecord.created_at < period.until,
        )
        .group_by(text, language)
        .order_by(func.min(EventRecord.id))
    )
    if product:
        query = query.join(Conversation, Conversation.id == EventRecord.conversation_id).where(
            Conversation.product == product
        )
    groups = [
        (str(asked or ""), str(lang or ""), int(count), last)
        for asked, lang, count, last in session.execute(query)
    ]
    return rank_missed(groups, limit)


def load_report(
    session: Session,
    period: Period,
    product: str | None,
    *,
    now: datetime,
    target_hours: int,
) -> Report:
    waits = ticket_waits(session, period, product, now=now, target_hours=target_hours)
    return report_from_waits(waits, start=period.start, end=period.end, target_hours=target_hours)
