"""Text cut anywhere: every keystroke of a typed question, and names across the internal cuts.

The FAQ search box sends what the customer has typed so far, so it sees "Contact Form" before
"Contact Form 7". Long texts are cut inside the bot (``MAX_ANALYSED_CHARS`` for retrieval and
language detection, ``MAX_TEXT_CHARS`` and ``FUZZY_CHARS`` for a turn): a name straddling a cut
ends the cut text with its first words, which crashed the name matcher (issue 10).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.dialogue.engine import MAX_TEXT_CHARS, Engine
from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.name_spotting import FUZZY_CHARS, tokenize
from bot.core.language import MAX_CHARS as LANGUAGE_CHARS
from bot.core.retrieval.analysis import MAX_ANALYSED_CHARS
from tests.conftest import NOW
from tests.error_log import ErrorRecords
from tests.hostile_texts import CRASHERS, catalogue_names, word_built_texts

TYPED = (
    *CRASHERS,
    "I'm getting lots of spam through my Contact Form 7 form, can AppointPress stop it?",
    "Since I updated Smart Slider 3 the booking calendar is gone",
    "Mijn SG Optimizer en WP Rocket cachen de agenda van AppointPress",
    "werkt MailMagnet Forms samen met Gravity Forms en WPForms Lite?",
    "ͺ Optimizer ͺ Rocket ﷺ Form 7",
)
SMALL_CUTS = sorted({MAX_ANALYSED_CHARS, LANGUAGE_CHARS})
LARGE_CUTS = sorted({MAX_TEXT_CHARS, FUZZY_CHARS})
FILLER = "The booking page shows the wrong time since the last update, and reminders come late. "


def keystrokes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1)]


def sample_names(kb: KnowledgeBase, count: int) -> list[str]:
    """`count` multi-word catalogue names spread over the catalogue, and the issue's two."""
    multi = [name for name in catalogue_names(kb) if " " in name and len(tokenize(name)) > 1]
    spread = multi[:: max(len(multi) // count, 1)][:count]
    return list(dict.fromkeys(["Contact Form 7", "Smart Slider 3", *spread]))


def across(cut: int, name: str, at: int) -> str:
    """A text in which `cut` falls `at` characters into `name` (the rest follows the cut)."""
    head = (FILLER * (cut // len(FILLER) + 1))[: cut - at - 1] + " "
    return head + name + " has stopped working since yesterday."


def cut_points(name: str, every_character: bool) -> list[int]:
    """Where in `name` a cut may fall: after every character, or after every word."""
    if every_character:
        return list(range(1, len(name)))
    return [token.end for token in tokenize(name)][:-1]


def failing(texts: list[str], read: Callable[[str], object], errors: ErrorRecords) -> list[str]:
    failed = []
    for text in texts:
        try:
            read(text)
        except Exception as error:  # noqa: BLE001 - collected, reported together
            failed.append(f"{text[-80:]!r}: {type(error).__name__}: {error}")
        if errors.records:
            failed.append(f"{text[-80:]!r}: logged {errors.records[0].getMessage()}")
            errors.clear()
    return failed


@pytest.mark.parametrize("text", TYPED)
def test_every_keystroke_of_a_typed_question_is_searched(
    engine: Engine, kb: KnowledgeBase, text: str, bot_errors: ErrorRecords
) -> None:
    for language in kb.policy.languages:
        search = partial(engine.services.faq.search, language=language, limit=5)
        assert not failing(keystrokes(text), search, bot_errors)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_keystroke_of_a_word_built_text_is_searched(
    engine: Engine, bot_errors: ErrorRecords, data: st.DataObject
) -> None:
    bot_errors.clear()
    text = data.draw(word_built_texts(engine.kb, max_words=8), label="text")
    search = partial(engine.services.faq.search, language="en", limit=5)
    assert not failing(keystrokes(text), search, bot_errors)


@pytest.mark.parametrize("cut", SMALL_CUTS)
def test_a_name_across_the_analysis_cut_is_searched_and_answered(
    engine: Engine, kb: KnowledgeBase, cut: int, bot_errors: ErrorRecords
) -> None:
    texts = [
        across(cut, name, at)
        for name in sample_names(kb, 12)
        for at in cut_points(name, every_character=True)
    ]
    assert all(len(text) > cut for text in texts)
    assert not failing(texts, lambda text: engine.services.faq.search(text, "en"), bot_errors)
    sample = texts[:: max(len(texts) // 40, 1)]  # a whole turn is dearer: a sample
    state = engine.new_state("en")
    assert not failing(sample, lambda text: engine.handle(state, text, NOW), bot_errors)


@pytest.mark.parametrize("cut", LARGE_CUTS)
def test_a_name_across_the_turn_cut_is_read_and_answered(
    engine: Engine, kb: KnowledgeBase, cut: int, bot_errors: ErrorRecords
) -> None:
    texts = [
        across(cut, name, at)
        for name in sample_names(kb, 2)
        for at in cut_points(name, every_character=False)
    ]
    state = engine.new_state("en")
    assert not failing(texts, engine.services.understanding.read, bot_errors)
    assert not failing(texts, lambda text: engine.handle(state, text, NOW), bot_errors)
