"""The index's flat per-term tables give back what they were built from, in the same order."""

from __future__ import annotations

from bot.core.retrieval.bm25 import Bm25Field
from bot.core.retrieval.compact import (
    consecutive_ranges,
    entry_pairs,
    shared_numbers,
    word_pairs,
)


def test_entry_pairs_keep_each_keys_pairs_in_order_with_the_largest_value() -> None:
    table = entry_pairs({"invoice": {7: 0.5, 2: 0.75, 40_000: 0.25}, "refund": {3: 1.5}})
    pairs, largest = table.posting("invoice")
    assert list(pairs) == [(7, 0.5), (2, 0.75), (40_000, 0.25)]
    assert list(pairs) == list(pairs)  # walked twice by the top-k search
    assert len(pairs) == 3 and largest == 0.75
    assert list(table.posting("refund")[0]) == [(3, 1.5)]
    assert "refund" in table.row_of and "shipping" not in table.row_of


def test_word_pairs_of_an_unknown_key_are_none() -> None:
    table = word_pairs({"inv": {"invoice": 0.25, "invite": 0.5}})
    assert list(table.items_of("inv")) == [("invoice", 0.25), ("invite", 0.5)]
    assert list(table.items_of("xyz")) == []


def test_field_postings_are_each_entrys_best_document() -> None:
    # Entry 0 has two phrasings; its posting holds the better saturation of the two.
    field = Bm25Field(
        [["reset", "password"], ["reset", "reset", "password", "mail"], ["mail"]], [0, 0, 1]
    )
    factors = field.factors({"reset": 1.0, "mail": 1.0})
    lists = {len(p.postings): p for p in field.posting_lists(factors, 1.0)}
    reset = dict(lists[1].postings)
    assert set(reset) == {0}
    assert 0.25 * reset[0] == max(field.document_score(d, {"reset": 0.25}) for d in (0, 1))
    assert lists[1].max_value == reset[0]
    assert dict(lists[2].postings).keys() == {0, 1}


def test_tables_share_their_row_numbers() -> None:
    keys = {f"term{n}": {n: 1.0} for n in range(1_000)}
    first, second = entry_pairs(keys), word_pairs({k: {"w": 1.0} for k in keys})
    assert list(first.row_of.values()) == list(range(1_000))
    assert first.row_of["term999"] is second.row_of["term999"]  # one int object, not two
    assert shared_numbers(3) == [0, 1, 2]


def test_an_entrys_phrasings_are_a_range_of_documents() -> None:
    assert consecutive_ranges([0, 0, 1, 2, 2, 2], 3) == [range(0, 2), range(2, 3), range(3, 6)]
    assert consecutive_ranges([], 0) == []
