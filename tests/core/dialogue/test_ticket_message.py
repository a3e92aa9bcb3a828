"""The message that opens a ticket (issue 12, widget #3, #4, #6): the due time in the customer's
time zone, written their language's way; the promise's hours with a plural; and no promise of
an email answer while no mail can go out."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.replies import Replies
from bot.core.dialogue.turn import CustomerContext, Turn
from bot.core.knowledge.models import KnowledgeBase
from bot.i18n import load_translations

NOW = datetime(2026, 12, 5, 14, 48, tzinfo=UTC)  # due 2026-12-06 14:48 UTC
TRANSLATIONS = load_translations(("nl", "en"))


def ticket_turn(engine: Engine, language: str, channel: str = "widget", zone: str = "") -> Turn:
    state = engine.new_state(language, channel, "jan@example.org", time_zone=zone)  # type: ignore[arg-type]
    person = "Ik wil een medewerker spreken" if language == "nl" else "I want to talk to a person"
    return engine.handle(state, person, NOW, CustomerContext(channel_has_email=True))


@pytest.mark.parametrize(
    ("language", "zone", "expected"),
    [
        ("nl", "America/New_York", "vóór zo 6 december, 09:48)"),
        ("en", "America/New_York", "before Sun, December 6, 9:48 AM)"),
        ("nl", "Asia/Kolkata", "vóór zo 6 december, 20:18)"),
        ("en", "Europe/Amsterdam", "before Sun, December 6, 3:48 PM)"),
    ],
)
def test_the_due_time_is_in_the_customers_time_zone_and_language(
    engine: Engine, language: str, zone: str, expected: str
) -> None:
    turn = engine.ticket_opened(ticket_turn(engine, language, zone=zone), "NME-1001")
    text = turn.messages[-1].text.replace("\u202f", " ")  # Babel keeps "9:48 AM" on one line
    assert expected in text
    assert "UTC" not in text and "2026-12-06" not in text


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons", "../../etc/passwd"])
def test_without_a_known_zone_the_policys_is_used_and_named(engine: Engine, zone: str) -> None:
    turn = engine.ticket_opened(ticket_turn(engine, "nl", zone=zone), "NME-1001")
    assert "(vóór zo 6 december, 15:48 Midden-Europese standaardtijd)" in turn.messages[-1].text


def test_email_tells_the_due_time_in_the_policys_zone(engine: Engine) -> None:
    turn = engine.ticket_opened(ticket_turn(engine, "en", "email"), "NME-1001")
    text = turn.messages[-1].text.replace("\u202f", " ")  # Babel keeps "9:48 AM" on one line
    assert "(before Sun, December 6, 3:48 PM Central European Standard Time)" in text
    assert "within 24 hours" in text


@pytest.mark.parametrize(
    ("language", "hours", "promise"),
    [("en", 1, "within 1 hour "), ("en", 24, "within 24 hours "), ("nl", 1, "binnen 1 uur ")],
)
def test_the_promise_uses_the_plural_form_of_its_hours(
    kb: KnowledgeBase, language: str, hours: int, promise: str
) -> None:
    quick = replace(kb, policy=replace(kb.policy, response_hours=hours))
    replies = Replies(quick, TRANSLATIONS[language], "widget", language)
    text = replies.ticket_opened("NME-1", NOW, "jan@example.org").text
    assert promise in text


def test_no_email_answer_is_promised_while_no_mail_can_go_out(engine: Engine) -> None:
    turn = ticket_turn(engine, "en")
    with_mail = engine.ticket_opened(turn, "NME-1001").messages[-1].text
    without = engine.ticket_opened(turn, "NME-1001", mail=False).messages[-1].text
    assert "receive our answer by email at jan@example.org" in with_mail
    assert "by email" not in without
    assert "Our answer will appear here in the chat" in without
