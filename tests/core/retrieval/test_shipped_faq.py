"""The shipped faq_data/ against the labelled paraphrases: quality floors below the bench."""

from __future__ import annotations

import pytest
import yaml

from bot.config import REPO_ROOT
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching import FaqIndex

PARAPHRASES = REPO_ROOT / "bench" / "data" / "faq_paraphrases.yaml"


@pytest.fixture(scope="module")
def outcomes(kb: KnowledgeBase) -> list[tuple[str | None, str, str | None]]:
    """(expected id, decision, best id) per labelled query."""
    if not PARAPHRASES.exists():
        pytest.skip("no labelled paraphrase set")
    index = FaqIndex(kb.faq, kb.products, kb.policy.languages, third_party=kb.third_party)
    found = []
    for row in yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8")):
        result = index.search(str(row["query"]), row["lang"])
        ranked = index.ranked(str(row["query"]), result.language, limit=1)
        found.append((row["expected"], result.decision, ranked[0].entry.id if ranked else None))
    return found


def test_the_right_entry_ranks_first_for_most_paraphrases(
    outcomes: list[tuple[str | None, str, str | None]],
) -> None:
    labelled = [(expected, best) for expected, _, best in outcomes if expected]
    top1 = sum(expected == best for expected, best in labelled) / len(labelled)
    assert top1 >= 0.88  # bench/faq_retrieval.py measures 0.906


def test_confident_answers_are_nearly_always_right(
    outcomes: list[tuple[str | None, str, str | None]],
) -> None:
    answered = [(expected, best) for expected, decision, best in outcomes if decision == "answer"]
    precision = sum(expected == best for expected, best in answered) / len(answered)
    assert precision >= 0.95
    assert len(answered) / len(outcomes) >= 0.5


def test_questions_without_an_entry_are_rarely_answered(
    outcomes: list[tuple[str | None, str, str | None]],
) -> None:
    unanswerable = [decision for expected, decision, _ in outcomes if expected is None]
    assert unanswerable.count("answer") <= 2
