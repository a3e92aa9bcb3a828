"""A malfunction told without the usual cue words is still a problem (issue 10): being shut out
of one's own site, a Dutch adjective cue in its inflected form; and the words a knowledge base
writes as ordinary text (`ordinary_words`) leave out code, slugs and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.understanding import Understanding
from bot.core.knowledge.loader import load_knowledge

KB_DIR = Path(__file__).parent / "bramble_kb"


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding(load_knowledge(KB_DIR))


@pytest.mark.parametrize(
    "message",
    [
        "solid security locks me out of the dashboard, what can i do",
        "de firewall sluit ons steeds buiten",
        "the plugin keeps logging me out",
        "wordfence logt mij elke vijf minuten uit",
        "flexible shipping rekent sinds vandaag dubbele verzendkosten",
    ],
)
def test_a_malfunction_without_a_cue_word_is_a_problem(
    understanding: Understanding, message: str
) -> None:
    assert understanding.read(message).has(Intent.PROBLEM)


@pytest.mark.parametrize(
    "message",
    [
        "how do i show a menu to logged out users",
        "where do i set how many items show per page",
        "is there an option to log users out after an hour",
        "hoe sluit ik mij uit van de statistieken",
        "kun je dat voor mij uitzetten",
    ],
)
def test_a_how_to_about_logging_out_is_no_problem(
    understanding: Understanding, message: str
) -> None:
    assert not understanding.read(message).has(Intent.PROBLEM)


def test_slugs_paths_and_code_give_no_ordinary_words() -> None:
    from dataclasses import replace

    from bot.core.dialogue.understanding import ordinary_words  # new with this test

    kb = load_knowledge(KB_DIR)
    entry = replace(
        kb.faq[0],
        answer="Use `zorbly_quux` or the zorbly-plonk folder in wp-content/plonkers, see x.qwerty.",
    )
    words = ordinary_words([entry])
    assert {"zorbly", "quux", "plonk", "plonkers", "qwerty"}.isdisjoint(words)
    assert {"or", "folder", "see"} <= words
