"""Typos in cue words are repaired before the cues are matched, and real words are not
(issue 10: "cue typos"; a real word one letter from a cue word is no typo of it)."""

from __future__ import annotations

import pytest

from bot.core.dialogue.cue_frequencies import cue_sources, cue_words, frequencies, table
from bot.core.dialogue.engine import Engine
from bot.core.dialogue.lexicon import Intent


@pytest.mark.parametrize(
    "text",
    [
        "de lightbox van gallery grove werkt nie meer",
        "the gallery grove lightbox doesnt wrok",
    ],
)
def test_a_misspelt_cue_word_still_counts(bramble: Engine, text: str) -> None:
    assert bramble.services.understanding.read(text).has(Intent.PROBLEM)


@pytest.mark.parametrize(
    ("text", "not_a_typo_of"),
    [
        ("gallery grove sorting options?", "korting"),  # billing: a discount
        ("we sell plant pots and sheds, can the gallery show both?", "plan"),  # billing
        ("the form is filled in but ticketeer shows no attendee", "billed"),  # billing
        ("can i book a room for the event in ticketeer", "zoom"),  # channels
    ],
)
def test_a_real_word_one_letter_from_a_cue_word_is_left_alone(
    bramble: Engine, text: str, not_a_typo_of: str
) -> None:
    understanding = bramble.services.understanding
    assert not_a_typo_of not in understanding.spelling.repair(text).split()
    assert not understanding.read(text).route_cues & {"billing", "channels"}


def test_the_shipped_frequencies_are_wordfreqs_for_the_cue_lexicon() -> None:
    """The table is generated from the lexicon (`python -m bot.core.dialogue.cue_frequencies`):
    a cue word added without regenerating it would be repaired as if it were rare."""
    expected = {word: round(value, 2) for word, value in table(cue_words(cue_sources())).items()}
    assert frequencies() == expected
