"""The calibrated gate's model: how likely a ranking's best candidate is right.

A logistic model of the best score, its margin over the runner-up of another meaning, and how
many of the query's distinctive words the best candidate contains (up to `MAX_EXPLAINED`: one
matching word is weak evidence however clear the lead); for a ranking that fuses the words with
the semantic stage, also how many of the two rankers put the best candidate first on their own
(two rankers that agree are rarely both wrong; a lead that only their sum gives is weaker). It
is fitted on held-out phrasings
(`bot.core.retrieval.calibration`), monotone (more evidence never lowers the confidence), with a
weak ridge prior so that a small knowledge base cannot overfit it, and its intercept is moved
from the held-out phrasings' odds to customers' odds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.retrieval.decision import LEVELS, Certainty, Lead

MAX_EXPLAINED = 3
RIDGE = 0.1
# The ranker's top-1 on customers' in-scope questions (our paraphrases, the foreign development
# sets): about nine in ten, against about half for held-out phrasings.
REAL_TOP1 = 0.9

Sample = tuple[tuple[float, ...], float, float]  # (features, right, weight)


def features(lead: Lead) -> tuple[float, ...]:
    """Score, margin and words explained; and for a fused ranking the rankers' agreement."""
    values = (lead.best, lead.margin, min(lead.explained, MAX_EXPLAINED) / MAX_EXPLAINED)
    return values if lead.agreement is None else (*values, lead.agreement)


@dataclass(frozen=True)
class CalibratedGate:
    """P(right) = logistic(bias + weights · features(lead)), for customers' questions."""

    bias: float
    weights: tuple[float, ...]  # one per feature (a fused ranking's gate has four)
    suggest: float  # no answer, and no suggestion, below this score

    def confidence(self, lead: Lead) -> float:
        values = features(lead)  # as many as weights: a fused lead goes to the fused gate
        return sigmoid(self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True)))

    def answers(self, lead: Lead, certainty: Certainty = "lenient") -> bool:
        return lead.best >= self.suggest and self.confidence(lead) >= LEVELS[certainty]

    def describe(self) -> str:
        names = ("score", "margin", f"explained/{MAX_EXPLAINED}", "agreement")
        terms = " + ".join(f"{w:.2f}*{name}" for w, name in zip(self.weights, names, strict=False))
        levels = ", ".join(f"{name} {level:.2f}" for name, level in LEVELS.items())
        return (
            f"calibrated: P(right) = logistic({self.bias:.2f} + {terms}); answer at {levels}; "
            f"suggest from score {self.suggest:.2f}"
        )


def fit(samples: Sequence[Sample], suggest: float) -> CalibratedGate:
    """The monotone model of `samples`, its intercept moved to customers' odds."""
    bias, *weights = logistic_fit(samples)
    held_right = sum(s[1] * s[2] for s in samples) / sum(s[2] for s in samples)
    held_right = min(max(held_right, 0.02), 0.98)
    bias += logit(REAL_TOP1) - logit(held_right)
    return CalibratedGate(bias, tuple(weights), suggest)


def logistic_fit(samples: Sequence[Sample]) -> list[float]:
    """Weighted logistic regression, monotone: a feature whose weight comes out negative is
    dropped (its weight held at 0) and the rest refitted."""
    size = len(samples[0][0]) + 1
    free = list(range(1, size))
    while True:
        params = _newton(samples, size, free)
        negative = [i for i in free if params[i] < 0]
        if not negative:
            return params
        free.remove(min(negative, key=lambda i: params[i]))


def _newton(samples: Sequence[Sample], size: int, free: list[int]) -> list[float]:
    """Newton's method on the intercept and the `free` weights (the others stay 0)."""
    active = [0, *free]
    params = [0.0] * size
    for _ in range(50):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for values, right, weight in samples:
            x = (1.0, *values)
            p = sigmoid(sum(a * b for a, b in zip(params, x, strict=True)))
            for i in range(size):
                gradient[i] += weight * (right - p) * x[i]
                for j in range(size):
                    hessian[i][j] -= weight * p * (1 - p) * x[i] * x[j]
        for i in free:
            gradient[i] -= RIDGE * params[i]
            hessian[i][i] -= RIDGE
        reduced = _solve(
            [[hessian[i][j] for j in active] for i in active], [-gradient[i] for i in active]
        )
        for i, change in zip(active, reduced, strict=True):
            params[i] += change
        if max(abs(change) for change in reduced) < 1e-7:
            break
    return params


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (at most 4×4: no numpy needed)."""
    a = [row[:] for row in matrix]
    b = vector[:]
    n = len(b)
    for i in range(n):
        pivot = max(range(i, n), key=lambda r: abs(a[r][i]))
        a[i], a[pivot], b[i], b[pivot] = a[pivot], a[i], b[pivot], b[i]
        if abs(a[i][i]) < 1e-12:
            return [0.0] * n
        for r in range(i + 1, n):
            factor = a[r][i] / a[i][i]
            for c in range(i, n):
                a[r][c] -= factor * a[i][c]
            b[r] -= factor * b[i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (b[i] - sum(a[i][c] * x[c] for c in range(i + 1, n))) / a[i][i]
    return x


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(z, -40.0), 40.0)))


def logit(p: float) -> float:
    return math.log(p / (1 - p))
