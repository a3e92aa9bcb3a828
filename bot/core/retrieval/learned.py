"""The per-language word indexes of the FAQ, built with the phrasings staff taught; what
``FaqIndex`` builds at start and again, per changed language, when phrasings are taught."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.core.knowledge.models import FaqEntry, Product
from bot.core.retrieval.language_index import LanguageIndex, RankerScores

Taught = Mapping[tuple[str, str], tuple[str, ...]]  # entry key -> its taught phrasings


def taught(
    phrasings: Mapping[tuple[str, str], Sequence[str]], entries: Iterable[FaqEntry]
) -> Taught:
    """The phrasings of entries that exist, without repeats."""
    known = {entry.key for entry in entries}
    return {key: tuple(dict.fromkeys(texts)) for key, texts in phrasings.items() if key in known}


def changed_languages(before: Taught, after: Taught) -> set[str]:
    return {key[0] for key in {*before, *after} if before.get(key) != after.get(key)}


def language_indexes(
    faq: Mapping[str, Sequence[FaqEntry]],
    cards: Mapping[str, Sequence[FaqEntry]],
    languages: Sequence[str],
    products: Mapping[str, Product],
    weights: RankerScores,
    learned: Taught,
) -> dict[str, LanguageIndex]:
    """One index per language of its FAQ entries and route cards."""
    return {
        lang: LanguageIndex(lang, [*faq[lang], *cards[lang]], products, weights, learned)
        for lang in languages
    }


@dataclass(frozen=True)
class StandIn:
    """Entries that exist only in another language ("stand-ins"), so that a Dutch question still
    finds an entry written only in English (e.g. from a readme): that language's own index,
    searched among these entries only (`among`, their positions in it)."""

    index: LanguageIndex
    among: frozenset[int]


def stand_ins(
    faq: Mapping[str, Sequence[FaqEntry]],
    language: str,
    indexes: Mapping[str, LanguageIndex],
) -> list[StandIn]:
    """The stand-ins of `language`, one per other language that has any. The other language's
    index is shared, not built again for them: its statistics (idf, average lengths) count its
    whole knowledge base and its route cards."""
    own_ids = {entry.id for entry in faq[language]}
    found: list[StandIn] = []
    for other, entries in faq.items():
        among = frozenset(n for n, entry in enumerate(entries) if entry.id not in own_ids)
        if other != language and among:
            found.append(StandIn(indexes[other], among))  # its FAQ entries come first
    return found


class WordIndexes:
    """Each language's index and stand-ins, rebuilt for the languages whose taught phrasings
    change (built aside, then swapped in: readers on other threads see old or new, whole)."""

    def __init__(
        self,
        faq: Mapping[str, Sequence[FaqEntry]],
        cards: Mapping[str, Sequence[FaqEntry]],
        languages: Sequence[str],
        products: Mapping[str, Product],
        weights: RankerScores,
    ) -> None:
        self.faq, self.cards, self.languages = faq, cards, languages
        self.products, self.weights = products, weights
        self.learned: Taught = {}
        self.indexes = self._indexes(languages)
        self.stand_ins = {lang: self._stand_ins(lang) for lang in languages}

    def _indexes(self, languages: Sequence[str]) -> dict[str, LanguageIndex]:
        found = (self.faq, self.cards, languages, self.products, self.weights, self.learned)
        return language_indexes(*found)

    def _stand_ins(self, language: str) -> list[StandIn]:
        return stand_ins(self.faq, language, self.indexes)

    def learn(self, phrasings: Mapping[tuple[str, str], Sequence[str]]) -> None:
        entries = (entry for found in self.faq.values() for entry in found)
        before, self.learned = self.learned, taught(phrasings, entries)
        if changed := changed_languages(before, self.learned):
            self.indexes = {**self.indexes, **self._indexes(sorted(changed))}
            self.stand_ins = {lang: self._stand_ins(lang) for lang in self.languages}
