"""How alike two missed questions are: the retrieval's own analysis (stop words dropped,
stems, synonyms), then rapidfuzz over the terms, order ignored."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from rapidfuzz import fuzz, process

from bot.core.retrieval.analysis import Analyzer

# token_sort_ratio of the analysed terms: "booking calendar empty" and "the calendar of
# bookings is empty" meet; "booking calendar" and "booking invoice" do not.
SAME_GROUP = 75.0
MAX_KEY_CHARS = 300


@cache
def _analyzer(language: str) -> Analyzer:
    return Analyzer(language)


def similarity_key(text: str, language: str) -> str:
    """The analysed terms of ``text``, sorted and without repeats ("" for no content words)."""
    terms = sorted(set(_analyzer(language).terms(text)))
    return " ".join(terms)[:MAX_KEY_CHARS]


def closest_group(key: str, groups: Mapping[int, str]) -> int | None:
    """The id of the group whose key is most like ``key``, if alike enough to join it."""
    if not key:
        return next((group for group, other in groups.items() if other == key), None)
    found = process.extractOne(key, groups, scorer=fuzz.token_sort_ratio, score_cutoff=SAME_GROUP)
    return None if found is None else int(found[2])
