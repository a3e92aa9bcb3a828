"""The dashboard's ticket rows and missed questions for a period of days (the conversations
are the resolution ladder's, ``bot.helpdesk.ladder``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console.metrics import (
    MissedQuestion,
    Report,
    TicketFact,
    build_report,
    missed_questions,
)
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


def ticket_facts(session: Session, period: Period, product: str | None) -> list[TicketFact]:
    query = select(Ticket.opened_at, Ticket.product, Ticket.first_response_at).where(
        Ticket.opened_at >= period.since, Ticket.opened_at < period.until
    )
    if product:
        query = query.where(Ticket.product == product)
    return [TicketFact(*row) for row in session.execute(query)]


def missed(
    session: Session, period: Period, product: str | None, limit: int = 50
) -> list[MissedQuestion]:
    query = select(EventRecord.data, EventRecord.created_at).where(
        EventRecord.kind == "faq_missed",
        EventRecord.created_at >= period.since,
        EventRecord.created_at < period.until,
    )
    if product:
        query = query.join(Conversation, Conversation.id == EventRecord.conversation_id).where(
            Conversation.product == product
        )
    events = [
        (str(data.get("query", "")), str(data.get("language", "")), created_at)
        for data, created_at in session.execute(query)
        if isinstance(data, dict)
    ]
    return missed_questions(events, limit)


def load_report(
    session: Session,
    period: Period,
    product: str | None,
    *,
    now: datetime,
    target_hours: int,
) -> Report:
    return build_report(
        ticket_facts(session, period, product),
        start=period.start,
        end=period.end,
        now=now,
        target_hours=target_hours,
        zone=period.zone,
    )
