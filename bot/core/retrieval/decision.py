"""When to answer, when to suggest, when to stay quiet: a gate on score and margin.

A wrong confident answer costs more than a list of suggestions, so "answer" needs both a high
score and a clear lead over the runner-up. The defaults were tuned on held-out data (the VIRA
dev split and part of our own paraphrase set); bench/faq_retrieval.py reports the precision
of "answer" decisions they give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Decision = Literal["answer", "suggest", "none"]

DECISION_RANK: dict[Decision, int] = {"none": 0, "suggest": 1, "answer": 2}


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.5
    margin: float = 0.08
    suggest: float = 0.25


DEFAULT_THRESHOLDS = Thresholds()


def decide(scores: Sequence[float], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Decision:
    """Decision for scores sorted best first."""
    if not scores or scores[0] < thresholds.suggest:
        return "none"
    runner_up = scores[1] if len(scores) > 1 else 0.0
    if scores[0] >= thresholds.answer and scores[0] - runner_up >= thresholds.margin:
        return "answer"
    return "suggest"
