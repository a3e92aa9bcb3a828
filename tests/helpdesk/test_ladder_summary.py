"""The ladder from per-day summaries gives exactly the figures of counting every conversation,
on SQLite and PostgreSQL, as the clock moves on and late events change an earlier day: a ticket
after an answer, a reopen, a follow-up conversation, a customer message without an answered
turn, an erasure, the assumed window running out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, insert, select, update

from bot.helpdesk.conversations import Started
from bot.helpdesk.entry_summary import load_entry_figures
from bot.helpdesk.ladder import LadderReport, entry_figures, load_ladder_direct
from bot.helpdesk.ladder_summary import COUNTED, column, load_ladder
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import (
    Conversation,
    FaqAnswer,
    LadderDay,
    LadderEntrySummary,
    LadderSummary,
    Message,
)
from tests.helpdesk import test_ladder
from tests.helpdesk.test_ladder import CALENDAR, NOT_HELPED, T0, ZONE, Desk
from tests.storage import test_migrations

desk = test_ladder.desk  # the same fixture: the real engine on both databases, a fake clock
empty_database_url = test_migrations.empty_database_url

PERIODS = (1, 3, 7, 30)
WINDOWS = (timedelta(hours=72), timedelta(days=10))  # shorter and longer than the durable week


def both(desk: Desk, days: int, window: timedelta, product: str | None) -> list[LadderReport]:
    now = desk.clock()
    today = now.astimezone(ZONE).date()
    since = _midnight(today - timedelta(days=days - 1), ZONE)
    until = _midnight(today + timedelta(days=1), ZONE)
    with desk.db.session() as session:
        return [
            read(session, since, until, now=now, window=window, zone=ZONE, product=product)
            for read in (load_ladder_direct, load_ladder)
        ]


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone)


def assert_same(desk: Desk, step: str) -> None:
    for days in PERIODS:
        for window in WINDOWS:
            for product in (None, "appointpress"):
                direct, summed = both(desk, days, window, product)
                assert summed.rows() == direct.rows(), (step, days, window, product)
        for product in (None, "appointpress"):  # the per-entry figures of the same days
            since, until = _period(desk, days)
            with desk.db.session() as session:
                expected = entry_figures(session, since, until, product)
                found = load_entry_figures(session, since, until, zone=ZONE, product=product)
            assert found == expected, (step, days, product)


def _period(desk: Desk, days: int) -> tuple[datetime, datetime]:
    today = desk.clock().astimezone(ZONE).date()
    return _midnight(today - timedelta(days=days - 1), ZONE), _midnight(
        today + timedelta(days=1), ZONE
    )


def start(desk: Desk, *texts: str, email: str | None = None) -> Started:
    started = desk.conversations.start(channel="widget", language="en", email=email)
    post(desk, started, *texts)
    return started


def post(desk: Desk, started: Started, *texts: str) -> None:
    for text in texts:
        desk.conversations.post(started.public_id, started.token, text)


def test_summaries_give_the_direct_figures_through_late_events(desk: Desk) -> None:
    answered = start(desk, CALENDAR)  # an answer, then silence: pending, assumed, durable
    confirmed = start(desk, CALENDAR, "yes, thanks", email="jan@example.org")
    start(desk, "the plugin stopped working")  # a question of the bot's: abandoned
    start(desk, *NOT_HELPED)
    silent = start(desk, "hello")
    desk.clock.advance(days=1, hours=3)
    not_understood = start(desk, "xyz")
    assert_same(desk, "day 1")
    desk.clock.advance(days=2, hours=2)  # past the assumed window of the first day
    assert_same(desk, "day 3")
    with desk.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LadderDay)) > 0
        assert session.scalar(select(func.count()).select_from(LadderEntrySummary)) > 0
    post(desk, answered, "no, that didn't help", "a@example.org")  # a ticket after the answer
    assert_same(desk, "a ticket on day 0's answer")
    with desk.db.session() as session:  # an answer on another day than its conversation's
        session.execute(
            update(FaqAnswer)
            .where(FaqAnswer.conversation_id == confirmed.conversation_id)
            .values(answered_at=T0 + timedelta(days=1, hours=1))
        )
    assert_same(desk, "an answer moved to the next day")
    with desk.db.session() as session:  # its answers now count for another product
        session.execute(
            update(Conversation)
            .where(Conversation.id == confirmed.conversation_id)
            .values(product="mailmagnet")
        )
    assert_same(desk, "a product changed")
    desk.clock.advance(days=2)
    start(desk, "AppointPress: where do I set the reminder time?", email="jan@example.org")
    assert_same(desk, "a follow-up of day 0's confirmed conversation")
    post(desk, confirmed, "How do I export bookings from AppointPress?")
    assert_same(desk, "a reopen")
    with desk.db.session() as session:  # a customer message without an answered turn
        session.execute(
            update(Conversation)
            .where(Conversation.id == silent.conversation_id)
            .values(outcome=None, outcome_at=None)
        )
    assert_same(desk, "not recorded")
    with desk.db.session() as session:
        session.execute(delete(Message).where(Message.conversation_id == silent.conversation_id))
    assert_same(desk, "its messages removed")
    with desk.db.session() as session:
        row = session.get(Conversation, not_understood.conversation_id)
        session.delete(row)
    assert_same(desk, "a conversation removed")
    for _ in range(4):
        desk.clock.advance(days=3)
        assert_same(desk, "windows running out")


@pytest.mark.parametrize("window", WINDOWS)
def test_a_closed_day_is_summed_once_and_read_from_its_summary(
    desk: Desk, window: timedelta
) -> None:
    start(desk, CALENDAR)
    desk.clock.advance(days=12)
    first, _ = both(desk, 30, window, None)
    with desk.db.session() as session:
        summed = session.scalars(select(LadderDay.summed_at)).all()
        # the conversation moves to another day: the trigger drops its old day's summary
        session.execute(update(Conversation).values(created_at=T0 - timedelta(days=300)))
    assert len(summed) == 30 - 1 and set(summed) == {T0 + timedelta(days=12)}  # today is open
    with desk.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LadderDay)) == len(summed) - 1
    assert_same(desk, "moved")
    assert first.total.buckets["assumed"] == 1


def test_a_summary_has_a_column_per_settled_figure() -> None:
    counts = {c.name for c in LadderSummary.__table__.columns} - {
        "id", "day_id", "product", "language", "channel"
    }  # fmt: skip
    assert counts == {column(name) for name in COUNTED}


def test_the_migration_sums_the_closed_days_of_the_conversations_before_it(
    empty_database_url: str,
) -> None:
    db = Database(empty_database_url)
    try:
        upgrade(db, "0008")
        now = datetime.now(UTC)
        rows = [
            {
                "id": n + 1, "public_id": f"m{n}", "token_hash": "x", "state": {},
                "channel": "widget", "language": "nl", "status": "bot", "message_count": 1,
                "product": "appointpress" if n % 2 else None,
                "created_at": now - timedelta(days=n, hours=1), "updated_at": now,
                "outcome": ("answer", "confirmed", "question")[n % 3],
                "outcome_at": now - timedelta(days=n),
            }
            for n in range(12)
        ]  # fmt: skip
        answers = [
            {"conversation_id": n + 1, "faq_id": f"entry-{n % 3}", "language": "nl",
             "answered_at": now - timedelta(days=n), "helpful": (True, False, None)[n % 3],
             "ticket_after": n % 4 == 0}
            for n in range(12)
        ]  # fmt: skip
        with db.engine.begin() as connection:
            connection.execute(insert(Conversation.__table__).values(rows))
            connection.execute(insert(FaqAnswer.__table__).values(answers))
        upgrade(db)
        with db.session() as session:
            assert session.scalar(select(func.count()).select_from(LadderDay)) >= 10
            since = now - timedelta(days=20)
            direct, summed = (
                read(session, since, now, now=now, window=WINDOWS[0], zone=ZONE)
                for read in (load_ladder_direct, load_ladder)
            )
            assert summed.rows() == direct.rows() and direct.total.conversations == 12
            # migration 0011 summed the FAQ answers of the days 0009 summed
            assert session.scalar(select(func.count()).select_from(LadderEntrySummary)) >= 3
            first = _midnight((now - timedelta(days=20)).astimezone(ZONE).date(), ZONE)
            today = _midnight(now.astimezone(ZONE).date(), ZONE)  # the closed days only
            expected = entry_figures(session, first, today)
            found = load_entry_figures(session, first, today, zone=ZONE)
            assert found == expected and sum(f.answered for f in found) >= 10
    finally:
        db.dispose()
