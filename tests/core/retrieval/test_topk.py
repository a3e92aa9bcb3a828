"""MaxScore top-k: the same entries and scores as scoring everything."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.retrieval.topk import MAX_EXACT, PostingList, top_k

Postings = list[tuple[int, float]]
lists_strategy = st.lists(
    st.tuples(
        # Exact as long as no more than MAX_EXACT entries need scoring; past that the order of
        # the bounds is trusted (measured on the benchmarks: no change in top-1).
        st.dictionaries(
            st.integers(0, MAX_EXACT - 1), st.floats(0.01, 2.0), min_size=1, max_size=20
        ),
        st.floats(0.01, 1.0),
    ),
    min_size=1,
    max_size=8,
)


def brute_force(lists: list[tuple[dict[int, float], float]], k: int) -> list[tuple[float, int]]:
    scores: dict[int, float] = {}
    for postings, weight in lists:
        for entry, value in postings.items():
            scores[entry] = scores.get(entry, 0.0) + weight * value
    return sorted(((s, e) for e, s in scores.items()), reverse=True)[:k]


@settings(max_examples=200, deadline=None)
@given(lists_strategy, st.integers(1, 5))
def test_top_k_equals_scoring_every_entry(
    raw: list[tuple[dict[int, float], float]], k: int
) -> None:
    lists = [PostingList(list(p.items()), w, max(p.values())) for p, w in raw]

    def exact(entry: int) -> float:
        return sum(w * p.get(entry, 0.0) for p, w in raw)

    found = top_k(lists, exact, k)
    expected = brute_force(raw, k)
    assert [round(s, 9) for s, _ in found] == [round(s, 9) for s, _ in expected]


def test_adjusted_entries_count_even_without_postings() -> None:
    lists = [PostingList([(1, 1.0)], 0.5, 1.0)]
    adjust = {2: 0.8}

    def exact(entry: int) -> float:
        return (0.5 if entry == 1 else 0.0) + adjust.get(entry, 0.0)

    assert [entry for _, entry in top_k(lists, exact, 2, adjust)] == [2, 1]


@settings(max_examples=200, deadline=None)
@given(lists_strategy, st.integers(1, 5), st.sets(st.integers(0, MAX_EXACT - 1)))
def test_top_k_among_some_entries_equals_scoring_only_those(
    raw: list[tuple[dict[int, float], float]], k: int, among: set[int]
) -> None:
    """Stand-ins search another language's index among its entries that have no twin."""
    lists = [PostingList(list(p.items()), w, max(p.values())) for p, w in raw]

    def exact(entry: int) -> float:
        return sum(w * p.get(entry, 0.0) for p, w in raw)

    found = top_k(lists, exact, k, among=among)
    kept = [({e: v for e, v in p.items() if e in among}, w) for p, w in raw]
    expected = brute_force(kept, k)
    assert [round(s, 9) for s, _ in found] == [round(s, 9) for s, _ in expected]
    assert {entry for _, entry in found} <= among


def test_adjusted_entries_outside_among_are_not_candidates() -> None:
    lists = [PostingList([(1, 1.0)], 0.5, 1.0)]
    adjust = {2: 0.8}

    def exact(entry: int) -> float:
        return (0.5 if entry == 1 else 0.0) + adjust.get(entry, 0.0)

    assert [entry for _, entry in top_k(lists, exact, 2, adjust, among={1})] == [1]
