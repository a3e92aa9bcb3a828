"""Evaluation set F (bench/eval/vendor-f) stays consistent with its own knowledge base.

The cases are labels written by hand against the knowledge base; a renamed FAQ question, a bumped
version or a typo in a slug would silently turn a right answer into a failing case. These checks
read the knowledge base with the project's own loader (readme FAQ items included) and never run
the dialogue engine: the set must stay unseen by it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import FaqEntry
from bot.core.knowledge.versions import compare_versions

SET_DIR = Path(__file__).resolve().parents[2] / "bench" / "eval" / "vendor-f"
KB = load_knowledge(SET_DIR / "kb")
CASES: list[dict[str, Any]] = json.loads((SET_DIR / "cases.json").read_text(encoding="utf-8"))
# The routes of the turn object in ../shared/SPEC.md.
SPEC_ROUTES = {
    "faq", "suggest", "ask_product", "ask_version", "ask_details", "ask_email", "update_required",
    "subscription_expired", "third_party", "wordpress_general", "customization", "billing",
    "channels", "ticket", "handoff", "smalltalk", "fallback",
}  # fmt: skip
CATEGORIES = {
    "faq", "faq_crosslang", "wordpress_general", "third_party", "customization", "billing",
    "channels", "version", "flow", "smalltalk", "human",
}  # fmt: skip


def normalised(question: str) -> str:
    """The comparison of ../shared/eval/README.md: lowercase, non-word characters as spaces."""
    return " ".join(re.sub(r"\W", " ", question.lower()).split())


ENTRIES: dict[str, FaqEntry] = {normalised(entry.question): entry for entry in KB.faq}
TURNS = [(case, turn) for case in CASES for turn in case["turns"]]


def turn_id(case: dict[str, Any], turn: dict[str, Any]) -> str:
    return f"{case['id']}.{case['turns'].index(turn) + 1}"


def test_the_knowledge_base_loads_without_problems() -> None:
    assert [f"{p.path}:{p.line}: {p.message}" for p in KB.problems] == []
    assert len(ENTRIES) == len(KB.faq), "two entries share a question"
    assert 20 <= len(KB.faq) <= 40


def test_cases_are_well_formed() -> None:
    ids = Counter(case["id"] for case in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    for case in CASES:
        assert case["id"].startswith("f-"), case["id"]
        assert case["cat"] in CATEGORIES, case["id"]
        assert case["lang"] in KB.policy.languages, case["id"]
        assert case["split"] in ("dev", "heldout"), case["id"]
        assert case["turns"], case["id"]


@pytest.mark.parametrize("case, turn", TURNS, ids=[turn_id(c, t) for c, t in TURNS])
def test_each_turn_names_real_routes_entries_and_products(
    case: dict[str, Any], turn: dict[str, Any]
) -> None:
    assert turn["say"].strip()
    assert turn["route"] and set(turn["route"]) <= SPEC_ROUTES
    if "product" in turn:
        assert turn["product"] in KB.products
    if "faq" in turn:
        assert "faq" in turn["route"]
        entry = ENTRIES.get(normalised(turn["faq"]))
        assert entry is not None, f"no entry asks {turn['faq']!r}"
        crosslang = case["cat"] == "faq_crosslang"
        assert (entry.language != case["lang"]) == crosslang, "label in the wrong language"
        if entry.product and "product" in turn:
            assert turn["product"] == entry.product
    if "update_required" in turn["route"]:
        latest = KB.products[turn["product"]].latest_version
        assert latest is not None and compare_versions(turn["version"], latest) < 0
        assert turn["text_contains"] == [latest]


def test_version_cases_on_the_latest_version_really_name_it() -> None:
    for case in CASES:
        for turn in case["turns"]:
            if turn["route"] == ["ask_details"] and "version" in turn:
                assert turn["version"] == KB.products[turn["product"]].latest_version, case["id"]


def test_policy_answers_must_name_this_vendors_addresses() -> None:
    wanted = {"billing": KB.policy.billing_email, "channels": KB.policy.helpdesk_email}
    for case, turn in TURNS:
        for route, address in wanted.items():
            if turn["route"] == [route]:
                assert turn["text_contains"] == [address], turn_id(case, turn)


def test_every_entry_is_the_answer_of_some_case() -> None:
    answered = {normalised(turn["faq"]) for _, turn in TURNS if "faq" in turn}
    assert sorted(ENTRIES.keys() - answered) == []


def test_the_split_is_about_sixty_forty_in_every_category() -> None:
    for category in CATEGORIES:
        splits = Counter(case["split"] for case in CASES if case["cat"] == category)
        assert splits["dev"] >= splits["heldout"] >= 1, category
    dev_share = sum(case["split"] == "dev" for case in CASES) / len(CASES)
    assert 0.55 <= dev_share <= 0.65
    assert len(CASES) >= 80
