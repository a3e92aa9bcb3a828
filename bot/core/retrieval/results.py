"""What FAQ retrieval returns: scored matches, and a decided result for the search box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.decision import DECISION_RANK, Decision


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    # 0..1 on an absolute scale for the words (see Thresholds); a fused ranking adds what meaning
    # says on top (up to 1 + the fusion's weights), on the scale its gate was calibrated on.
    score: float
    explained: int = 0  # query words the entry contains (set for the first few matches)
    # The share of rankers that put this entry first on their own (the first match of a fused
    # ranking); None for a ranking by one ranker.
    agreement: float | None = None


@dataclass(frozen=True)
class FaqResult:
    """What to do with a question, and the entries behind it.

    `matches` are best first, at most `limit`: for "answer" the answer first (then any other
    plausible entries), for "suggest" the plausible entries, for "none" nothing. `language`
    is the language of the best match (each entry carries its own language too): usually the
    customer's, another one when only that language has a good entry.
    """

    decision: Decision
    matches: tuple[FaqMatch, ...]
    language: str

    @property
    def best(self) -> FaqMatch | None:
        return self.matches[0] if self.matches else None


def decides_better(candidate: FaqResult, current: FaqResult) -> bool:
    """Another language's result replaces the customer's when it decides better; two equal
    decisions short of an answer go to the higher score. An answer in the customer's own
    language is kept."""
    rank = DECISION_RANK[candidate.decision] - DECISION_RANK[current.decision]
    if rank != 0 or candidate.best is None or current.decision == "answer":
        return rank > 0
    return current.best is None or candidate.best.score > current.best.score


def shows_more(candidate: FaqResult, current: FaqResult) -> bool:
    """Another language's result replaces the customer's that it decides as well as, when the
    customer's best match is one of that language's entries (a stand-in) scoring no higher:
    that language's own ranking is the same search, its entries with a twin included (a stand-in
    is an entry without one)."""
    if candidate.best is None or current.best is None or candidate.decision != current.decision:
        return False
    lead = current.best
    return lead.entry.language == candidate.language and candidate.best.score >= lead.score


def faq_only(matches: Sequence[FaqMatch]) -> list[FaqMatch]:
    """The FAQ entries among matches (no policy route cards)."""
    return [match for match in matches if match.entry.kind == "faq"]
