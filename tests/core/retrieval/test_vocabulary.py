"""Vocabulary-driven repairs: Dutch compound splitting and typo tolerance."""

from __future__ import annotations

import pytest

from bot.core.retrieval.analysis import Analyzer, Token
from bot.core.retrieval.vocabulary import Vocabulary

DUTCH = Analyzer("nl")
INDEX_TEXT = """
Ik ontvang geen notificatie. Mijn mails komen niet aan. Waar staat de licentie?
Ik ben mijn sleutel kwijt. De betaling is mislukt. Het bewijs van aankoop.
Hoe werkt de agenda? Instellingen van het formulier.
"""


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary(DUTCH, DUTCH.tokens(INDEX_TEXT))


def resolve(vocabulary: Vocabulary, word: str) -> list[str]:
    return [term for term, _ in vocabulary.resolve(Token(word, DUTCH.term(word)))]


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("notificatiemails", ["notificatie", "mails"]),
        ("formulierinstellingen", ["formulier", "instellingen"]),
        ("betalingsbewijs", ["betaling", "bewijs"]),  # linking s
        ("agendanotificatie", ["agenda", "notificatie"]),
    ],
)
def test_unknown_compounds_split_into_known_words(
    vocabulary: Vocabulary, compound: str, parts: list[str]
) -> None:
    assert resolve(vocabulary, compound) == [DUTCH.term(part) for part in parts]


@pytest.mark.parametrize("word", ["zonnebloemveld", "notificatiexyz", "abc"])
def test_words_with_an_unknown_part_are_not_split(vocabulary: Vocabulary, word: str) -> None:
    assert vocabulary.split_compound(word, 3) is None


@pytest.mark.parametrize(
    ("typo", "word"),
    [("notifcatie", "notificatie"), ("formulir", "formulier"), ("betalign", "betaling")],
)
def test_typos_resolve_to_the_nearest_known_word(
    vocabulary: Vocabulary, typo: str, word: str
) -> None:
    repaired = vocabulary.resolve(Token(typo, DUTCH.term(typo)))
    assert [term for term, _ in repaired] == [DUTCH.term(word)]
    assert all(weight < 1.0 for _, weight in repaired)


@pytest.mark.parametrize("word", ["mial", "kwjt", "zzzzzzz", "agendaxyz"])
def test_short_or_distant_words_are_not_repaired(vocabulary: Vocabulary, word: str) -> None:
    assert vocabulary.closest(word) == []
    assert resolve(vocabulary, word) == [DUTCH.term(word)]


def test_known_words_resolve_to_themselves(vocabulary: Vocabulary) -> None:
    assert vocabulary.resolve(Token("licentie", DUTCH.term("licentie"))) == [
        (DUTCH.term("licentie"), 1.0)
    ]


def test_a_word_resolved_again_gives_the_same_terms_and_the_kept_words_are_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = Vocabulary(DUTCH, DUTCH.tokens(INDEX_TEXT))
    words = ["notificatiemails", "licenties", "betalingsbewijs", "formulier", "xyzzy"]
    first = [resolve(fresh, word) for word in words]
    assert first == [resolve(fresh, word) for word in words]
    assert first == [resolve(Vocabulary(DUTCH, DUTCH.tokens(INDEX_TEXT)), w) for w in words]
    monkeypatch.setattr("bot.core.retrieval.vocabulary.RESOLVED_KEPT", 3)
    many = Vocabulary(DUTCH, DUTCH.tokens(INDEX_TEXT))
    assert [resolve(many, word) for word in words * 2] == first * 2
    assert len(many._resolved) <= 3
