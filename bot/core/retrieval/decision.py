"""When to answer, when to suggest, when to stay quiet: a gate on score and margin.

A wrong confident answer costs more than a list of suggestions, so "answer" needs both a high
score and a clear lead over the runner-up. The runner-up is the best candidate that would *mean
something else*: an FAQ entry and the policy route it belongs to agree, so they do not take each
other's lead. Counter cards (phrasings that look like a policy route but ask about a product)
veto their route when they score at least as high, and are then dropped.

Levels of certainty (`LEVELS`: the share of answers expected to be right). The chat answers a
how-to question "lenient"ly, since it asks "did this help?" and offers more after a no; the FAQ
search box "shown"s an article as the answer without asking; a message with a strong
alternative (a bug report on an older version: update first) is answered only when "strict".
A fixed `Thresholds` box answers alike at every level; `bot.core.retrieval.calibration` replaces
it, per knowledge base and language, with a `CalibratedGate` that estimates the chance that the
best candidate is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from bot.core.knowledge.models import FaqEntry

Decision = Literal["answer", "suggest", "none"]
Certainty = Literal["lenient", "shown", "strict"]

DECISION_RANK: dict[Decision, int] = {"none": 0, "suggest": 1, "answer": 2}
# The share of answers expected to be right at each level of certainty (see the docstring).
LEVELS: dict[Certainty, float] = {"lenient": 0.9, "shown": 0.92, "strict": 0.95}


@dataclass(frozen=True)
class Lead:
    """What the gate sees of a ranking: the best score, its lead over the best candidate that
    means something else, and how many of the query's words the best candidate contains. A
    ranking that fuses several rankers also says how many of them put the best candidate first
    on their own (`agreement`, a share; None for a single ranker)."""

    best: float
    rival: float
    explained: int = 0
    agreement: float | None = None

    @property
    def margin(self) -> float:
        return self.best - self.rival


class Gate(Protocol):
    """Decides from a ranking's `Lead`."""

    @property
    def suggest(self) -> float: ...

    def answers(self, lead: Lead, certainty: Certainty = "lenient") -> bool: ...

    def confidence(self, lead: Lead) -> float: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class Thresholds:
    """A fixed gate: answer from `answer` with a lead of `margin`, suggest from `suggest`."""

    answer: float = 0.3
    margin: float = 0.12
    suggest: float = 0.25

    def answers(self, lead: Lead, certainty: Certainty = "lenient") -> bool:
        return lead.best >= self.answer and lead.margin >= self.margin

    def confidence(self, lead: Lead) -> float:
        """A fixed gate knows no chance: certain when it answers, else not."""
        return 1.0 if self.answers(lead) else 0.0

    def describe(self) -> str:
        return (
            f"fixed: answer when score >= {self.answer:.2f} and >= {self.margin:.2f} ahead of "
            f"the next; suggest when >= {self.suggest:.2f}"
        )


DEFAULT_THRESHOLDS = Thresholds()


class Scored(Protocol):
    @property
    def entry(self) -> FaqEntry: ...

    @property
    def score(self) -> float: ...

    @property
    def explained(self) -> int: ...

    @property
    def agreement(self) -> float | None: ...


def decide(
    lead: Lead | Sequence[float] | None,
    gate: Gate = DEFAULT_THRESHOLDS,
    certainty: Certainty = "lenient",
) -> Decision:
    """Decision for a ranking's lead (or plain scores, best first)."""
    if lead is None or not isinstance(lead, Lead):
        scores = list(lead or [])
        if not scores:
            return "none"
        lead = Lead(scores[0], scores[1] if len(scores) > 1 else 0.0)
    if lead.best < gate.suggest:
        return "none"
    return "answer" if gate.answers(lead, certainty) else "suggest"


def same_answer(a: FaqEntry, b: FaqEntry) -> bool:
    """Would answering with `b` mean what answering with `a` means?"""
    if a.kind == "faq" and b.kind == "faq":
        return a.key == b.key
    return a.route is not None and a.route == b.route


S = TypeVar("S", bound="Scored")


def without_vetoed(ranked: Sequence[S]) -> list[S]:
    """Drop route cards whose counter card scores at least as high, then the counters."""
    counters = {m.entry.route: m.score for m in ranked if m.entry.kind == "counter"}
    return [
        m
        for m in ranked
        if m.entry.kind == "faq"
        or (m.entry.kind == "route" and m.score > counters.get(m.entry.route, -1.0))
    ]


def lead_of(ranked: Sequence[Scored]) -> Lead | None:
    """The ranking's lead (None when empty)."""
    if not ranked:
        return None
    best = ranked[0].entry
    rival = next((m.score for m in ranked[1:] if not same_answer(best, m.entry)), 0.0)
    return Lead(ranked[0].score, rival, ranked[0].explained, ranked[0].agreement)
