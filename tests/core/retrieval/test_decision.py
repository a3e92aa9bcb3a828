"""The answer gate: score and margin for "answer", a floor for "suggest"."""

from __future__ import annotations

import pytest

from bot.core.retrieval.decision import Thresholds, decide

GATE = Thresholds(answer=0.5, margin=0.1, suggest=0.2)


@pytest.mark.parametrize(
    ("scores", "decision"),
    [
        ([0.8, 0.3], "answer"),
        ([0.8], "answer"),
        ([0.5, 0.35], "answer"),
        ([0.8, 0.75], "suggest"),  # close runner-up: let the customer choose
        ([0.45, 0.1], "suggest"),  # clear lead, but not a strong match
        ([0.2], "suggest"),
        ([0.19, 0.1], "none"),
        ([], "none"),
    ],
)
def test_decision_needs_score_and_lead_for_an_answer(scores: list[float], decision: str) -> None:
    assert decide(scores, GATE) == decision
