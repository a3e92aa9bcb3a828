"""The FAQ entries of one language, indexed by several rankers whose scores are combined.

Rankers, each 0..1:
- BM25 over each question phrasing (the question and every alternative; the best one counts),
- BM25 over all phrasings of an entry together (words spread over alternatives add up),
- character n-gram cosine over each phrasing (typos, inflections, compounds; best one counts),
- BM25 over the answer, and over tags and product names,
- BM25 over pairs of adjacent terms in each phrasing ("reminder email" beats "email ...
  reminder": word order and proximity, as in sequential dependence models).
The entry score is their weighted sum: an absolute scale the decision thresholds can rely on,
unlike rank fusion (bench/faq_retrieval.py measures both).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.core.knowledge.models import FaqEntry, Product
from bot.core.retrieval.analysis import Analyzer, Token
from bot.core.retrieval.bm25 import Bm25Field, Factors
from bot.core.retrieval.chargrams import CharGramIndex
from bot.core.retrieval.compact import consecutive_ranges, remembered
from bot.core.retrieval.topk import PostingList, top_k
from bot.core.retrieval.vocabulary import Vocabulary

T = TypeVar("T")

# Terms kept per answer: its most distinctive ones (see Bm25Field); answers are long, and
# their common words only slow queries down without changing the ranking.
ANSWER_TERMS = 40
# Weight of a query word the index has never seen (nor a typo or compound of a known word):
# customers add context the FAQ does not mention, which should lower a score only a little.
UNKNOWN_WEIGHT = 0.5
# A query whose known words carry less idf in total than this share of the rarest word's
# ("thanks, that helped" → only "help") has its scores scaled down in proportion: one common
# word is weak evidence for any entry.
EVIDENCE_FULL = 0.9
# A word counts as explained evidence when its idf is at least this share of the highest: it is
# not in most of the knowledge base's entries.
DISTINCTIVE_IDF = 0.25
# Prepared queries kept per index (an index is immutable, so a query prepares alike each time).
PREPARED_KEPT = 64


@dataclass(frozen=True)
class RankerScores:
    """One entry's score from each ranker (0..1); also used for the ranker weights."""

    best_phrasing: float
    all_phrasings: float
    phrasing_grams: float
    answer: float
    meta: float
    bigrams: float


# Tuned (random search, 25 candidates) on the VIRA dev split and the even-numbered half of our
# paraphrase set; the odd half, VIRA test and StackFAQ are the held-out checks. Sum: 1.
DEFAULT_WEIGHTS = RankerScores(
    best_phrasing=0.18,
    all_phrasings=0.21,
    phrasing_grams=0.255,
    answer=0.175,
    meta=0.075,
    bigrams=0.105,
)


@dataclass(frozen=True)
class PreparedQuery:
    """A query resolved against one index: what each ranker needs to score an entry."""

    phrasing_factors: Factors
    joined_factors: Factors
    answer_factors: Factors
    meta_factors: Factors
    word_scores: dict[str, float]
    bigram_factors: Factors
    confidence: float  # 0..1: how much the query says at all (see EVIDENCE_FULL)


class LanguageIndex:
    """Scores the entries of one language against a query."""

    def __init__(
        self,
        language: str,
        entries: Sequence[FaqEntry],
        products: Mapping[str, Product],
        weights: RankerScores = DEFAULT_WEIGHTS,
        learned: Mapping[tuple[str, str], Sequence[str]] | None = None,
    ) -> None:
        """`learned`: phrasings staff taught an entry (by its key), indexed like its own
        alternatives."""
        self.language = language
        self.entries = tuple(entries)
        self.analyzer = Analyzer(language)
        self.weights = weights
        self._prepared: dict[str, PreparedQuery] = {}  # see `prepare`
        phrasings: list[list[Token]] = []
        owners: list[int] = []
        learned = learned or {}
        for position, entry in enumerate(self.entries):
            taught = learned.get(entry.key, ()) if entry.kind == "faq" else ()
            for text in dict.fromkeys((entry.question, *entry.alternatives, *taught)):
                phrasings.append(_interned(self.analyzer.tokens(text)))
                owners.append(position)
        answers = [_interned(self.analyzer.tokens(entry.answer)) for entry in self.entries]
        metas = [
            _interned(self.analyzer.tokens(" ".join(_meta_words(e, products)))) for e in entries
        ]
        self.vocabulary = Vocabulary(
            self.analyzer, (t for group in (phrasings, answers, metas) for ts in group for t in ts)
        )
        every_entry = list(range(len(self.entries)))
        phrasing_terms = [self._index_terms(p) for p in phrasings]
        joined: list[list[str]] = [[] for _ in self.entries]
        for terms, owner in zip(phrasing_terms, owners, strict=True):
            joined[owner].extend(terms)
        self._phrasings = Bm25Field(phrasing_terms, owners)
        self._joined = Bm25Field(joined, every_entry)
        self._grams = CharGramIndex([[t.surface for t in p] for p in phrasings], owners)
        answer_terms = [self._index_terms(a) for a in answers]
        self._answers = Bm25Field(answer_terms, every_entry, max_terms=ANSWER_TERMS)
        self._metas = Bm25Field([self._index_terms(m) for m in metas], every_entry)
        pairs = [[sys.intern(pair) for pair in _bigrams([t.term for t in p])] for p in phrasings]
        self._bigrams = Bm25Field(pairs, owners)
        # An entry's phrasings are consecutive documents: a range each (a list and its numbers
        # cost four times as much).
        self._phrasings_of = consecutive_ranges(owners, len(self.entries))
        # Every term an entry can be found by (how many of a query's words an entry explains):
        # its joined phrasings', its answer's and its tags' documents hold them, but for the
        # answer's terms past ANSWER_TERMS, kept here (a tuple of all of them per entry cost
        # 6 MB at 10,000 entries; read for the first few candidates only).
        self._more_terms = [
            tuple(t for t in dict.fromkeys(terms) if not _in_any(t, self._entry_documents(n)))
            for n, terms in enumerate(answer_terms)
        ]

    def _index_terms(self, tokens: Sequence[Token]) -> list[str]:
        terms: list[str] = []
        for token in tokens:
            terms.append(token.term)
            terms.extend(self.vocabulary.compound_parts(token.surface))
        return terms

    def query_terms(self, tokens: Sequence[Token]) -> tuple[dict[str, float], dict[str, float]]:
        """(term → weight, word → weight) of a query resolved against this index.

        Typo repairs weigh less than exact words, unknown words UNKNOWN_WEIGHT.
        """
        terms: dict[str, float] = {}
        words: dict[str, float] = {}
        for token in dict.fromkeys(tokens):
            resolved = self.vocabulary.resolve(token)
            known = any(term in self.vocabulary.terms for term, _ in resolved)
            if not known and not token.surface.isalpha():
                continue  # an unknown number or code ("2.9", "x86") says nothing here
            factor = 1.0 if known else UNKNOWN_WEIGHT
            for term, weight in resolved:
                terms[term] = max(terms.get(term, 0.0), weight * factor)
            words[token.surface] = max(words.get(token.surface, 0.0), factor)
        return terms, words

    def prepare(self, query: str) -> PreparedQuery:
        """The query resolved against this index; the last few are kept (a search asks one
        index twice: for its stand-ins and for its own language's result)."""
        return remembered(self._prepared, query, PREPARED_KEPT, self._prepare)

    def _prepare(self, query: str) -> PreparedQuery:
        tokens = self.analyzer.tokens(query)
        terms, words = self.query_terms(tokens)
        firsts = [self.vocabulary.resolve(t)[0][0] for t in tokens]
        evidence = self._joined.evidence(terms)
        return PreparedQuery(
            confidence=min(1.0, evidence / (EVIDENCE_FULL * self._joined.max_idf)),
            bigram_factors=self._bigrams.factors(dict.fromkeys(_bigrams(firsts), 1.0)),
            phrasing_factors=self._phrasings.factors(terms),
            joined_factors=self._joined.factors(terms),
            answer_factors=self._answers.factors(terms),
            meta_factors=self._metas.factors(terms),
            word_scores=self._grams.word_scores(words),
        )

    def ranker_scores(self, query: PreparedQuery, entry: int) -> RankerScores:
        """Exact score of one entry from each ranker."""
        phrasings = self._phrasings_of[entry]
        return RankerScores(
            best_phrasing=max(
                self._phrasings.document_score(p, query.phrasing_factors) for p in phrasings
            ),
            all_phrasings=self._joined.document_score(entry, query.joined_factors),
            phrasing_grams=max(self._grams.document_score(p, query.word_scores) for p in phrasings),
            answer=self._answers.document_score(entry, query.answer_factors),
            meta=self._metas.document_score(entry, query.meta_factors),
            bigrams=max(self._bigrams.document_score(p, query.bigram_factors) for p in phrasings),
        )

    def combined(self, scores: RankerScores) -> float:
        w = self.weights  # spelled out: dataclasses.astuple deep-copies, 10x slower
        return (
            w.best_phrasing * scores.best_phrasing
            + w.all_phrasings * scores.all_phrasings
            + w.phrasing_grams * scores.phrasing_grams
            + w.answer * scores.answer
            + w.meta * scores.meta
            + w.bigrams * scores.bigrams
        )

    def posting_lists(self, query: PreparedQuery) -> list[PostingList]:
        """The query's posting lists, weighted as in `combined` × the query's confidence."""
        w = self.weights
        c = query.confidence
        return [
            *self._phrasings.posting_lists(query.phrasing_factors, w.best_phrasing * c),
            *self._joined.posting_lists(query.joined_factors, w.all_phrasings * c),
            *self._grams.posting_lists(query.word_scores, w.phrasing_grams * c),
            *self._answers.posting_lists(query.answer_factors, w.answer * c),
            *self._metas.posting_lists(query.meta_factors, w.meta * c),
            *self._bigrams.posting_lists(query.bigram_factors, w.bigrams * c),
        ]

    def explained_words(self, query: str, entry: int) -> int:
        """How many of the query's distinctive words the entry contains (any field). Words most
        entries of this knowledge base share ("plugin", "update") explain nothing."""
        return explained(self.distinctive(query), self.entry_terms_of(entry))

    def entry_terms_of(self, entry: int) -> Container[str]:
        """Every term the entry can be found by."""
        return _AnyOf((*self._entry_documents(entry), self._more_terms[entry]))

    @property
    def entry_terms(self) -> list[tuple[str, ...]]:
        """Every entry's terms, sorted (built when asked: for calibration)."""
        return [
            tuple(sorted({t for terms in self._entry_documents(n) for t in terms}.union(more)))
            for n, more in enumerate(self._more_terms)
        ]

    def _entry_documents(self, entry: int) -> tuple[Mapping[str, float], ...]:
        return (
            self._joined.terms_of(entry),
            self._answers.terms_of(entry),
            self._metas.terms_of(entry),
        )

    def distinctive(self, query: str) -> tuple[tuple[str, ...], ...]:
        """Per query word, the index terms it stands for that are distinctive (see
        `explained_words`); with `explained`, what calibration keeps instead of the index."""
        floor = DISTINCTIVE_IDF * self._joined.max_idf
        return tuple(
            tuple(t for t, _ in self.vocabulary.resolve(token) if self._joined.idf(t) >= floor)
            for token in dict.fromkeys(self.analyzer.tokens(query))
        )

    def all_ranker_scores(self, query: str) -> dict[int, RankerScores]:
        """Every entry sharing a term or gram with the query → its scores (slow: diagnostics)."""
        prepared = self.prepare(query)
        entries = {e for plist in self.posting_lists(prepared) for e, _ in plist.postings}
        return {entry: self.ranker_scores(prepared, entry) for entry in sorted(entries)}

    def top(
        self,
        query: str,
        k: int,
        adjust: Mapping[int, float] | None = None,
        among: Container[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The k best (entry position, score) pairs, best first; `adjust` adds to scores;
        `among`: only these entry positions (None: all)."""
        prepared = self.prepare(query)
        adjust = adjust or {}

        def exact(entry: int) -> float:
            score = self.combined(self.ranker_scores(prepared, entry))
            return score * prepared.confidence + adjust.get(entry, 0.0)

        best = top_k(self.posting_lists(prepared), exact, k, adjust, among)
        return [(entry, score) for score, entry in best if score > 0]


class _AnyOf:
    """Membership in any of some containers."""

    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[Container[str]]) -> None:
        self._parts = parts

    def __contains__(self, term: object) -> bool:
        return _in_any(term, self._parts)


def _in_any(term: object, parts: Sequence[Container[str]]) -> bool:
    return any(term in part for part in parts)


def explained(distinctive: Sequence[Sequence[str]], entry_terms: Container[str]) -> int:
    """How many query words (their distinctive terms, `LanguageIndex.distinctive`) an entry
    with these terms contains."""
    return sum(1 for terms in distinctive if any(term in entry_terms for term in terms))


def shared(fold: Sequence[T], serving: Sequence[T]) -> list[T]:
    """`fold`'s items, with `serving`'s object in place of each equal one (positions match), so
    that keeping the list keeps only what differs."""
    return [mine if mine != theirs else theirs for mine, theirs in zip(fold, serving, strict=True)]


def fold_explainer(
    fold: LanguageIndex, serving: LanguageIndex
) -> Callable[[str], Callable[[int], int]]:
    """For calibration: a query -> `fold.explained_words(query, n)` as a function of n that holds
    neither index, only the query's distinctive terms and the entries' terms (the serving
    index's where the fold's are equal). A probe keeps one for every held-out phrasing; when
    it held the fold's index, all folds' indexes were alive at once: the peak of a worker."""
    terms = shared(fold.entry_terms, serving.entry_terms)

    def explainer(query: str) -> Callable[[int], int]:
        wanted = fold.distinctive(query)
        return lambda n: explained(wanted, terms[n])

    return explainer


def _interned(tokens: list[Token]) -> list[Token]:
    """The tokens with shared strings: an index then holds each word and term once, not once
    per use (a tenth of a large index's memory)."""
    return [Token(sys.intern(t.surface), sys.intern(t.term)) for t in tokens]


def _meta_words(entry: FaqEntry, products: Mapping[str, Product]) -> list[str]:
    product = products.get(entry.product) if entry.product else None
    names = product.names if product else ((entry.product,) if entry.product else ())
    return [*entry.tags, *names]


def _bigrams(terms: Sequence[str]) -> list[str]:
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]
