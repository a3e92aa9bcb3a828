"""The team's own evaluation sets (bench/eval/vendor-*) stay consistent with their knowledge bases.

The cases are labels written by hand against a knowledge base; a renamed FAQ question, a bumped
version, a typo in a slug or a label in the wrong language would silently turn a right answer into
a failing case, and a set whose labels name nothing measures nothing. These checks read each
knowledge base with the project's own loader (readme FAQ items included) and never run the
dialogue engine: the sets must stay unseen by it. Every set found under bench/eval is checked; a
new set needs a row in ``EXPECTED``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.knowledge.versions import compare_versions

EVAL_DIR = Path(__file__).resolve().parents[2] / "bench" / "eval"

# The routes of the turn object in ../shared/SPEC.md.
SPEC_ROUTES = {
    "faq", "suggest", "ask_product", "ask_version", "ask_details", "ask_email", "update_required",
    "subscription_expired", "third_party", "wordpress_general", "customization", "billing",
    "channels", "ticket", "handoff", "smalltalk", "fallback",
}  # fmt: skip
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


@dataclass(frozen=True)
class Expected:
    """What each set's knowledge base is known to hold (its README says so)."""

    case_prefix: str
    products: frozenset[str]
    ticket_prefix: str
    forum_in_wordpress_turns: bool = True  # every wordpress_general turn names the forum


EXPECTED = {
    "vendor-e": Expected("e", frozenset({"kluis-backup", "cookiewacht", "gevel"}), "KWW"),
    "vendor-f": Expected(
        "f", frozenset({"coursewright", "eventide", "slipstream-cache"}), "BFD", False
    ),
    "vendor-g": Expected("g", frozenset({"postduif-smtp", "slotgracht-security", "lokker"}), "BVW"),
    "vendor-h": Expected("h", frozenset({"babelbrook", "parcelwise", "sieve-filters"}), "TWL"),
    "vendor-i": Expected("i", frozenset({"pixelpers", "boekvak", "tabelwerk"}), "KKS"),
    "vendor-j": Expected("j", frozenset({"shiftkit-migrate", "tentpeg-events", "giftwell"}), "TWP"),
    "vendor-k": Expected(
        "k", frozenset({"lanternfly-gallery", "keepsake-wishlist", "chorus-testimonials"}), "MRW"
    ),
    "vendor-l": Expected("l", frozenset({"wierde", "vindpunt", "kiekje-feed"}), "HZW"),
    "vendor-m": Expected("m", frozenset({"kindling-donations", "foghorn-podcast", "heron"}), "SLM"),
    "vendor-n": Expected("n", frozenset({"werfbord", "smulkaart", "steigerwerk"}), "ZKR"),
    "vendor-o": Expected("o", frozenset({"tierlantijn", "turfje", "blokkendoos"}), "KLC"),
}
SETS = sorted(path.name for path in EVAL_DIR.glob("vendor-*") if (path / "cases.json").is_file())


@dataclass(frozen=True)
class EvalSet:
    name: str
    kb: KnowledgeBase
    cases: list[dict[str, Any]]

    @property
    def turns(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(case, turn) for case in self.cases for turn in case["turns"]]

    def entries(self) -> dict[str, list[FaqEntry]]:
        by_question: dict[str, list[FaqEntry]] = {}
        for entry in self.kb.faq:
            by_question.setdefault(normalised(entry.question), []).append(entry)
        return by_question


@cache
def load(name: str) -> EvalSet:
    root = EVAL_DIR / name
    cases = json.loads((root / "cases.json").read_text(encoding="utf-8"))
    return EvalSet(name, load_knowledge(root / "kb"), cases)


def normalised(question: str) -> str:
    """The comparison of ../shared/eval/README.md: lowercase, non-word characters as spaces."""
    return " ".join(re.sub(r"\W", " ", question.lower()).split())


def turn_id(case: dict[str, Any], index: int) -> str:
    return f"{case['id']}.{index + 1}"


def test_every_set_on_disk_is_known() -> None:
    assert SETS == sorted(EXPECTED)


@pytest.mark.parametrize("name", SETS)
def test_the_knowledge_base_loads_without_problems(name: str) -> None:
    evalset, expected = load(name), EXPECTED[name]
    assert [f"{p.path}:{p.line}: {p.message}" for p in evalset.kb.problems] == []
    assert set(evalset.kb.products) == expected.products
    assert evalset.kb.policy.ticket_prefix == expected.ticket_prefix
    assert 20 <= len(evalset.kb.faq) <= 40


@pytest.mark.parametrize("name", SETS)
def test_faq_questions_are_unique_so_a_label_names_one_entry(name: str) -> None:
    entries = load(name).entries()
    assert {q: len(e) for q, e in entries.items() if len(e) > 1} == {}


@pytest.mark.parametrize("name", SETS)
def test_cases_are_well_formed(name: str) -> None:
    evalset, prefix = load(name), EXPECTED[name].case_prefix
    ids = Counter(case["id"] for case in evalset.cases)
    assert [i for i, n in ids.items() if n > 1] == []
    for case in evalset.cases:
        assert set(case) <= CASE_KEYS, case["id"]
        assert case["cat"] in CATEGORY_PREFIX, case["id"]
        assert case["id"].startswith(f"{prefix}-{CATEGORY_PREFIX[case['cat']]}-"), case["id"]
        assert case["lang"] in evalset.kb.policy.languages, case["id"]
        assert case["split"] in ("dev", "heldout"), case["id"]
        assert case["turns"], case["id"]
        if "email" in case:
            assert case["email"] is None, case["id"]


@pytest.mark.parametrize("name", SETS)
def test_each_turn_names_real_routes_entries_products_and_versions(name: str) -> None:
    evalset = load(name)
    entries, products = evalset.entries(), evalset.kb.products
    for case in evalset.cases:
        for index, turn in enumerate(case["turns"]):
            where = turn_id(case, index)
            assert set(turn) <= TURN_KEYS, where
            assert turn["say"].strip(), where
            assert turn["route"] and set(turn["route"]) <= SPEC_ROUTES, where
            assert turn.get("product") in {None, *products}, where
            assert turn.get("text_contains", ["x"]), f"{where}: empty text_contains"
            if "faq" in turn:
                assert turn["route"] == ["faq"], where
                found = entries.get(normalised(turn["faq"]))
                assert found, f"{where}: no entry asks {turn['faq']!r}"
                (entry,) = found
                crosslang = case["cat"] == "faq_crosslang"
                assert (entry.language != case["lang"]) == crosslang, f"{where}: wrong language"
                if entry.product and "product" in turn:
                    assert turn["product"] == entry.product, where
            if "version" in turn and "product" in turn:
                latest = products[turn["product"]].latest_version
                assert latest is not None, where
                if "update_required" in turn["route"]:
                    assert compare_versions(turn["version"], latest) < 0, where
                    assert turn["text_contains"] == [latest], where
                else:
                    assert compare_versions(turn["version"], latest) == 0, where
                if turn["route"] == ["ask_details"]:
                    assert turn["version"] == latest, where
            elif "update_required" in turn["route"]:
                pytest.fail(f"{where}: an update_required turn names its product and version")


@pytest.mark.parametrize("name", SETS)
def test_policy_answers_must_name_this_vendors_addresses(name: str) -> None:
    evalset = load(name)
    policy = evalset.kb.policy
    wanted = {"billing": policy.billing_email, "channels": policy.helpdesk_email}
    for case in evalset.cases:
        for index, turn in enumerate(case["turns"]):
            for route, address in wanted.items():
                if turn["route"] == [route]:
                    assert turn["text_contains"] == [address], turn_id(case, index)
            if turn["route"] == ["wordpress_general"]:
                if EXPECTED[name].forum_in_wordpress_turns or "text_contains" in turn:
                    assert turn["text_contains"][0] in policy.wordpress_forum_url, case["id"]


@pytest.mark.parametrize("name", SETS)
def test_every_entry_is_the_answer_of_some_case(name: str) -> None:
    """Entries with a policy ``route:`` are answered under that route, so no label names them."""
    evalset = load(name)
    answered = {normalised(turn["faq"]) for _, turn in evalset.turns if "faq" in turn}
    unanswered = {
        question
        for question, (entry, *_) in evalset.entries().items()
        if question not in answered and entry.route is None
    }
    assert sorted(unanswered) == []


@pytest.mark.parametrize("name", SETS)
def test_the_split_is_about_sixty_forty_in_every_category(name: str) -> None:
    cases = load(name).cases
    for category in CATEGORY_PREFIX:
        splits = Counter(case["split"] for case in cases if case["cat"] == category)
        assert splits["dev"] >= splits["heldout"] >= 1, category
    dev_share = sum(case["split"] == "dev" for case in cases) / len(cases)
    assert 0.55 <= dev_share <= 0.65
    assert len(cases) >= 80
