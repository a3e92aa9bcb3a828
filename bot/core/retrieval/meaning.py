"""The semantic stage inside the FAQ index: every phrasing of a language's entries, by meaning.

The phrasings (questions, alternatives, route examples) are registered with the scorer once,
per language; a query's similarity to an entry is its best similarity to one of the entry's
phrasings. A failing model never fails a search: it is logged, and the words decide alone.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping, Sequence

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.calibration import MeaningMatrix
from bot.core.retrieval.semantic import SemanticScorer, best_per_owner

log = logging.getLogger(__name__)


class MeaningIndex:
    def __init__(self, scorer: SemanticScorer, entries: Mapping[str, Sequence[FaqEntry]]) -> None:
        self.scorer = scorer
        self._entries = entries
        self._keys: dict[str, Hashable] = {}
        self._owners: dict[str, list[int]] = {}
        self._text_of: dict[str, dict[tuple[int, str], int]] = {}
        for language, found in entries.items():
            texts: list[str] = []
            owners: list[int] = []
            text_of: dict[tuple[int, str], int] = {}
            for position, entry in enumerate(found):
                for phrasing in entry.phrasings:
                    text_of[(position, phrasing)] = len(texts)
                    texts.append(phrasing)
                    owners.append(position)
            self._keys[language] = scorer.register(texts)
            self._owners[language] = owners
            self._text_of[language] = text_of

    @property
    def name(self) -> str:
        return self.scorer.name

    def scores(self, query: str, language: str) -> list[float] | None:
        """Each entry's similarity to the query, in the language index's order; None when the
        model failed (logged) or the language has no entries."""
        key = self._keys.get(language)
        if key is None or not self._owners[language]:
            return None
        try:
            similarities = self.scorer.similarities(query, key)
        except Exception:  # a broken model must not cost the customer an answer
            log.warning("semantic stage failed; the word rankers decide alone", exc_info=True)
            return None
        size = len(self._entries[language])
        return best_per_owner(similarities, self._owners[language], size)

    def matrix(self, language: str) -> MeaningMatrix:
        """Every phrasing against every other, for calibration."""
        return MeaningMatrix(
            self.scorer.pairwise(self._keys[language]),
            self._text_of[language],
            self._owners[language],
        )
