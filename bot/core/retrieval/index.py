"""FAQ retrieval: the public index, its results, and the product and language rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.knowledge.models import FaqEntry, Product
from bot.core.retrieval.decision import (
    DECISION_RANK,
    DEFAULT_THRESHOLDS,
    Decision,
    Thresholds,
    decide,
)
from bot.core.retrieval.language_index import DEFAULT_WEIGHTS, LanguageIndex, RankerScores
from bot.core.retrieval.products import ProductMentions

# Added to entries of the product the customer named, taken from entries of other products.
# Small next to a real difference in wording, so a general entry that fits better still wins.
PRODUCT_BOOST = 0.05
OTHER_PRODUCT_PENALTY = 0.05


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float  # 0..1 on an absolute scale, see Thresholds


@dataclass(frozen=True)
class FaqResult:
    """What to do with a question, and the entries behind it.

    `matches` are best first, at most `limit`: for "answer" the answer first (then any other
    plausible entries), for "suggest" the plausible entries, for "none" nothing.
    """

    decision: Decision
    matches: tuple[FaqMatch, ...]
    language: str

    @property
    def best(self) -> FaqMatch | None:
        return self.matches[0] if self.matches else None


class FaqIndex:
    """All FAQ entries, indexed once per language; `search` is cheap and thread-safe."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        products: Mapping[str, Product] | None = None,
        languages: Sequence[str] = ("nl", "en"),
        *,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        weights: RankerScores = DEFAULT_WEIGHTS,
    ) -> None:
        products = products or {}
        self.languages = tuple(dict.fromkeys(languages)) or ("nl",)
        self.thresholds = thresholds
        self._mentions = ProductMentions(products)
        self._indexes = {
            language: LanguageIndex(
                language, [e for e in entries if e.language == language], products, weights
            )
            for language in self.languages
        }

    def search(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> FaqResult:
        """Best entries for `query`, in `language` or, failing a good one, another language."""
        named = set(self._mentions.find(query))
        if product:
            named.add(product)
        # The product is accounted for by the boost; its name would only pull towards every
        # entry that happens to mention it.
        text = self._mentions.without_names(query) if named else query
        limit = max(limit, 1)
        first = language if language in self._indexes else self.languages[0]
        result = self._search_in(first, text, named, limit)
        for other in self.languages:
            if result.decision == "answer":
                break
            if other != first:
                fallback = self._search_in(other, text, named, limit)
                if DECISION_RANK[fallback.decision] > DECISION_RANK[result.decision]:
                    result = fallback
        return result

    def ranked(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> tuple[FaqMatch, ...]:
        """The nearest entries in one language, whatever the decision (for diagnostics)."""
        named = set(self._mentions.find(query)) | ({product} if product else set())
        text = self._mentions.without_names(query) if named else query
        index = self._indexes.get(language)
        if index is None:
            return ()
        ranked = index.top(text, max(limit, 1), self._product_adjustments(index.entries, named))
        return tuple(FaqMatch(index.entries[p], min(max(s, 0.0), 1.0)) for p, s in ranked)

    def ranker_scores(self, query: str, language: str) -> dict[FaqEntry, RankerScores]:
        """Each ranker's score for every entry sharing anything with `query` (diagnostics)."""
        index = self._indexes.get(language)
        if index is None:
            return {}
        scores = index.all_ranker_scores(query)
        return {index.entries[position]: value for position, value in scores.items()}

    def mentioned_products(self, query: str) -> list[str]:
        """Slugs of our products named in `query`, in order of mention."""
        return self._mentions.find(query)

    def _search_in(self, language: str, query: str, named: set[str], limit: int) -> FaqResult:
        index = self._indexes[language]
        adjust = self._product_adjustments(index.entries, named)
        ranked = index.top(query, max(limit, 2), adjust)
        scores = [min(max(score, 0.0), 1.0) for _, score in ranked]
        decision = decide(scores, self.thresholds)
        matches = [
            FaqMatch(index.entries[position], score)
            for (position, _), score in zip(ranked, scores, strict=True)
        ]
        matches = [m for m in matches if m.score >= self.thresholds.suggest]
        return FaqResult(decision, tuple(matches[:limit]), language)

    @staticmethod
    def _product_adjustments(entries: Sequence[FaqEntry], named: set[str]) -> dict[int, float]:
        if not named:
            return {}
        return {
            position: PRODUCT_BOOST if entry.product in named else -OTHER_PRODUCT_PENALTY
            for position, entry in enumerate(entries)
            if entry.product
        }
