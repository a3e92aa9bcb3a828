"""Which turn is a miss, and which text is kept: the question, not the "no" after it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.learning.misses import missed_question
from bot.core.learning.similarity import closest_group, similarity_key

PI = "Werkt het ook op een Raspberry Pi?"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def conversation(engine: Engine, language: str, *messages: str) -> list[object]:
    state, found = engine.new_state(language), []
    for text in messages:
        turn = engine.handle(state, text, NOW)
        found.append(missed_question(state, turn))
        state = turn.state
    return found


@pytest.mark.parametrize(
    ("language", "messages", "reason", "text"),
    [
        ("nl", [PI], "no_match", PI),
        ("nl", ["hmm"], "not_understood", "hmm"),
        ("nl", ["Kan ik een wachtlijst bijhouden voor volgeboekte dagen?", "nee, geen van deze"],
         "declined", "Kan ik een wachtlijst bijhouden voor volgeboekte dagen?"),
        ("en", ["Can I get a printed manual?", "No, that didn't help"],
         "not_helped", "Can I get a printed manual?"),
    ],
)  # fmt: skip
def test_the_last_message_is_a_miss_of_this_kind(
    engine: Engine, language: str, messages: list[str], reason: str, text: str
) -> None:
    *earlier, last = conversation(engine, language, *messages)
    assert earlier == [None] * len(earlier)
    assert last is not None and (last.reason, last.text, last.language) == (reason, text, language)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "messages",
    [
        ["How do I connect google calendar to appointpress"],
        ["Can I get a printed manual?", "Yes, thanks"],
    ],
)
def test_answered_questions_are_no_miss(engine: Engine, messages: list[str]) -> None:
    assert conversation(engine, "en", *messages) == [None] * len(messages)


@pytest.mark.parametrize(
    ("one", "other", "alike"),
    [
        ("booking calendar empty", "the calendar of bookings is empty", True),
        ("Werkt het ook op een Raspberry Pi?", "werkt het op een raspberry pi", True),
        ("booking calendar", "booking invoice", False),
        ("refund my order", "how do I import subscribers", False),
    ],
)
def test_alike_questions_share_a_group(one: str, other: str, alike: bool) -> None:
    language = "nl" if "het" in one else "en"
    found = closest_group(similarity_key(other, language), {7: similarity_key(one, language)})
    assert (found == 7) is alike
