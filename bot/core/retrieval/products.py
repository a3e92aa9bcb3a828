"""Recognise our own products named in a question: by name, alias or slug, typos included."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz.distance import OSA

from bot.core.knowledge.models import FaqEntry, Product
from bot.core.retrieval.analysis import normalise, split_words
from bot.core.retrieval.stopwords import is_stop_word

# Added to entries of the product the customer named, taken from entries of other products.
# The product's name is taken out of the query (it would pull towards every entry mentioning
# it), so the boost stands in for that evidence; small next to a real difference in wording,
# so a general entry that fits better still wins.
PRODUCT_BOOST = 0.1
OTHER_PRODUCT_PENALTY = 0.05
# One typo is tolerated in single-word names at least this long ("woocomerce").
MIN_FUZZY_NAME = 6


class ProductMentions:
    """Finds the products a text mentions, in order of first mention."""

    def __init__(self, products: Mapping[str, Product]) -> None:
        self._single: dict[str, str] = {}
        self._phrases: list[tuple[tuple[str, ...], str]] = []
        for slug, product in products.items():
            for name in (*product.names, slug.replace("-", " ")):
                name_words = tuple(split_words(normalise(name)))
                if not name_words or (len(name_words) == 1 and is_stop_word(name_words[0])):
                    continue
                self._single.setdefault("".join(name_words), slug)
                if len(name_words) > 1:
                    self._phrases.append((name_words, slug))
        self._phrases.sort(key=lambda phrase: -len(phrase[0]))

    def find(self, text: str) -> list[str]:
        """Slugs of the products named in `text` (exact words, or one typo in long names)."""
        found = self._mentions(split_words(normalise(text)))
        return sorted(found, key=lambda slug: min(found[slug]))

    def without_names(self, text: str) -> str:
        """`text` (normalised) with the product names taken out, for matching the rest."""
        text_words = split_words(normalise(text))
        named = {p for positions in self._mentions(text_words).values() for p in positions}
        return " ".join(w for position, w in enumerate(text_words) if position not in named)

    def _mentions(self, text_words: list[str]) -> dict[str, list[int]]:
        """Slug → word positions of its mentions."""
        found: dict[str, list[int]] = {}
        taken: set[int] = set()
        for name_words, slug in self._phrases:
            size = len(name_words)
            for start in range(len(text_words) - size + 1):
                span = range(start, start + size)
                if tuple(text_words[start : start + size]) == name_words and taken.isdisjoint(span):
                    found.setdefault(slug, []).extend(span)
                    taken.update(span)
        for position, word in enumerate(text_words):
            if position in taken:
                continue
            single = self._single.get(word) or self._fuzzy(word)
            if single:
                found.setdefault(single, []).append(position)
        return found

    def _fuzzy(self, word: str) -> str | None:
        if len(word) < MIN_FUZZY_NAME:
            return None
        for name, slug in self._single.items():
            if len(name) >= MIN_FUZZY_NAME and OSA.distance(word, name, score_cutoff=1) <= 1:
                return slug
        return None


def product_adjustments(entries: Sequence[FaqEntry], named: set[str]) -> dict[int, float]:
    if not named:
        return {}
    return {
        position: PRODUCT_BOOST if entry.product in named else -OTHER_PRODUCT_PENALTY
        for position, entry in enumerate(entries)
        if entry.product
    }
