"""Dutch and English stemmers: Snowball results, and inflections that must meet."""

from __future__ import annotations

import pytest

from bot.core.retrieval.dutch_stemmer import stem_dutch
from bot.core.retrieval.english_stemmer import stem_english


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # Porter2 reference results (snowballstem.org sample vocabulary)
        ("consign", "consign"),
        ("consigned", "consign"),
        ("consistency", "consist"),
        ("generously", "generous"),
        ("knightly", "knight"),
        ("running", "run"),
        ("hopping", "hop"),
        ("hoping", "hope"),
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("ties", "tie"),
        ("cries", "cri"),
        ("gaps", "gap"),
        ("gas", "gas"),
        ("dying", "die"),
        ("skies", "sky"),
        ("news", "news"),
        ("configuration", "configur"),
        ("a", "a"),
    ],
)
def test_english_words_stem_as_snowball_does(word: str, stem: str) -> None:
    assert stem_english(word) == stem


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # Snowball Dutch reference results
        ("lichamelijk", "licham"),
        ("opgaven", "opgav"),
        ("kinderen", "kinder"),
        ("mogelijkheden", "mogelijk"),
        ("gebruikers", "gebruiker"),
        ("maan", "man"),
        ("brood", "brod"),
        # the additions: -ies plurals, English -es plurals, present-tense -t, participles
        ("licenties", "licentie"),
        ("categorieen", "categorie"),
        ("websites", "websit"),
        ("werkt", "werk"),
        ("gewijzigd", "wijzig"),
        ("aangepast", "aanpas"),
        ("ingesteld", "instel"),
    ],
)
def test_dutch_words_stem_as_snowball_does_with_the_additions(word: str, stem: str) -> None:
    assert stem_dutch(word) == stem


@pytest.mark.parametrize(
    "forms",
    [
        ("factuur", "facturen"),
        ("instelling", "instellingen", "instellen", "ingesteld"),
        ("werken", "werkt"),
        ("krijgen", "krijgt"),
        ("update", "updates"),
        ("installeren", "geinstalleerd"),
        ("downloaden", "gedownload"),
        ("starten", "gestart"),
        ("bestellen", "besteld", "bestelling"),
        ("verlengen", "verlengd"),
        ("wijzigen", "gewijzigd"),
        ("aanpassen", "aangepast"),
        ("bijwerken", "bijgewerkt"),
    ],
)
def test_dutch_inflections_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem_dutch(form) for form in forms}) == 1


@pytest.mark.parametrize(
    "forms",
    [
        ("update", "updates", "updated", "updating"),
        ("install", "installed", "installing", "installation"),
        ("connect", "connected", "connection", "connecting"),
        ("refund", "refunds", "refunded"),
        ("cancel", "cancelled", "cancellation"),
    ],
)
def test_english_inflections_share_a_stem(forms: tuple[str, ...]) -> None:
    assert len({stem_english(form) for form in forms}) == 1


@pytest.mark.parametrize(
    "words",
    [("gebruikt", "bruik"), ("gebied", "bied"), ("klant", "klan"), ("kost", "kos")],
)
def test_words_that_only_look_inflected_keep_their_stem(words: tuple[str, str]) -> None:
    word, wrong = words
    assert stem_dutch(word) != wrong
