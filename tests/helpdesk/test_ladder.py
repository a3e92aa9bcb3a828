"""The resolution ladder from stored facts: one bucket per conversation, each hand-off reason, the
assumed window and the durable week, on SQLite and PostgreSQL, with the real engine and a fake
clock (conversations are typed as a customer would, then the clock moves on)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from bot.core.dialogue.engine import Engine
from bot.core.shop.records import SubscriptionRecord
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.ladder import LadderReport, entry_figures
from bot.helpdesk.ladder_summary import load_ladder
from bot.helpdesk.subscriptions import SubscriptionFeed, upsert_subscription
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import Conversation
from tests.channels.email.clock import Clock

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Amsterdam")
WINDOW = timedelta(hours=72)
CALENDAR = "how do I connect google calendar to appointpress"


@dataclass
class Desk:
    db: Database
    clock: Clock
    conversations: Conversations

    def talk(self, *texts: str, email: str | None = None, channel: str = "widget") -> int:
        started = self.conversations.start(channel=channel, language="en", email=email)  # type: ignore[arg-type]
        for text in texts:
            self.conversations.post(started.public_id, started.token, text)
        return started.conversation_id

    def ladder(self, after: timedelta) -> LadderReport:
        now = T0 + after
        with self.db.session() as session:
            return load_ladder(
                session, T0 - timedelta(days=30), now + timedelta(days=1),
                now=now, window=WINDOW, zone=ZONE,
            )  # fmt: skip


@pytest.fixture
def desk(database_url: str, engine: Engine) -> Iterator[Desk]:
    db = Database(database_url)
    upgrade(db)
    with db.session() as session:
        upsert_subscription(
            session,
            SubscriptionRecord(
                email="expired@example.nl", product="appointpress", status="expired",
                expires_at=date(2026, 1, 31), source="csv", external_id="ladder-1",
                licence_hash=None, licence_last4=None,
            ),
        )  # fmt: skip
    clock = Clock(T0)
    yield Desk(db, clock, Conversations(db, engine, clock=clock, subscriptions=SubscriptionFeed()))
    db.dispose()


NOT_HELPED = (CALENDAR, "no, that didn't help", "n@example.org")
BUG = (
    "the plugin stopped working", "AppointPress", "version 3.1", "updated, still a problem",
    "When saving an appointment I see a white screen. WordPress 6.6, PHP 8.2", "b@example.org",
)  # fmt: skip
CONFLICT = (
    "Since I installed WP Rocket the booking calendar of AppointPress is broken",
    "The problem is still there", "The problem is still there", "3.4.2",
    "white screen, WordPress 6.6 PHP 8.2", "c@example.org",
)  # fmt: skip
NO_ANSWER = ("Does AppointPress work on a houseboat in Friesland?", "yes please", "h@example.org")
EXPIRED = ("AppointPress gives a white screen when I save an appointment",)
HOURS = timedelta(hours=1)


# (texts, email, hours later, bucket, hand-off reason)
CASES = {
    "confirmed by the button": ((CALENDAR, "Yes, thanks"), None, 1, "confirmed", None),
    "FAQ answer then silence past the window": ((CALENDAR,), None, 73, "assumed", None),
    "FAQ answer, still inside the window": ((CALENDAR,), None, 71, "pending", None),
    "policy answer then silence": (("I need a copy of my invoice",), None, 73, "assumed", None),
    "left after the bot asked the product": (
        ("the plugin stopped working",), None, 73, "abandoned", None,
    ),
    "bot question, still inside the window": (
        ("the plugin stopped working",), None, 2, "pending", None,
    ),
    "only said hello": (("hello",), None, 73, "abandoned", None),
    "asked for a person": (("I want to talk to a person", "p@example.org"), None, 1,
                           "handed_off", "person"),
    "no FAQ answer": (NO_ANSWER, None, 1, "handed_off", "no_answer"),
    "the answer did not help": (NOT_HELPED, None, 1, "handed_off", "not_helped"),
    "a bug on the latest version": (BUG, None, 1, "handed_off", "bug"),
    "the conflict test failed": (CONFLICT, None, 1, "handed_off", "conflict_test_failed"),
    "an expired subscription": (EXPIRED, "expired@example.nl", 73, "handed_off",
                                "expired_subscription"),
    "an expired subscription, inside the window": (EXPIRED, "expired@example.nl", 3, "pending",
                                                   None),
    "the bot could not understand": (("xyz",), None, 73, "handed_off", "not_understood"),
    "not understood, then answered and confirmed": (("xyz", CALENDAR, "yes, thanks"), None, 1,
                                                    "confirmed", None),
}  # fmt: skip


@pytest.mark.parametrize(
    ("texts", "email", "hours", "bucket", "reason"), list(CASES.values()), ids=list(CASES)
)
def test_each_conversation_lands_in_one_bucket(
    desk: Desk,
    texts: tuple[str, ...],
    email: str | None,
    hours: int,
    bucket: str,
    reason: str | None,
) -> None:
    desk.talk(*texts, email=email)
    ladder = desk.ladder(hours * HOURS)
    assert dict(ladder.total.buckets) == {bucket: 1}
    assert dict(ladder.total.reasons) == ({reason: 1} if reason else {})
    assert ladder.total.durable == 0  # nothing has held for 7 days yet


def test_a_conversation_without_a_customer_message_is_not_on_the_ladder(desk: Desk) -> None:
    desk.talk()
    assert desk.ladder(100 * HOURS).total.conversations == 0


def test_conversations_from_before_the_ladder_are_not_recorded_not_guessed(desk: Desk) -> None:
    conversation_id = desk.talk(CALENDAR)
    with desk.db.session() as session:  # what migration 0007 leaves of an older conversation
        session.execute(
            update(Conversation).where(Conversation.id == conversation_id).values(outcome=None)
        )
    ladder = desk.ladder(100 * HOURS)
    assert dict(ladder.total.buckets) == {"not_recorded": 1}
    assert ladder.total.settled == 0 and ladder.total.durable_rate is None


@pytest.mark.parametrize(
    ("days_later", "durable"), [(6, 0), (8, 1)], ids=["within the week", "after the week"]
)
def test_confirmed_is_durable_once_it_held_for_a_week(
    desk: Desk, days_later: int, durable: int
) -> None:
    desk.talk(CALENDAR, "yes, thanks", email="jan@example.org", channel="email")
    ladder = desk.ladder(timedelta(days=days_later))
    assert ladder.total.buckets["confirmed"] == 1 and ladder.total.durable == durable


def test_assumed_is_durable_after_the_week_too(desk: Desk) -> None:
    desk.talk(CALENDAR)
    assert desk.ladder(timedelta(days=8)).total.durable == 1


@pytest.mark.parametrize(
    ("product_text", "durable"),
    [
        ("AppointPress: where do I set the reminder time?", 0),  # same product: a follow-up
        ("How do I add a subscriber to a MailMagnet list?", 1),  # another product: no follow-up
    ],
)
def test_a_new_conversation_about_the_same_product_within_a_week_is_no_durable_resolution(
    desk: Desk, product_text: str, durable: int
) -> None:
    first = desk.talk(CALENDAR, "yes, thanks", email="jan@example.org", channel="email")
    desk.clock.advance(days=3)
    desk.talk(product_text, email="jan@example.org", channel="email")
    desk.clock.advance(days=5)
    with desk.db.session() as session:
        first_row = session.get(Conversation, first)
        assert first_row is not None
        held = first_row.followed_up_at is None
    assert held == bool(durable)
    # the first conversation is 8 days old; the second one's week is not over yet
    assert desk.ladder(timedelta(days=8)).total.durable == durable


def test_coming_back_after_confirming_is_a_reopen(desk: Desk) -> None:
    desk.talk(CALENDAR, "yes, thanks", "How do I export bookings from AppointPress?")
    ladder = desk.ladder(timedelta(days=8))
    assert dict(ladder.total.buckets) == {"assumed": 1}
    assert ladder.total.durable == 0


def test_thanks_after_an_answer_keeps_the_bucket(desk: Desk) -> None:
    desk.talk(CALENDAR, "yes, thanks", "bye")
    assert dict(desk.ladder(timedelta(days=8)).total.buckets) == {"confirmed": 1}
    assert desk.ladder(timedelta(days=8)).total.durable == 1


def test_the_ladder_is_split_by_day_product_language_and_channel(desk: Desk) -> None:
    desk.talk(CALENDAR, "yes, thanks")
    desk.clock.advance(hours=13, minutes=30)  # 23:30 UTC: 00:30 on the 21st in Amsterdam
    desk.talk("the plugin stopped working", email="a@example.org", channel="email")
    ladder = desk.ladder(timedelta(days=5))
    assert {day: dict(item.buckets) for day, item in ladder.by["day"].items()} == {
        date(2026, 11, 20): {"confirmed": 1},
        date(2026, 11, 21): {"abandoned": 1},
    }
    assert set(ladder.by["product"]) == {"appointpress", ""}
    assert set(ladder.by["channel"]) == {"widget", "email"}
    assert ladder.by["language"]["en"].conversations == 2
    assert ladder.total.share("confirmed") == pytest.approx(0.5)


def test_days_follow_the_zone_across_a_summer_time_change(
    database_url: str, engine: Engine
) -> None:
    db = Database(database_url)
    upgrade(db)
    clock = Clock(datetime(2026, 10, 24, 22, 30, tzinfo=UTC))  # 00:30 CEST on the 25th
    conversations = Conversations(db, engine, clock=clock)
    for _ in range(2):
        started = conversations.start(channel="widget", language="en")
        conversations.post(started.public_id, started.token, CALENDAR)
        clock.advance(days=1, hours=1)  # 23:30 UTC on the 25th: 00:30 CET on the 26th
    with db.session() as session:
        ladder = load_ladder(
            session, datetime(2026, 10, 20, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC),
            now=datetime(2026, 11, 1, tzinfo=UTC), window=WINDOW, zone=ZONE,
        )  # fmt: skip
    db.dispose()
    assert sorted(ladder.by["day"]) == [date(2026, 10, 25), date(2026, 10, 26)]


def test_feedback_and_tickets_are_counted_per_faq_entry(desk: Desk) -> None:
    desk.talk(CALENDAR, "yes, thanks")
    desk.talk(*NOT_HELPED)
    desk.talk(CALENDAR)
    desk.talk("I need a copy of my invoice")
    with desk.db.session() as session:
        figures = entry_figures(session, T0 - timedelta(days=1), T0 + timedelta(days=1))
    by_id = {figure.faq_id: figure for figure in figures}
    calendar = by_id["appointpress-google-calendar"]
    assert (calendar.answered, calendar.helped, calendar.not_helped, calendar.tickets_after) == (
        3, 1, 1, 1,
    )  # fmt: skip
    assert calendar.confirmation_rate == pytest.approx(1 / 3)
    assert figures[0].faq_id == "appointpress-google-calendar"  # the worst first
