"""Okapi BM25 over analysed terms, scored per document and bounded per entry.

Documents belong to entries (an entry's question and each alternative phrasing are separate
documents; the best one counts). Scores are divided by the query's total idf, so they run
0..~1 and mean "how much of the query this document covers, weighted by rarity".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from bot.core.retrieval.compact import entry_pairs, one_float, shared_by_count
from bot.core.retrieval.topk import PostingList

K1 = 1.2
B = 0.75

Factors = dict[str, float]


class Bm25Field:
    """One field (e.g. all question phrasings, or all answers) of a set of entries.

    Document frequency counts entries, so an entry with many alternative phrasings does not
    make its own words look common.
    """

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        owners: Sequence[int],
        max_terms: int | None = None,
    ) -> None:
        """`max_terms` keeps only each document's most distinctive terms (static pruning):
        long answers then stop putting every entry on the postings of common words."""
        lengths = [len(doc) for doc in documents]
        average = max(sum(lengths) / len(lengths), 1.0) if lengths else 1.0
        counts = [Counter(doc) for doc in documents]
        entries_with: dict[str, set[int]] = {}
        for index, tf in enumerate(counts):
            for term in tf:
                entries_with.setdefault(term, set()).add(owners[index])
        entries = len(set(owners)) or 1

        def idf(df: int) -> float:
            return math.log(1 + (entries - df + 0.5) / (df + 0.5))

        by_df: dict[int, float] = {}
        self._idf = {t: shared_by_count(by_df, len(ids), idf) for t, ids in entries_with.items()}
        self.max_idf = math.log(1 + (entries + 0.5) / 0.5)
        doc_terms: list[dict[str, float]] = []
        best: dict[str, dict[int, float]] = {}
        # A saturation depends on a term's count and its document's length only, so millions
        # of them are a few thousand values: one float object each (the same doubles).
        shared: dict[float, float] = {}
        for index, tf in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[index] / average)
            saturations = {t: one_float(shared, n * (K1 + 1) / (n + norm)) for t, n in tf.items()}
            if max_terms is not None and len(saturations) > max_terms:
                kept = sorted(saturations, key=lambda t: -saturations[t] * self._idf[t])
                saturations = {t: saturations[t] for t in kept[:max_terms]}
            doc_terms.append(saturations)
            owner = owners[index]
            for term, saturation in saturations.items():
                per_owner = best.setdefault(term, {})
                per_owner[owner] = max(per_owner.get(owner, 0.0), saturation)
        # Dicts, not `DocumentWeights`: scored for every candidate of every query, where a
        # dict lookup is a third of the time (the memory: about a sixth of the index).
        self._doc_terms = doc_terms
        self._postings = entry_pairs(best)

    def idf(self, term: str) -> float:
        return self._idf.get(term, self.max_idf)

    def evidence(self, query: Mapping[str, float]) -> float:
        """How much the known query terms say: their weighted idf, summed."""
        return sum(weight * self._idf[t] for t, weight in query.items() if t in self._idf)

    def factors(self, query: Mapping[str, float]) -> Factors:
        """Per known query term: its weight × idf / the query's total idf."""
        total = sum(weight * self.idf(term) for term, weight in query.items())
        if total <= 0:
            return {}
        return {t: w * self._idf[t] / total for t, w in query.items() if t in self._postings.row_of}

    def posting_lists(self, factors: Factors, weight: float) -> list[PostingList]:
        """Per query term: (entry, best saturation among its documents), scaled by its factor."""
        found = []
        for term, factor in factors.items():
            pairs, largest = self._postings.posting(term)
            found.append(PostingList(pairs, weight * factor, largest))
        return found

    def terms_of(self, document: int) -> Mapping[str, float]:
        """The document's terms (those kept, see `max_terms`) and their saturations."""
        return self._doc_terms[document]

    def document_score(self, document: int, factors: Factors) -> float:
        terms = self._doc_terms[document]
        return min(1.0, sum(f * terms.get(t, 0.0) for t, f in factors.items()))
