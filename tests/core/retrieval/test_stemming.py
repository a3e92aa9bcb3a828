"""Dutch and English stemmers: Snowball results, and inflections that must meet."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.core.retrieval.dutch_stemmer import stem_dutch
from bot.core.retrieval.snowball import stem_english


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
        # where Snowball 3 differs from the frozen port it replaced (which gave "ad", "past")
        ("added", "add"),
        ("pasted", "paste"),
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


def test_threads_stem_as_one_thread_does() -> None:
    """PyStemmer's stemmers must not be shared between threads: each thread gets its own."""
    words = ["configuration", "installed", "connecting", "refunds", "cancellation"] * 400
    expected = [stem_english(word) for word in words]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: [stem_english(w) for w in words], range(16)))
    assert all(result == expected for result in results)


@pytest.mark.parametrize("word", ["\ud800", "abc\udcff", "caf\u00e9s", "\U0001f600s", "a\x00b"])
def test_any_string_gets_a_stem(word: str) -> None:
    """PyStemmer encodes to UTF-8: a lone surrogate must not make a turn fail."""
    assert isinstance(stem_english(word), str)
