"""The vendor E evaluation set (bench/eval/vendor-e) is consistent with its own knowledge base.

A label that names no existing entry, an unknown product or route, or a version case whose
expected route disagrees with the product's latest version would make the set measure nothing;
these checks catch that when the knowledge base or the cases are edited.
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

SET_DIR = Path(__file__).resolve().parents[2] / "bench" / "eval" / "vendor-e"
KB = load_knowledge(SET_DIR / "kb")
CASES: list[dict[str, Any]] = json.loads((SET_DIR / "cases.json").read_text(encoding="utf-8"))
TURNS = [(case, turn) for case in CASES for turn in case["turns"]]

# The routes of the turn object in ../shared/SPEC.md.
ROUTES = {
    "faq",
    "suggest",
    "ask_product",
    "ask_version",
    "ask_details",
    "ask_email",
    "update_required",
    "subscription_expired",
    "third_party",
    "wordpress_general",
    "customization",
    "billing",
    "channels",
    "ticket",
    "handoff",
    "smalltalk",
    "fallback",
}
CATEGORY_PREFIX = {
    "faq": "faq",
    "faq_crosslang": "xl",
    "wordpress_general": "wp",
    "third_party": "tp",
    "customization": "cust",
    "billing": "bill",
    "channels": "chan",
    "version": "ver",
    "flow": "flow",
    "smalltalk": "small",
    "human": "human",
}
CASE_KEYS = {"id", "cat", "lang", "split", "email", "turns", "final", "note"}
TURN_KEYS = {"say", "route", "faq", "product", "version", "text_contains"}


def normalised(question: str) -> str:
    """The comparison of the shared README: lowercase, non-word characters to spaces."""
    return " ".join(re.sub(r"\W", " ", question.lower()).split())


ENTRIES: dict[str, list[FaqEntry]] = {}
for _entry in KB.faq:
    ENTRIES.setdefault(normalised(_entry.question), []).append(_entry)


def case_id(value: object) -> str:
    return value["id"] if isinstance(value, dict) else str(value)


def test_the_knowledge_base_loads_without_problems() -> None:
    assert [str(problem) for problem in KB.problems] == []
    assert set(KB.products) == {"kluis-backup", "cookiewacht", "gevel"}
    assert KB.policy.ticket_prefix == "KWW"


def test_faq_questions_are_unique_so_a_label_names_one_entry() -> None:
    assert {q: len(e) for q, e in ENTRIES.items() if len(e) > 1} == {}


def test_case_ids_are_unique_and_follow_the_category() -> None:
    ids = Counter(case["id"] for case in CASES)
    assert [i for i, n in ids.items() if n > 1] == []
    for case in CASES:
        assert case["id"].startswith(f"e-{CATEGORY_PREFIX[case['cat']]}-"), case["id"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_case_fields(case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS
    assert case["lang"] in KB.policy.languages
    assert case["split"] in {"dev", "heldout"}
    assert case["turns"], "a case needs turns"
    if "email" in case:
        assert case["email"] is None
    for turn in case["turns"]:
        assert set(turn) <= TURN_KEYS
        assert turn["say"].strip()
        assert turn["route"] and set(turn["route"]) <= ROUTES, turn["route"]
        assert turn.get("product") in {None, *KB.products}
        assert turn.get("text_contains", ["x"]), "text_contains must not be empty"


@pytest.mark.parametrize(
    ("case", "turn"),
    [(c, t) for c, t in TURNS if "faq" in t],
    ids=[c["id"] for c, t in TURNS if "faq" in t],
)
def test_faq_labels_name_an_entry_in_the_right_language(
    case: dict[str, Any], turn: dict[str, Any]
) -> None:
    entries = ENTRIES.get(normalised(turn["faq"]))
    assert entries, f"no FAQ entry has the question {turn['faq']!r}"
    (entry,) = entries
    assert turn["route"] == ["faq"]
    if case["cat"] == "faq_crosslang":
        assert entry.language != case["lang"]
    else:
        assert entry.language == case["lang"]
    if entry.product and "product" in turn:
        assert turn["product"] == entry.product


@pytest.mark.parametrize(
    ("case", "turn"),
    [(c, t) for c, t in TURNS if "version" in t and "product" in t],
    ids=[c["id"] for c, t in TURNS if "version" in t and "product" in t],
)
def test_version_routes_agree_with_the_latest_version(
    case: dict[str, Any], turn: dict[str, Any]
) -> None:
    latest = KB.products[turn["product"]].latest_version
    assert latest is not None
    if "update_required" in turn["route"]:
        assert compare_versions(turn["version"], latest) < 0
        assert turn["text_contains"] == [latest]
    else:
        assert compare_versions(turn["version"], latest) == 0


def test_policy_addresses_are_what_the_replies_must_name() -> None:
    for case, turn in TURNS:
        if turn["route"] == ["billing"]:
            assert turn["text_contains"] == [KB.policy.billing_email], case["id"]
        if turn["route"] == ["channels"]:
            assert turn["text_contains"] == [KB.policy.helpdesk_email], case["id"]
        if turn["route"] == ["wordpress_general"]:
            assert turn["text_contains"][0] in KB.policy.wordpress_forum_url, case["id"]


def test_split_is_about_sixty_forty_within_every_category() -> None:
    by_category: dict[str, Counter[str]] = {}
    for case in CASES:
        by_category.setdefault(case["cat"], Counter())[case["split"]] += 1
    for category, splits in by_category.items():
        assert splits["dev"] >= 1 and splits["heldout"] >= 1, category
    dev = sum(1 for case in CASES if case["split"] == "dev")
    assert 0.55 <= dev / len(CASES) <= 0.65
    assert len(CASES) >= 80
