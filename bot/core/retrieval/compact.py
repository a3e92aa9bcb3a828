"""Compact forms of the index's per-term numbers.

An index of 10,000 entries holds millions of (entry, value) pairs under some 200,000 keys
(terms, words, character grams). One small array per key cost a header, a dict entry and a
float for its largest value each; a `PairTable` keeps the pairs of every key of a field in two
flat arrays with an offset per key (compressed sparse rows), the same values in the same order.
(Each document's term weights stay dicts: they are read for every candidate of every query,
and a tuple-and-array form made queries 30 % slower.)
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Mapping, MutableSequence, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def one_float(seen: dict[float, float], value: float) -> float:
    """`value` as the float object of an equal value seen before: the same double, stored once
    (a document's millions of weights are a few thousand distinct values; 24 bytes each)."""
    return seen.setdefault(value, value)


class Pairs(Generic[T]):
    """One key's (item, value) pairs, a view into a `PairTable`; iterable again and again."""

    __slots__ = ("_items", "_start", "_stop", "_values")

    def __init__(self, items: Sequence[T], values: Sequence[float], start: int, stop: int) -> None:
        self._items, self._values, self._start, self._stop = items, values, start, stop

    def __iter__(self) -> Iterator[tuple[T, float]]:
        start, stop = self._start, self._stop
        return zip(self._items[start:stop], self._values[start:stop], strict=True)

    def __len__(self) -> int:
        return self._stop - self._start


class PairTable(Generic[T]):
    """Key -> its (item, value) pairs and their largest value, read-only: the pairs of every
    key in two flat containers with an offset per key, in the order given. `new_items` makes
    the container of items: an ``array("i")`` for entry numbers, a list (kept as a tuple) for
    strings. `row_of` (key -> row) is public so that membership tests stay a dict's (hot path)."""

    __slots__ = ("_items", "_maxima", "_offsets", "_values", "row_of")

    def __init__(
        self,
        rows: Mapping[str, Mapping[T, float]],
        new_items: Callable[[], MutableSequence[T]],
    ) -> None:
        self.row_of = dict(zip(rows, shared_numbers(len(rows)), strict=True))
        items = new_items()
        values = array("d")
        offsets = array("q", [0])
        for pairs in rows.values():
            items.extend(pairs.keys())
            values.extend(pairs.values())
            offsets.append(len(values))
        self._items: Sequence[T] = tuple(items) if isinstance(items, list) else items
        self._values, self._offsets = values, offsets
        self._maxima = array("d", (max(pairs.values()) for pairs in rows.values()))

    def posting(self, key: str) -> tuple[Pairs[T], float]:
        """The key's pairs and their largest value (one call: read for every query term)."""
        row = self.row_of[key]
        offsets = self._offsets
        return Pairs(self._items, self._values, offsets[row], offsets[row + 1]), self._maxima[row]

    def items_of(self, key: str) -> Iterator[tuple[T, float]]:
        """The key's pairs (none for an unknown key)."""
        row = self.row_of.get(key)
        if row is None:
            return iter(())
        start, stop = self._offsets[row], self._offsets[row + 1]
        return zip(self._items[start:stop], self._values[start:stop], strict=True)


_NUMBERS: list[int] = []  # 0, 1, 2, ...: one int object per number, for every table


def shared_numbers(count: int) -> list[int]:
    """0..count-1 as the int objects every table shares (a number past 256 is a 28-byte object
    of its own each time it is made; a field's table has up to 100,000 rows)."""
    if len(_NUMBERS) < count:
        _NUMBERS.extend(range(len(_NUMBERS), count))
    return _NUMBERS[:count]


def entry_pairs(rows: Mapping[str, Mapping[int, float]]) -> PairTable[int]:
    """Key -> (entry number, value) pairs; entry numbers as 32-bit integers."""
    return PairTable(rows, lambda: array("i"))


def word_pairs(rows: Mapping[str, Mapping[str, float]]) -> PairTable[str]:
    """Key -> (word, value) pairs."""
    return PairTable(rows, list)


def shared_by_count(seen: dict[int, float], count: int, value: Callable[[int], float]) -> float:
    """`value(count)`, computed once per distinct count: an idf depends on a document frequency
    only, so a field's thousands of terms share a few hundred float objects."""
    found = seen.get(count)
    if found is None:
        found = seen[count] = value(count)
    return found


def consecutive_ranges(owners: Sequence[int], size: int) -> list[range]:
    """Per owner (0..size-1), its positions in `owners`, where each owner's are consecutive."""
    found = [range(0)] * size
    start = 0
    for position in range(1, len(owners) + 1):
        if position == len(owners) or owners[position] != owners[start]:
            found[owners[start]] = range(start, position)
            start = position
    return found


def remembered(cache: dict[K, V], key: K, limit: int, compute: Callable[[K], V]) -> V:
    """`compute(key)`, kept in `cache` (emptied when it holds `limit`): for what an immutable
    index computes alike each time it is asked."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= limit:
            cache.clear()
        found = cache[key] = compute(key)
    return found
