"""When to answer, when to suggest, when to stay quiet: a gate on score and margin.

A wrong confident answer costs more than a list of suggestions, so "answer" needs both a high
score and a clear lead over the runner-up: the margin matters most (measured: a score gate
alone answers more but is wrong far more often). The defaults were tuned with
bench/tune_gate.py on the VIRA dev split and the even half of our paraphrase set;
bench/faq_retrieval.py reports the answer rate and the precision of "answer" on the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Decision = Literal["answer", "suggest", "none"]

DECISION_RANK: dict[Decision, int] = {"none": 0, "suggest": 1, "answer": 2}


@dataclass(frozen=True)
class Thresholds:
    # Measured with these: the held-out half of our paraphrases is 61% answered at 0.966
    # precision, VIRA dev 37% at 0.914 (a margin of 0.08 would answer 51% there at 0.861).
    answer: float = 0.3
    margin: float = 0.12
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
