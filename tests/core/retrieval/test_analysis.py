"""Analysis: folding, stop words, contractions, hyphens, phrases and synonym concepts."""

from __future__ import annotations

import pytest

from bot.core.retrieval.analysis import MAX_ANALYSED_CHARS, Analyzer, normalise, split_words
from bot.core.retrieval.terms import concept_terms

DUTCH = Analyzer("nl")
ENGLISH = Analyzer("en")


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("factuur", "invoice"),
        ("facturen", "invoices"),
        ("licentiecode", "license"),
        ("licentie", "licence"),
        ("bijwerken", "update"),
        ("updaten", "upgrade"),
        ("e-mail", "mail"),
        ("mailtje", "emails"),
        ("terugbetaling", "refund"),
        ("wachtwoord", "password"),
        ("opzeggen", "cancel"),
        ("instellingen", "settings"),
    ],
)
def test_synonym_variants_are_one_term_in_both_languages(dutch: str, english: str) -> None:
    terms = {DUTCH.terms(dutch)[0], DUTCH.terms(english)[0], ENGLISH.terms(english)[0]}
    assert len(terms) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoi, ik heb een vraag over mijn factuur", ["vraag", "factuur"]),
        ("Hello, I have a question about my invoice please", ["have", "question", "invoice"]),
        ("Ik kan NIET inloggen", ["niet", "inloggen"]),
    ],
)
def test_stop_words_go_and_content_words_stay(text: str, expected: list[str]) -> None:
    assert [token.surface for token in DUTCH.tokens(text)] == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I can't log in", ["i", "can", "not", "login"]),
        ("it doesn't work", ["it", "does", "not", "work"]),
        ("m'n e-mail", ["mijn", "email"]),
        ("the customer's plug-in", ["the", "customer", "plugin"]),
        ("Licentie-code kwijt", ["licentiecode", "kwijt"]),
        ("Géén één", ["geen", "een"]),
    ],
)
def test_words_are_folded_and_contractions_hyphens_and_phrases_resolved(
    text: str, words: list[str]
) -> None:
    assert split_words(normalise(text)) == words


def test_analysis_reads_at_most_the_cap() -> None:
    text = "factuur " * 10_000
    assert len(normalise(text)) <= MAX_ANALYSED_CHARS


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "\x00\x07\x1b", "<b></b>", "!!??", "a b c"])
def test_text_without_words_has_no_terms(text: str) -> None:
    assert DUTCH.terms(text) == []


def test_concept_terms_let_a_dutch_complaint_meet_an_english_changelog() -> None:
    complaint = concept_terms("de herinneringsmail wordt niet verstuurd, factuur klopt niet")
    changelog = concept_terms("Fixed: reminder emails not sent; invoice totals")
    assert {"~invoice"} <= complaint & changelog
