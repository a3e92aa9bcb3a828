"""``Engine.handle`` never raises: every part of a turn runs under its guarantee.

The crash texts of issue 10 must not reach the guarantee at all (the autouse ``bot_errors``
fixture fails a test whose engine logged an error). To prove the guarantee itself for bugs
nobody knows yet, the last tests inject a fault into one part of a turn at a time: the engine
must answer with the fallback on the prepared state and log the failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.core.dialogue import engine as engine_module
from bot.core.dialogue.actions import ACTIONS
from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import ConversationState
from bot.core.events import TicketRequested
from tests.conftest import NOW
from tests.error_log import ErrorRecords
from tests.hostile_texts import CRASHERS


@pytest.mark.parametrize("text", CRASHERS)
@pytest.mark.parametrize("step", ["idle", "awaiting_product", "awaiting_details"])
def test_texts_that_crashed_the_engine_get_a_real_answer(
    engine: Engine, text: str, step: str
) -> None:
    state = replace(engine.new_state("en"), step=step, goal="problem")  # type: ignore[arg-type]
    turn = engine.handle(state, text, NOW)
    assert turn.messages and turn.state.turns == 1


def fail(*_: object, **__: object) -> None:
    raise RuntimeError("injected fault")


def closed_dutch_conversation(engine: Engine) -> ConversationState:
    state = replace(engine.new_state("nl"), ticket="NME-1001", turns=4)
    return engine.closed(state)


FAULTS: dict[str, Callable[[pytest.MonkeyPatch, Engine], None]] = {
    "reading the text": lambda mp, e: mp.setattr(e.services.understanding, "read", fail),
    "detecting the language": lambda mp, e: mp.setattr(engine_module, "detect_language", fail),
    "filling the slots": lambda mp, e: mp.setattr(engine_module, "fill_slots", fail),
    "the step's action": lambda mp, e: mp.setitem(ACTIONS, "route", fail),
}


@pytest.mark.logs_errors("a fault is injected on purpose; the test asserts its log line")
@pytest.mark.parametrize("where", FAULTS)
def test_a_fault_anywhere_gives_the_fallback_on_the_prepared_state(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, bot_errors: ErrorRecords, where: str
) -> None:
    FAULTS[where](monkeypatch, engine)
    before = closed_dutch_conversation(engine)
    turn = engine.handle(before, "I would like an invoice for my AppointPress licence", NOW)
    assert turn.route == "fallback" and len(turn.messages) == 1
    assert turn.state.turns == 5 and turn.state.status == "bot" and turn.state.step == "idle"
    assert turn.state.ticket is None and turn.ticket is None  # the closed ticket is not reused
    assert turn.event(TicketRequested) is None
    assert turn.state.language in ("nl", "en")
    assert "engine failed in step idle" in bot_errors.text()
    assert "RuntimeError: injected fault" in bot_errors.text()


@pytest.mark.logs_errors("a fault is injected on purpose; the test asserts its log line")
def test_the_fallback_speaks_the_language_detected_before_the_fault(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, bot_errors: ErrorRecords
) -> None:
    monkeypatch.setitem(ACTIONS, "route", fail)
    turn = engine.handle(engine.new_state("nl"), "Where can I download my invoice please?", NOW)
    assert turn.state.language == "en"
    assert turn.messages[0].text == engine.replies("en").fallback().text
    assert len(bot_errors.records) == 1
