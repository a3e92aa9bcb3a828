"""``privacy_url`` in policy.yaml: one address for every language, or one per language; what is
not a web address, or names a language the policy does not have, is reported and ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from tests.core.knowledge.test_loader import GOOD, POLICY, write_tree


def load(tmp_path: Path, extra: str) -> KnowledgeBase:
    return load_knowledge(write_tree(tmp_path, {**GOOD, "policy.yaml": POLICY + extra}))


def test_one_address_serves_every_language(tmp_path: Path) -> None:
    kb = load(tmp_path, "privacy_url: https://demo.test/privacy\n")
    assert kb.policy.privacy_url("nl") == kb.policy.privacy_url("en") == "https://demo.test/privacy"
    assert kb.problems == ()


def test_an_address_per_language(tmp_path: Path) -> None:
    kb = load(
        tmp_path, "privacy_url:\n  nl: https://demo.test/privacy\n  EN: https://demo.test/en\n"
    )
    assert kb.policy.privacy_url("nl") == "https://demo.test/privacy"
    assert kb.policy.privacy_url("en") == "https://demo.test/en"
    assert kb.policy.privacy_url("de") == ""


def test_without_one_there_is_none(tmp_path: Path) -> None:
    assert load(tmp_path, "").policy.privacy_url("nl") == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("privacy_url: www.demo.test/privacy\n", "is not a web address"),
        ("privacy_url: javascript:alert(1)\n", "is not a web address"),
        ("privacy_url:\n  fr: https://demo.test/fr\n", "not one of languages"),
        ("privacy_url:\n  nl: [1, 2]\n", "is not a web address"),
        ("privacy_url: [https://demo.test]\n", "must be text"),
    ],
)
def test_a_bad_value_is_reported_and_ignored(tmp_path: Path, extra: str, message: str) -> None:
    kb = load(tmp_path, extra)
    assert kb.policy.privacy_url("nl") == ""
    assert any(message in str(p) and p.path == "policy.yaml" and p.line for p in kb.problems), (
        kb.problems
    )


def test_the_shipped_policy_links_its_notice(kb: KnowledgeBase) -> None:
    assert kb.policy.privacy_url("nl").startswith("https://")
    assert kb.policy.privacy_url("en").startswith("https://")
