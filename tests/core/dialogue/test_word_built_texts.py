"""Hypothesis builds text word by word from the knowledge base's own vocabulary.

Random characters almost never form "... through my contact form" or "ͺ Optimizer", which is
why the character-based properties missed the name matcher's crashes. These texts are made of
catalogue names (whole, cut after a word, typo'd, glued, short words folded away), the
dialogue's cue words, the FAQ's words, filler words and pasted fragments
(``tests.hostile_texts.word_built_texts``), and go into ``Engine.handle`` in any state and
into ``FaqIndex.search``. A logged engine error fails the example, so Hypothesis shrinks it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import STEPS, ConversationState
from bot.core.dialogue.turn import ROUTES, CustomerContext
from bot.core.events import TicketRequested
from bot.core.knowledge.models import KnowledgeBase
from tests.conftest import NOW
from tests.error_log import ErrorRecords
from tests.hostile_texts import word_built_texts

PROPERTY = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Strategies:
    """The strategies for one knowledge base, built once (with a short repr: Hypothesis prints
    its arguments, and a knowledge base's repr is 150 kB)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.texts = word_built_texts(kb)
        self.states = states(kb)

    def __repr__(self) -> str:
        return f"Strategies({len(self.kb.faq)} FAQ entries)"


@pytest.fixture(scope="module")
def strategies(kb: KnowledgeBase) -> Strategies:
    return Strategies(kb)


def states(kb: KnowledgeBase) -> st.SearchStrategy[ConversationState]:
    """Any step and goal, either language and channel, with or without a product and ticket."""
    return st.builds(
        lambda step, goal, status, language, channel, product, version, ticket: replace(
            ConversationState(language=language, channel=channel, status=status, ticket=ticket),
            step=step,
            goal=goal,
        ).with_slots(product=product, version=version),
        st.sampled_from(STEPS),
        st.sampled_from(["", "problem", "question", "person"]),
        st.sampled_from(["bot", "bot", "waiting_for_staff", "closed"]),
        st.sampled_from(kb.policy.languages),
        st.sampled_from(["widget", "email"]),
        st.none() | st.sampled_from(sorted(kb.products)),
        st.none() | st.sampled_from(["1.0", "3.1", "3.4.2"]),
        st.none() | st.just("NME-1001"),
    )


@PROPERTY
@given(data=st.data())
def test_a_word_built_text_in_any_state_gets_a_turn(
    engine: Engine, strategies: Strategies, bot_errors: ErrorRecords, data: st.DataObject
) -> None:
    kb = strategies.kb
    bot_errors.clear()  # one example's error must not fail the next while Hypothesis shrinks
    text = data.draw(strategies.texts, label="text")
    state = data.draw(strategies.states, label="state")
    turn = engine.handle(state, text, NOW, CustomerContext())
    if turn.event(TicketRequested):  # as an adapter does: the confirmation names the ticket
        turn = engine.ticket_opened(turn, "NME-1002")
    assert not bot_errors.records, bot_errors.text()
    assert turn.route in ROUTES and turn.messages
    assert turn.state.language in kb.policy.languages


@PROPERTY
@given(data=st.data())
def test_a_word_built_text_is_searched_in_the_faq(
    engine: Engine, strategies: Strategies, data: st.DataObject
) -> None:
    kb = strategies.kb
    text = data.draw(strategies.texts, label="text")
    language = data.draw(st.sampled_from(kb.policy.languages), label="language")
    product = data.draw(st.none() | st.sampled_from(sorted(kb.products)), label="product")
    result = engine.services.faq.search(text, language, product=product, limit=5)
    assert all(0.0 <= match.score <= 1.0 for match in result.matches)
