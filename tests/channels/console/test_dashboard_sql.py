"""The dashboard's ticket figures and missed questions counted in SQL are exactly those of the
pure functions on one fact per row (``build_report``, ``missed_questions``), on SQLite and
PostgreSQL, at the edges: a wait of exactly the target, fractions of a second that SQLite
would round, tickets unanswered on either side of the target, days in Dutch time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select

from bot.channels.console.dashboard_data import Period, load_report, missed
from bot.channels.console.metrics import Report, TicketFact, build_report, missed_questions
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, Ticket

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 30, 10, 0, 0, 250_000, tzinfo=UTC)  # the fake clock
TARGET = 24
PRODUCTS = ["appointpress", "polder", None]


def waits() -> list[tuple[timedelta, timedelta | None]]:
    """(opened this long before now, first response this long after opening or None)."""
    target = timedelta(hours=TARGET)
    edges: list[tuple[timedelta, timedelta | None]] = [
        (timedelta(days=3), target),  # exactly the target: in time
        (timedelta(days=3), target + timedelta(microseconds=1)),  # late by a microsecond
        # opened at hh:mm:ss.999600 (SQLite rounds that to the next second)
        (timedelta(days=2, microseconds=250_400), timedelta(seconds=59)),
        (timedelta(days=4, microseconds=250_400), timedelta(hours=3, microseconds=1)),
        (timedelta(days=5), timedelta(hours=3, microseconds=749_500)),
        (target, None),  # unanswered for exactly the target: not late yet
        (target + timedelta(microseconds=1), None),  # unanswered a microsecond past it
        (timedelta(hours=2), None),
        (timedelta(days=89, hours=23), timedelta(minutes=5)),  # the period's first day
        (timedelta(days=120), timedelta(hours=1)),  # before the period
    ]
    rng = random.Random(13)
    for _ in range(300):
        answered = rng.random() < 0.85
        edges.append(
            (
                timedelta(seconds=rng.uniform(0, 95 * 86400)),
                timedelta(seconds=rng.uniform(60, 60 * 3600)) if answered else None,
            )
        )
    return edges


def seed(db: Database) -> list[TicketFact]:
    facts = []
    with db.engine.begin() as connection:
        for n, (age, wait) in enumerate(waits()):
            opened = NOW - age
            first = opened + wait if wait is not None and opened + wait <= NOW else None
            product = PRODUCTS[n % len(PRODUCTS)]
            cid = connection.execute(
                insert(Conversation).returning(Conversation.id),
                {"public_id": f"t{n}", "token_hash": "x", "state": {}, "channel": "widget",
                 "language": "nl", "status": "bot", "product": product, "message_count": 0,
                 "created_at": opened, "updated_at": opened},
            ).scalar_one()  # fmt: skip
            connection.execute(
                insert(Ticket),
                {"number": f"T-{n}", "conversation_id": cid, "status": "open", "reason": "person",
                 "summary": "vraag", "product": product, "channel": "widget", "language": "nl",
                 "details": {}, "opened_at": opened, "due_at": opened, "updated_at": opened,
                 "first_response_at": first},
            )  # fmt: skip
            if n % 3 == 0:
                query = ["Hoe exporteer ik?", "hoe  exporteer ik", "Waar is mijn factuur"][
                    n % 9 // 3
                ]
                connection.execute(
                    insert(EventRecord),
                    {"conversation_id": cid, "kind": "faq_missed", "created_at": opened,
                     "data": {"query": query, "language": "nl" if n % 2 else "en"}},
                )  # fmt: skip
            facts.append(TicketFact(opened, product, first))
    return facts


def figures(report: Report) -> list[object]:
    buckets = [("total", "", report.total)]
    buckets += [("day", day, bucket) for day, bucket in report.by_day.items()]
    buckets += [("product", key, bucket) for key, bucket in report.by_product.items()]
    return [(*key, b.tickets, b.breaches, b.median, b.p90) for *key, b in buckets]


@pytest.mark.parametrize("product", [None, "appointpress"])
@pytest.mark.parametrize("days", [7, 90])
def test_ticket_figures_from_sql_equal_those_counted_per_ticket(
    db: Database, days: int, product: str | None
) -> None:
    facts = seed(db)
    period = Period.last_days(days, NOW, ZONE)
    in_period = [
        fact
        for fact in facts
        if period.since <= fact.opened_at < period.until
        and (not product or fact.product == product)
    ]
    expected = build_report(
        in_period, start=period.start, end=period.end, now=NOW, target_hours=TARGET, zone=ZONE
    )
    with db.session() as session:
        report = load_report(session, period, product, now=NOW, target_hours=TARGET)
    assert figures(report) == figures(expected)
    assert report.total.tickets == len(in_period) and report.total.breaches > 0


def test_missed_questions_from_sql_equal_those_grouped_per_event(db: Database) -> None:
    seed(db)
    period = Period.last_days(90, NOW, ZONE)
    with db.session() as session:
        rows = session.execute(
            select(EventRecord.data, EventRecord.created_at)
            .where(EventRecord.created_at >= period.since, EventRecord.created_at < period.until)
            .order_by(EventRecord.id)
        ).all()
        found = missed(session, period, None)
    events = [(data["query"], data["language"], created_at) for data, created_at in rows]
    assert found == missed_questions(events)
    assert len(found) == 4  # the two spellings of the export question are one, per language
