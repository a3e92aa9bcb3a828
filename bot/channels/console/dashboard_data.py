"""The dashboard's rows, read from conversations, events and tickets for a period of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot.channels.console.metrics import (
    ConversationFact,
    MissedQuestion,
    Report,
    TicketFact,
    build_report,
    missed_questions,
)
from bot.storage.models import Conversation, EventRecord, Message, Ticket

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


def conversation_facts(
    session: Session, period: Period, product: str | None
) -> list[ConversationFact]:
    customer_wrote = exists().where(
        Message.conversation_id == Conversation.id, Message.role == "customer"
    )
    faq_answered = exists().where(
        EventRecord.conversation_id == Conversation.id, EventRecord.kind == "faq_answered"
    )
    has_ticket = exists().where(Ticket.conversation_id == Conversation.id)
    query = select(
        Conversation.created_at, Conversation.product, customer_wrote, faq_answered, has_ticket
    ).where(Conversation.created_at >= period.since, Conversation.created_at < period.until)
    if product:
        query = query.where(Conversation.product == product)
    return [ConversationFact(*row) for row in session.execute(query)]


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
        conversation_facts(session, period, product),
        ticket_facts(session, period, product),
        start=period.start,
        end=period.end,
        now=now,
        target_hours=target_hours,
        zone=period.zone,
    )
