"""The dashboard's "unanswered questions" are ``FaqMissed`` events (issue 12, console #4): an
answer to one of the bot's own questions ("weet ik niet, de nieuwste denk ik") is not one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import Step
from bot.core.events import FaqMissed
from tests.conftest import NOW

# steps where the bot asked something and an unexpected answer is routed like a new message
ASKING: list[Step] = [
    "idle",
    "awaiting_feedback",
    "awaiting_choice",
    "awaiting_update",
    "awaiting_conflict_test",
    "awaiting_culprit",
    "awaiting_ticket_confirm",
    "after_policy",
]
REPLIES = ["weet ik niet", "weet ik niet, de nieuwste denk ik", "geen idee", "no idea", "ok dan"]


@pytest.mark.parametrize("step", ASKING)
@pytest.mark.parametrize("text", REPLIES)
def test_a_reply_to_the_bot_is_not_an_unanswered_question(
    engine: Engine, step: Step, text: str
) -> None:
    state = replace(engine.new_state("nl"), step=step, goal="problem", topic="iets", turns=2)
    turn = engine.handle(state, text, NOW)
    assert turn.event(FaqMissed) is None, (turn.route, turn.state.step)


@pytest.mark.parametrize("step", ["idle", "awaiting_update", "after_policy"])
@pytest.mark.parametrize(
    "text", ["Zijn jullie op zondag open?", "Nee, maar zijn jullie op zondag open?"]
)
def test_a_question_the_faq_cannot_answer_is_listed(engine: Engine, step: Step, text: str) -> None:
    state = replace(engine.new_state("nl"), step=step, goal="problem", topic="iets", turns=2)
    turn = engine.handle(state, text, NOW)
    missed = turn.event(FaqMissed)
    assert isinstance(missed, FaqMissed), turn.route
    assert missed.query == text
