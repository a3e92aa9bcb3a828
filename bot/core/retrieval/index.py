"""FAQ retrieval: the public index, its results, and the product and language rules.

One `LanguageIndex` per language holds that language's FAQ entries *and* the policy routes'
cards (`bot.core.knowledge.route_cards`), so a message is scored against both with the same
analysis. `search` (the FAQ search box, `supportbot ask`) returns FAQ entries only;
`candidates` (the dialogue engine) returns both, and the engine decides among them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Container, Mapping, Sequence
from functools import partial

from bot.core.knowledge.models import FaqEntry, Product, ThirdPartyComponent
from bot.core.knowledge.third_party import ThirdPartyCatalogue
from bot.core.retrieval.calibration import (
    Calibration,
    Probe,
    Ranker,
    calibrate,
    chosen_fusion,
    fused_outcome,
    probes,
    words_outcome,
)
from bot.core.retrieval.calibration_cache import CalibrationStore, cached, fingerprint
from bot.core.retrieval.decision import Gate, Thresholds, decide, lead_of, without_vetoed
from bot.core.retrieval.fusion import Fusion, fused_ranking
from bot.core.retrieval.language_index import (
    DEFAULT_WEIGHTS,
    LanguageIndex,
    RankerScores,
    explained,
    fold_explainer,
)
from bot.core.retrieval.learned import StandIn, WordIndexes
from bot.core.retrieval.meaning import MeaningIndex, Translations
from bot.core.retrieval.products import ProductMentions, product_adjustments
from bot.core.retrieval.query_reading import QueryReader
from bot.core.retrieval.results import FaqMatch, FaqResult, decides_better, faq_only, shows_more
from bot.core.retrieval.semantic import SemanticScorer

log = logging.getLogger(__name__)

# How many candidates the engine sees: enough for a runner-up of another meaning.
CANDIDATES = 8
# How many of the best matches count the query words they contain (route cards may be vetoed
# ahead of an FAQ entry, so more than one).
EXPLAINED_RANKS = 3


class FaqIndex:
    """All FAQ entries (and policy route cards), indexed once per language; thread-safe."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        products: Mapping[str, Product] | None = None,
        languages: Sequence[str] = ("nl", "en"),
        *,
        third_party: Sequence[ThirdPartyComponent] = (),
        cards: Sequence[FaqEntry] = (),
        thresholds: Thresholds | None = None,
        weights: RankerScores = DEFAULT_WEIGHTS,
        semantic: SemanticScorer | None = None,
        calibration_store: CalibrationStore | None = None,
    ) -> None:
        """`thresholds` fixes the gate for every language; by default each language's gate is
        calibrated on this knowledge base (`bot.core.retrieval.calibration`), or read from the
        `calibration_store`. `semantic` adds the semantic stage (`...retrieval.semantic`)."""
        products = products or {}
        self.languages = tuple(dict.fromkeys(languages)) or ("nl",)
        self.products = products
        self.weights = weights
        self._mentions = ProductMentions(products)
        own_names = [name for product in products.values() for name in product.names]
        self._reader = QueryReader(
            self._mentions,
            ThirdPartyCatalogue(third_party, exclude_slugs=products, exclude_names=own_names)
            if third_party
            else None,
        )
        self._faq = {lang: [e for e in entries if e.language == lang] for lang in self.languages}
        self._cards = {lang: [c for c in cards if c.language == lang] for lang in self.languages}
        self._words = WordIndexes(self._faq, self._cards, self.languages, products, weights)
        self.meaning, self.translations = self._meaning(semantic)
        self.calibrations: dict[str, Calibration] = {}
        if thresholds is None:
            everything = [
                e for lang in self.languages for e in (*self._faq[lang], *self._cards[lang])
            ]
            key = fingerprint(
                everything,
                self.languages,
                products,
                weights,
                third_party,
                self.meaning.name if self.meaning else None,
            )
            self.calibrations = cached(key, self._calibrate, calibration_store)
        self._gates: dict[str, Gate] = {
            lang: thresholds or self.calibrations[lang].gate for lang in self.languages
        }

    @property
    def _indexes(self) -> dict[str, LanguageIndex]:
        return self._words.indexes

    @property
    def _stand_ins(self) -> dict[str, list[StandIn]]:
        return self._words.stand_ins

    def learn(self, phrasings: Mapping[tuple[str, str], Sequence[str]]) -> None:
        """Index taught phrasings (entry key -> phrasings) as alternatives, in place of those
        before; the gate stays as calibrated on the knowledge base (``learned.WordIndexes``)."""
        self._words.learn(phrasings)

    def _meaning(self, semantic: SemanticScorer | None) -> tuple[MeaningIndex | None, Translations]:
        """The semantic stage and the translations it finds; none without it."""
        if semantic is None:
            return None, Translations()
        try:
            meaning = MeaningIndex(
                semantic, {lang: idx.entries for lang, idx in self._indexes.items()}
            )
            return meaning, meaning.translations(self.languages)
        except Exception:  # the stage is an extra: without it, the words decide alone
            log.error("semantic stage unavailable; FAQ search uses the words only", exc_info=True)
            return None, Translations()

    # -- the gate ------------------------------------------------------------------------------
    def _calibrate(self) -> dict[str, Calibration]:
        words, fused = {}, {}  # language -> outcomes (and the fusion chosen)
        for lang in self.languages:  # one language's probes at a time: only outcomes are kept
            found = self._probes(lang)
            words[lang] = [words_outcome(p) for p in found]
            if self.meaning is not None:
                entries = self._indexes[lang].entries
                fusion = chosen_fusion(found, entries, self.meaning.matrix(lang))
                fused[lang] = (fusion, [fused_outcome(p, entries, fusion) for p in found])
            del found
        return calibrate(words, fused)

    def _probes(self, language: str) -> list[Probe]:
        def build(kept: list[FaqEntry]) -> Ranker:
            index = LanguageIndex(language, kept, self.products, self.weights)
            k = CANDIDATES + 2 * len(self._cards[language])
            explainer = fold_explainer(index, self._indexes[language])  # not holding `index`

            def rank(query: str) -> tuple[list[FaqMatch], Callable[[int], int]]:
                named, text = self.understand(query, None)
                return self.rank(index, text, named, k), explainer(text)

            return rank

        meaning = self.meaning.matrix(language) if self.meaning else None
        return probes([*self._faq[language], *self._cards[language]], build, meaning)

    def gate(self, language: str, *, fused: bool = False) -> Gate:
        """The language's gate; `fused` for a ranking with the semantic stage."""
        found = self.calibrations.get(language)
        if fused and found is not None and found.fused_gate is not None:
            return found.fused_gate
        return self._gates.get(language) or self._gates[self.languages[0]]

    @property
    def thresholds(self) -> Gate:
        """The first language's gate."""
        return self.gate(self.languages[0])

    # -- for the dialogue engine -------------------------------------------------------------
    def candidates(
        self, query: str, language: str, *, product: str | None = None, k: int = CANDIDATES
    ) -> tuple[FaqMatch, ...]:
        """FAQ entries and policy route cards of `language`, best first (vetoed cards dropped)."""
        index = self._indexes.get(language)
        if index is None:
            return ()
        named, text = self.understand(query, product)
        return tuple(without_vetoed(self.rank(index, text, named, k + 2 * len(self._cards))))[:k]

    def twin(self, entry: FaqEntry, language: str) -> FaqEntry | None:
        """The same article in `language`: the entry with the same id, or one whose question
        means the same (different file names per language are common)."""
        for candidate in self._faq.get(language, ()):
            if candidate.id == entry.id:
                return candidate
        twin_id = self.translations.twin_id(entry, language)
        return next((e for e in self._faq.get(language, ()) if e.id == twin_id), None)

    def fused_candidates(
        self,
        query: str,
        language: str,
        *,
        product: str | None = None,
        k: int = CANDIDATES,
        faq_only: bool = False,
    ) -> tuple[FaqMatch, ...] | None:
        """Like `candidates`, ranked by words and meaning together; None without the stage."""
        index = self._indexes.get(language)
        scores = self.meaning.scores(query, language) if self.meaning and index else None
        if index is None or scores is None:
            return None
        named, text = self.understand(query, product)
        words = self.rank(index, text, named, k + 2 * len(self._cards[language]))
        answers = self.meaning.answer_scores(query, language) if self.meaning else None
        if faq_only:
            words = [m for m in words if m.entry.kind == "faq"]
            scores = [
                s if e.kind == "faq" else -1.0 for s, e in zip(scores, index.entries, strict=True)
            ]
        found = self.calibrations.get(language)
        fusion = found.fusion if found is not None else Fusion()
        ranked = fused_ranking(
            index.entries, words, scores, fusion, partial(index.explained_words, text), answers
        )
        return tuple(FaqMatch(m.entry, m.score, m.explained, m.agreement) for m in ranked[:k])

    def fused_other_languages(
        self, query: str, language: str, *, product: str | None = None
    ) -> tuple[str, tuple[FaqMatch, ...]]:
        """The best other language's FAQ entries by words and meaning."""
        best: tuple[str, tuple[FaqMatch, ...]] = (language, ())
        for other in self.languages:
            if other == language:
                continue
            ranked = self.fused_candidates(query, other, product=product, faq_only=True) or ()
            if ranked and (not best[1] or ranked[0].score > best[1][0].score):
                best = (other, ranked)
        return best

    def other_languages(
        self, query: str, language: str, *, product: str | None = None, k: int = CANDIDATES
    ) -> tuple[str, tuple[FaqMatch, ...]]:
        """The best other language's FAQ entries for `query` (when the customer's has none)."""
        named, text = self.understand(query, product)
        best: tuple[str, tuple[FaqMatch, ...]] = (language, ())
        for other in self.languages:
            if other == language:
                continue
            ranked = faq_only(self.rank(self._indexes[other], text, named, k + 20))[:k]
            if ranked and (not best[1] or ranked[0].score > best[1][0].score):
                best = (other, tuple(ranked))
        return best

    # -- for the FAQ search box and `supportbot ask` ---------------------------------------------
    def search(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> FaqResult:
        """Best FAQ entries for `query` in `language`; another language when that fits better."""
        named, text = self.understand(query, product)
        limit, k = max(limit, 1), max(limit, 2)
        first = language if language in self._indexes else self.languages[0]
        result = self._result(self._ranked(first, text, named, k), first, limit)
        for other in self.languages:
            if other == first:
                continue
            # The customer may write in one language about an entry in another: the other
            # language's result wins when it decides better, or as well with a higher score, or
            # as well as the customer's best match that is a stand-in of it (`shows_more`).
            ranked = faq_only(self.rank(self._indexes[other], text, named, k + 20))
            fallback = self._result(ranked[:k], other, limit)
            if decides_better(fallback, result) or shows_more(fallback, result):
                result = fallback
        if result.decision == "none" and self.meaning is not None:
            result = self._by_meaning(query, first, product, limit) or result
        return result

    def _by_meaning(
        self, query: str, language: str, product: str | None, limit: int
    ) -> FaqResult | None:
        """The search box when the words find nothing: words and meaning together."""
        for other in (language, *(lang for lang in self.languages if lang != language)):
            ranked = self.fused_candidates(query, other, product=product, faq_only=True)
            if not ranked:
                continue
            gate = self.gate(other, fused=True)
            decision = decide(lead_of(ranked), gate, "shown")
            if decision != "none":
                shown = tuple(m for m in ranked if m.score >= gate.suggest)[:limit]
                return FaqResult(decision, shown, other)
        return None

    def ranked(
        self, query: str, language: str, *, product: str | None = None, limit: int = 3
    ) -> tuple[FaqMatch, ...]:
        """The nearest FAQ entries for `language`, whatever the decision (for diagnostics)."""
        if language not in self._indexes:
            return ()
        named, text = self.understand(query, product)
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

    # -- shared steps ------------------------------------------------------------------------------
    def understand(self, query: str, product: str | None) -> tuple[set[str], str]:
        """(our products named or given, the text to match) for a query."""
        return self._reader.read(query, product)

    @staticmethod
    def rank(
        index: LanguageIndex,
        text: str,
        named: set[str],
        k: int,
        among: Container[int] | None = None,
    ) -> list[FaqMatch]:
        """One index's k best for this (understood) query, best first, among these entries'
        positions (None: all); the first few say how many of the query's words they contain
        (evidence for the gate)."""
        adjust = product_adjustments(index.entries, named)
        best = index.top(text, k, adjust, among)
        # The query's distinctive words, read once for the first few (`explained_words` each).
        distinctive = index.distinctive(text) if best else ()
        first = best[:EXPLAINED_RANKS]
        counts = [explained(distinctive, index.entry_terms_of(p)) for p, _ in first]
        return [
            FaqMatch(index.entries[p], min(max(s, 0.0), 1.0), counts[r] if r < len(counts) else 0)
            for r, (p, s) in enumerate(best)
        ]

    def _ranked(self, language: str, text: str, named: set[str], k: int) -> list[FaqMatch]:
        """The k best FAQ entries of `language` and its stand-ins, best first."""
        cards = len(self._cards[language])
        matches = faq_only(self.rank(self._indexes[language], text, named, k + cards))[:k]
        for stand_in in self._stand_ins[language]:
            matches.extend(self.rank(stand_in.index, text, named, k, stand_in.among))
        matches.sort(key=lambda match: -match.score)
        return matches[:k]

    def _result(self, ranked: list[FaqMatch], language: str, limit: int) -> FaqResult:
        gate = self.gate(language)
        decision = decide(lead_of(ranked), gate, "shown")
        shown = tuple(m for m in ranked if m.score >= gate.suggest)[:limit]
        return FaqResult(decision, shown, shown[0].entry.language if shown else language)
