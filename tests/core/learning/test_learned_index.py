"""Taught phrasings are indexed next to the entries' own alternatives, replaceable at runtime."""

from __future__ import annotations

from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching import FaqIndex

PI = "Werkt het ook op een Raspberry Pi?"


def test_a_taught_phrasing_finds_its_entry_and_forgetting_it_undoes_that(
    kb: KnowledgeBase,
) -> None:
    index = FaqIndex(kb.faq, kb.products, kb.policy.languages, cards=kb.route_cards)
    before = index.search(PI, "nl")
    assert not before.matches or before.matches[0].entry.id != "system-requirements"
    gate = index.gate("nl")
    index.learn({("nl", "system-requirements"): [PI]})
    taught = index.search(PI, "nl")
    assert taught.decision == "answer" and taught.matches[0].entry.ref == "nl/system-requirements"
    assert index.gate("nl") == gate  # the gate stays as calibrated on the knowledge base
    index.learn({})
    assert index.search(PI, "nl") == before


def test_phrasings_for_unknown_entries_are_ignored(kb: KnowledgeBase) -> None:
    index = FaqIndex(kb.faq, kb.products, kb.policy.languages, cards=kb.route_cards)
    before = index.search(PI, "nl")
    index.learn({("nl", "no-such-entry"): [PI], ("xx", "refund"): [PI]})
    assert index.search(PI, "nl") == before
