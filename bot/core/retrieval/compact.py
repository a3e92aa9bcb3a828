"""Compact forms of the index's per-term and per-document numbers.

An index of 10,000 entries holds millions of (entry, value) pairs and hundreds of thousands of
small term -> weight maps; as Python tuples, floats and dicts they took most of a worker's
memory. These keep the same values (doubles) in the same order, in arrays.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence


def pairs_array(pairs: Iterable[tuple[int, float]]) -> array[float]:
    """(entry, value) pairs in one array: entry, value, entry, value... Entries are below
    2**53, so a double holds them exactly. What an index keeps per term; see `Postings`."""
    return array("d", [number for pair in pairs for number in pair])


class Postings:
    """A `pairs_array` iterated as the list of (entry, value) pairs it was made from."""

    __slots__ = ("_pairs",)

    def __init__(self, pairs: array[float]) -> None:
        self._pairs = pairs

    def __iter__(self) -> Iterator[tuple[int, float]]:
        numbers = iter(self._pairs)
        return zip(map(int, numbers), numbers, strict=True)

    def __len__(self) -> int:
        return len(self._pairs) // 2


class TermWeights:
    """A read-only term -> weight map, iterated in its order (a tuple and an array)."""

    __slots__ = ("_terms", "_values")

    def __init__(self, terms: Sequence[str], values: Sequence[float]) -> None:
        self._terms = terms
        self._values = values

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> TermWeights:
        return cls(tuple(weights), array("d", weights.values()))

    def items(self) -> Iterator[tuple[str, float]]:
        return zip(self._terms, self._values, strict=True)


class DocumentWeights:
    """Every document's term -> weight map of one field, in one tuple and two arrays (a few
    bytes a term, where a dict per document took about seventy)."""

    __slots__ = ("_starts", "_terms", "_values")

    def __init__(self, documents: Iterable[Mapping[str, float]]) -> None:
        terms: list[str] = []
        self._values = array("d")
        self._starts = array("i", [0])
        for weights in documents:
            terms.extend(weights)
            self._values.extend(weights.values())
            self._starts.append(len(terms))
        self._terms = tuple(terms)

    def items(self, document: int) -> Iterator[tuple[str, float]]:
        """The document's (term, weight) pairs, in its order."""
        start, end = self._starts[document], self._starts[document + 1]
        return zip(self._terms[start:end], self._values[start:end], strict=True)

    def dot(self, document: int, factors: Mapping[str, float]) -> float:
        """sum(factor × the document's weight of the term, 0 if none) over `factors` in
        order: the same products summed the same way as over a dict of the document's terms."""
        start, end = self._starts[document], self._starts[document + 1]
        terms, values = self._terms[start:end], self._values
        return sum(
            f * (values[start + terms.index(t)] if t in terms else 0.0) for t, f in factors.items()
        )

    def __len__(self) -> int:
        return len(self._starts) - 1
