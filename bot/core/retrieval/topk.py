"""Exact top-k over weighted posting lists, skipping lists that cannot matter (MaxScore).

An entry's score is at most the sum, over the posting lists it appears in, of weight × value.
Lists whose combined ceiling is below the k-th best score found so far are "non-essential":
an entry found only through them cannot make the top k, so they are never walked; their
ceilings are added to every candidate's bound instead. Common words ("plugin" in an FAQ about
plugins) have low ceilings, so a query costs about the postings of its rare words.
(Turtle & Flood 1995, "Query evaluation: strategies and optimizations".)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from bot.core.retrieval.compact import Pairs


@dataclass(frozen=True)
class PostingList:
    """(entry, value) pairs of one query term in one field; it adds weight × value."""

    postings: Pairs[int] | Sequence[tuple[int, float]]
    weight: float
    max_value: float

    @property
    def ceiling(self) -> float:
        return self.weight * self.max_value


Scored = list[tuple[float, int]]

# Past this many exact scorings the bounds are loose (a query full of common words) and their
# order is trusted instead; only then is the result approximate.
MAX_EXACT = 16


def _add(bounds: dict[int, float], plist: PostingList, among: Container[int] | None) -> None:
    weight = plist.weight
    if among is None:
        for entry, value in plist.postings:
            bounds[entry] = bounds.get(entry, 0.0) + weight * value
        return
    for entry, value in plist.postings:
        if entry in among:
            bounds[entry] = bounds.get(entry, 0.0) + weight * value


def _score_in_order(
    bounds: Mapping[int, float], exact: Callable[[int], float], k: int, scored: dict[int, float]
) -> Scored:
    """Score entries by descending bound until no bound can beat the k-th exact score."""
    best = heapq.nlargest(k, ((s, e) for e, s in scored.items()))
    budget = max(MAX_EXACT - len(scored), k)
    unscored = ((e, b) for e, b in bounds.items() if e not in scored)
    for entry, bound in heapq.nlargest(budget, unscored, key=itemgetter(1)):
        if len(best) >= k and bound <= best[-1][0]:
            break
        scored[entry] = exact(entry)
        best = heapq.nlargest(k, [*best, (scored[entry], entry)])
    return best


def _threshold(
    lists: Sequence[PostingList],
    exact: Callable[[int], float],
    k: int,
    scored: dict[int, float],
    among: Container[int] | None,
) -> float:
    """A first k-th best score, from the entries of the lists with the highest ceilings."""
    seeds: dict[int, float] = {}
    for plist in reversed(lists):
        _add(seeds, plist, among)
        if len(seeds) >= k:
            break
    for entry, _ in heapq.nlargest(2 * k, seeds.items(), key=itemgetter(1)):
        scored[entry] = exact(entry)
    best = heapq.nlargest(k, scored.values())
    return best[-1] if len(best) >= k else 0.0


def top_k(
    lists: Sequence[PostingList],
    exact: Callable[[int], float],
    k: int,
    adjust: Mapping[int, float] | None = None,
    among: Container[int] | None = None,
) -> Scored:
    """The k best (score, entry) pairs, best first. `exact(entry)` must include `adjust`.
    `among`: only these entries are candidates (None: all); a list's ceiling, the largest
    value over all its entries, stays a bound for the others."""
    adjust = adjust or {}
    if among is not None:
        adjust = {e: value for e, value in adjust.items() if e in among}
    lists = sorted((p for p in lists if p.postings and p.weight > 0), key=lambda p: p.ceiling)
    scored: dict[int, float] = {}
    floor = _threshold(lists, exact, k, scored, among)
    slack, skipped = 0.0, 0
    while skipped < len(lists) and slack + lists[skipped].ceiling < floor:
        slack += lists[skipped].ceiling
        skipped += 1
    bounds: dict[int, float] = dict.fromkeys(adjust, 0.0)
    for plist in lists[skipped:]:
        _add(bounds, plist, among)
    totals = {e: b + slack + adjust.get(e, 0.0) for e, b in bounds.items()}
    return _score_in_order(totals, exact, k, scored)
