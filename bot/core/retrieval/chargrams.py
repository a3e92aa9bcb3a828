"""Character n-gram TF-IDF with cosine similarity: tolerant of typos, inflection and compounds.

Grams are taken inside word boundaries (like scikit-learn's ``char_wb``) with smoothed idf: the
measured best lexical ranker for short FAQ questions. A document's vector is the sum of its
words' vectors, so a query is compared with each distinct word once and the word scores are
then added up per document; far fewer steps than walking every gram's document list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from bot.core.retrieval.compact import (
    entry_pairs,
    one_float,
    remembered,
    shared_by_count,
    word_pairs,
)
from bot.core.retrieval.topk import PostingList

GRAM_SIZES = (3, 4, 5)
# Word pairs less alike than this (cosine of their gram vectors) are ignored: sharing one
# common gram ("ing") says nothing, and skipping them keeps queries fast on large indexes.
MIN_WORD_COSINE = 0.2
SIMILAR_CACHE_SIZE = 8192


@lru_cache(maxsize=65536)
def word_grams(word: str) -> Counter[str]:
    """The grams of one word (cached: queries repeat words; do not modify the result)."""
    return char_grams((word,))


def char_grams(words: Iterable[str]) -> Counter[str]:
    """Counts of the 3-5 character grams of each word padded with spaces."""
    grams: Counter[str] = Counter()
    for word in words:
        padded = f" {word} "
        for size in GRAM_SIZES:
            if len(padded) <= size:
                grams[padded] += 1
                break
            for start in range(len(padded) - size + 1):
                grams[padded[start : start + size]] += 1
    return grams


class CharGramIndex:
    """Cosine similarity between a query and documents (lists of content words) of entries."""

    def __init__(self, documents: Sequence[Sequence[str]], owners: Sequence[int]) -> None:
        grams_of = {w: char_grams((w,)) for doc in documents for w in doc}
        df: Counter[str] = Counter()
        for doc in documents:
            df.update({g for w in set(doc) for g in grams_of[w]})
        total = len(documents)

        def idf(n: int) -> float:
            return math.log((1 + total) / (1 + n)) + 1

        by_df: dict[int, float] = {}
        self._idf = {gram: shared_by_count(by_df, n, idf) for gram, n in df.items()}
        self._unseen_idf = math.log(1 + total) + 1
        grams_to_words: dict[str, dict[str, float]] = {}
        for word, grams in grams_of.items():
            for gram, count in grams.items():
                grams_to_words.setdefault(gram, {})[word] = count * self._idf[gram]
        self._grams_to_words = word_pairs(grams_to_words)
        del grams_to_words
        self._word_norms = {
            word: math.sqrt(sum((n * self._idf[g]) ** 2 for g, n in grams.items()))
            for word, grams in grams_of.items()
        }
        doc_words: list[dict[str, float]] = []
        # Customers reuse the same words; the index is immutable, so their neighbours are too.
        self._similar_cache: dict[str, dict[str, float]] = {}
        best: dict[str, dict[int, float]] = {}
        shared: dict[float, float] = {}  # equal weights as one float object (most are 1/norm)
        for index, doc in enumerate(documents):
            vector: Counter[str] = Counter()
            for word in doc:
                vector.update(grams_of[word])
            norm = math.sqrt(sum((n * self._idf[g]) ** 2 for g, n in vector.items())) or 1.0
            counts = Counter(doc).items()
            weights = {word: one_float(shared, count / norm) for word, count in counts}
            doc_words.append(weights)
            for word, weight in weights.items():
                per_owner = best.setdefault(word, {})
                per_owner[owners[index]] = max(per_owner.get(owners[index], 0.0), weight)
        self._doc_words = doc_words  # dicts: scored for every candidate (see Bm25Field)
        self._postings = entry_pairs(best)

    def word_scores(self, words: Mapping[str, float]) -> dict[str, float]:
        """Index word → its share of the cosine with the query (dot product / query norm).

        `words` maps each query word to its weight in the query vector.
        """
        query: dict[str, float] = {}
        for word, weight in words.items():
            for gram, count in word_grams(word).items():
                query[gram] = query.get(gram, 0.0) + count * weight
        # Grams the index never saw still count in the query's length, so a query that is
        # mostly unknown words cannot look like a perfect match.
        norm = math.sqrt(
            sum((n * self._idf.get(g, self._unseen_idf)) ** 2 for g, n in query.items())
        )
        scores: dict[str, float] = {}
        if norm == 0:
            return scores
        for query_word, weight in words.items():
            for word, dot in self._similar_words(query_word).items():
                scores[word] = scores.get(word, 0.0) + weight * dot / norm
        return scores

    def posting_lists(self, word_scores: dict[str, float], weight: float) -> list[PostingList]:
        """Per similar index word: (entry, its best weight among the entry's documents)."""
        found = []
        for word, score in word_scores.items():
            pairs, largest = self._postings.posting(word)
            found.append(PostingList(pairs, weight * score, largest))
        return found

    def document_score(self, document: int, word_scores: dict[str, float]) -> float:
        words = self._doc_words[document]
        return min(1.0, sum(word_scores.get(w, 0.0) * weight for w, weight in words.items()))

    def _similar_words(self, query_word: str) -> dict[str, float]:
        """Index words whose gram vector is close to the query word's, with their dot product."""
        cache, size = self._similar_cache, SIMILAR_CACHE_SIZE
        return remembered(cache, query_word, size, self._find_similar_words)

    def _find_similar_words(self, query_word: str) -> dict[str, float]:
        grams = word_grams(query_word)
        weights = {g: n * self._idf.get(g, self._unseen_idf) for g, n in grams.items()}
        dots: dict[str, float] = {}
        for gram, weight in weights.items():
            for word, word_weight in self._grams_to_words.items_of(gram):
                dots[word] = dots.get(word, 0.0) + weight * word_weight
        floor = MIN_WORD_COSINE * math.sqrt(sum(w * w for w in weights.values()))
        return {w: dot for w, dot in dots.items() if dot >= floor * self._word_norms[w]}
