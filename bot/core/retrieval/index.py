"""FAQ retrieval: the public index, its results, and the product and language rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.knowledge.models import FaqEntry, Product, ThirdPartyComponent
from bot.core.knowledge.third_party import ThirdPartyCatalogue
from bot.core.retrieval.analysis import MAX_ANALYSED_CHARS
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
# The product's name is taken out of the query (it would pull towards every entry mentioning
# it), so the boost stands in for that evidence; small next to a real difference in wording,
# so a general entry that fits better still wins.
PRODUCT_BOOST = 0.1
OTHER_PRODUCT_PENALTY = 0.05


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float  # 0..1 on an absolute scale, see Thresholds


@dataclass(frozen=True)
class FaqResult:
    """What to do with a question, and the entries behind it.

    `matches` are best first, at most `limit`: for "answer" the answer first (then any other
    plausible entries), for "suggest" the plausible entries, for "none" nothing. `language`
    is the language of the best match (each entry carries its own language too): usually the
    customer's, another one when only that language has a good entry.
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
        third_party: Sequence[ThirdPartyComponent] = (),
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        weights: RankerScores = DEFAULT_WEIGHTS,
    ) -> None:
        products = products or {}
        self.languages = tuple(dict.fromkeys(languages)) or ("nl",)
        self.thresholds = thresholds
        self._mentions = ProductMentions(products)
        own_names = [name for product in products.values() for name in product.names]
        self._third_party = (
            ThirdPartyCatalogue(third_party, exclude_slugs=products, exclude_names=own_names)
            if third_party
            else None
        )
        by_language = {lang: [e for e in entries if e.language == lang] for lang in self.languages}
        self._indexes = {
            lang: LanguageIndex(lang, found, products, weights)
            for lang, found in by_language.items()
        }
        self._stand_ins = {
            lang: self._build_stand_ins(lang, by_language, products, weights)
            for lang in by_language
        }

    def _build_stand_ins(
        self,
        language: str,
        by_language: Mapping[str, Sequence[FaqEntry]],
        products: Mapping[str, Product],
        weights: RankerScores,
    ) -> list[LanguageIndex]:
        """Indexes of the entries that exist only in other languages ("stand-ins"), so that a
        Dutch question still finds an entry written only in English (e.g. from a readme)."""
        own_ids = {entry.id for entry in by_language[language]}
        stand_ins: list[LanguageIndex] = []
        for other, found in by_language.items():
            missing = [entry for entry in found if entry.id not in own_ids]
            if other == language or not missing:
                continue
            if len(missing) == len(found):  # nothing translated: share the full index
                stand_ins.append(self._indexes[other])
            else:
                stand_ins.append(LanguageIndex(other, missing, products, weights))
        return stand_ins

    def search(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> FaqResult:
        """Best entries for `query` in `language`; another language when that fits better."""
        named, text = self._understand(query, product)
        limit, k = max(limit, 1), max(limit, 2)
        first = language if language in self._indexes else self.languages[0]
        searched: dict[int, list[FaqMatch]] = {}
        result = self._result(self._ranked(first, text, named, k, searched), first, limit)
        for other in self.languages:
            if result.decision == "answer":
                break
            if other != first:
                # The customer may write in one language about an entry in another. Its
                # stand-ins are entries of the languages searched already: not again.
                ranked = self._top(self._indexes[other], text, named, k, searched)
                fallback = self._result(ranked, other, limit)
                if DECISION_RANK[fallback.decision] > DECISION_RANK[result.decision]:
                    result = fallback
        return result

    def ranked(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> tuple[FaqMatch, ...]:
        """The nearest entries for `language`, whatever the decision (for diagnostics)."""
        if language not in self._indexes:
            return ()
        named, text = self._understand(query, product)
        return tuple(self._ranked(language, text, named, max(limit, 1)))

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

    def _understand(self, query: str, product: str | None) -> tuple[set[str], str]:
        """(our products named or given, the text to match) for a query."""
        query = query[:MAX_ANALYSED_CHARS]
        named = set(self._mentions.find(query))
        if product:
            named.add(product)
        # The product is accounted for by the boost; its name would only pull towards every
        # entry that happens to mention it.
        text = self._mentions.without_names(query) if named else query
        # A named third-party plugin or theme ("elementor") also means "third party", which
        # is how the FAQ talks about them; the name itself stays for entries that mention it.
        if self._third_party and self._third_party.find_in_text(query):
            text += " thirdparty"
        return named, text

    def _ranked(
        self,
        language: str,
        text: str,
        named: set[str],
        k: int,
        searched: dict[int, list[FaqMatch]] | None = None,
    ) -> list[FaqMatch]:
        """The k best matches among `language`'s entries and its stand-ins, best first."""
        searched = {} if searched is None else searched
        matches: list[FaqMatch] = []
        for index in (self._indexes[language], *self._stand_ins[language]):
            matches.extend(self._top(index, text, named, k, searched))
        matches.sort(key=lambda match: -match.score)
        return matches[:k]

    @staticmethod
    def _top(
        index: LanguageIndex,
        text: str,
        named: set[str],
        k: int,
        searched: dict[int, list[FaqMatch]],
    ) -> list[FaqMatch]:
        """One index's k best for this query, computed once per search."""
        if id(index) not in searched:
            adjust = _product_adjustments(index.entries, named)
            searched[id(index)] = [
                FaqMatch(index.entries[position], min(max(score, 0.0), 1.0))
                for position, score in index.top(text, k, adjust)
            ]
        return searched[id(index)]

    def _result(self, ranked: list[FaqMatch], language: str, limit: int) -> FaqResult:
        decision = decide([match.score for match in ranked], self.thresholds)
        shown = tuple(m for m in ranked if m.score >= self.thresholds.suggest)[:limit]
        return FaqResult(decision, shown, shown[0].entry.language if shown else language)


def _product_adjustments(entries: Sequence[FaqEntry], named: set[str]) -> dict[int, float]:
    if not named:
        return {}
    return {
        position: PRODUCT_BOOST if entry.product in named else -OTHER_PRODUCT_PENALTY
        for position, entry in enumerate(entries)
        if entry.product
    }
