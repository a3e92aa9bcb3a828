"""Compact forms of the index's per-term and per-document numbers.

An index of 10,000 entries holds millions of (entry, value) pairs; as Python tuples of ints and
floats they took a quarter of a worker's memory. These keep the same values (doubles) in the
same order, in arrays. (Each document's term weights stay dicts: they are read for every
candidate of every query, and a tuple-and-array form made queries 30 % slower.)
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence


def pairs_array(pairs: Iterable[tuple[int, float]]) -> array[float]:
    """(entry, value) pairs in one array: entry, value, entry, value... Entries are below
    2**53, so a double holds them exactly. What an index keeps per term; see `Postings`."""
    return array("d", [number for pair in pairs for number in pair])


def one_float(seen: dict[float, float], value: float) -> float:
    """`value` as the float object of an equal value seen before: the same double, stored once
    (a document's millions of weights are a few thousand distinct values; 24 bytes each)."""
    return seen.setdefault(value, value)


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
