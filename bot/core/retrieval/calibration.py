"""A gate that calibrates itself on the knowledge base it serves.

Scores depend on the knowledge base: another vendor's 30 entries, in other words, score lower and
closer together than our own 50. So the thresholds are measured, not fixed: every phrasing of
every entry (the question and each alternative) and every policy-route example is held out in
turn (in `FOLDS` folds, each fold's phrasings removed from a rebuilt index) and searched as if a
customer had typed it.

A held-out phrasing is a harder query than a customer's: its entry lost the very phrasing that
would have matched, so the right entry comes first for only about half of them, against about
nine in ten customer questions (`REAL_TOP1`, measured on our paraphrases and on the foreign
development sets). The target precision is therefore moved by that difference in prior odds
(Bayes' rule, assuming the scores of right and wrong answers look alike in both): answering
where a held-out phrasing is right with probability ``p`` means a customer's question is right
with ``TARGET_PRECISION``. The answer threshold and margin are the pair with the highest
expected utility at that target (a wrong answer costs what the target says), FAQ queries and
route queries weighing equally. Too few phrasings to measure: the defaults are kept.

The result also says how well the knowledge base can be told apart: which entries were taken
for which (``supportbot kb check`` prints it as the author's to-do list).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from threading import Lock
from typing import Protocol

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.decision import DEFAULT_THRESHOLDS, Thresholds, lead_scores, same_answer

TARGET_PRECISION = 0.95
REAL_TOP1 = 0.9  # the ranker's top-1 on customers' in-scope questions (README, bench)
FOLDS = 4
MIN_FAQ_QUERIES = 8  # fewer held-out FAQ phrasings than this: keep the defaults
MAX_QUERIES = 1500  # per language; bigger knowledge bases are sampled (evenly, repeatably)
ANSWER_GRID = tuple(round(0.10 + 0.02 * step, 2) for step in range(21))  # 0.10 .. 0.50
MARGIN_GRID = tuple(round(0.01 * step, 2) for step in range(21))  # 0.00 .. 0.20
# Suggestions are offered from this share of the answer threshold on.
SUGGEST_SHARE = 0.75


class Match(Protocol):
    @property
    def entry(self) -> FaqEntry: ...

    @property
    def score(self) -> float: ...


Ranker = Callable[[str], Sequence[Match]]


@dataclass(frozen=True)
class Outcome:
    """One held-out phrasing searched: the two scores the gate sees, and whether it was right."""

    expected: FaqEntry
    found: FaqEntry | None
    best: float
    rival: float

    @property
    def right(self) -> bool:
        return self.found is not None and same_answer(self.expected, self.found)


@dataclass(frozen=True)
class Calibration:
    thresholds: Thresholds
    calibrated: bool  # False: too few phrasings, the defaults are used
    faq_queries: int
    route_queries: int
    answer_rate: float  # share of held-out FAQ phrasings the gate answers
    precision: float  # share of those answers that are right
    confused: tuple[tuple[str, str, int], ...] = ()  # (entry, taken for, times), most first


def calibrate(entries: Sequence[FaqEntry], build: Callable[[list[FaqEntry]], Ranker]) -> Calibration:
    """Thresholds for one language's entries and route cards (see the module docstring).

    `build(entries)` returns a ranker over those entries that scores a query exactly as the
    live index does (product boosts, vetoes); it is called once per fold.
    """
    outcomes = held_out_outcomes(entries, build)
    faq = [o for o in outcomes if o.expected.kind == "faq"]
    routes = [o for o in outcomes if o.expected.kind == "route"]
    confused = Counter(
        (o.expected.ref, o.found.ref)
        for o in faq
        if o.found is not None and o.found.kind == "faq" and not o.right
    )
    if len(faq) < MIN_FAQ_QUERIES:
        rate, precision = _rates(faq, DEFAULT_THRESHOLDS)
        return Calibration(
            DEFAULT_THRESHOLDS, False, len(faq), len(routes), rate, precision, _top(confused)
        )
    thresholds = _best_gate(faq, routes)
    rate, precision = _rates(faq, thresholds)
    return Calibration(thresholds, True, len(faq), len(routes), rate, precision, _top(confused))


def held_out_outcomes(
    entries: Sequence[FaqEntry], build: Callable[[list[FaqEntry]], Ranker]
) -> list[Outcome]:
    queries = [
        (position, phrasing)
        for position, entry in enumerate(entries)
        if entry.kind != "counter"
        for phrasing in entry.phrasings
    ]
    step = max(1, -(-len(queries) // MAX_QUERIES))
    outcomes: list[Outcome] = []
    for fold in range(FOLDS):
        held = {query for number, query in enumerate(queries) if number % FOLDS == fold}
        held = {query for number, query in enumerate(sorted(held)) if number % step == 0}
        if not held:
            continue
        kept = [_without(entry, position, held) for position, entry in enumerate(entries)]
        rank = build(kept)
        for position, phrasing in sorted(held):
            ranked = rank(phrasing)
            scores = lead_scores(ranked) + [0.0, 0.0]
            found = ranked[0].entry if ranked else None
            outcomes.append(Outcome(entries[position], found, scores[0], scores[1]))
    return outcomes


def _without(entry: FaqEntry, position: int, held: set[tuple[int, str]]) -> FaqEntry:
    """The entry with its held-out phrasings removed (the answer, tags and product stay)."""
    left = [p for p in entry.phrasings if (position, p) not in held]
    if len(left) == len(entry.phrasings):
        return entry
    return replace(entry, question=left[0] if left else "", alternatives=tuple(left[1:]))


def held_out_target(outcomes: Sequence[Outcome]) -> float:
    """The precision on held-out phrasings that means TARGET_PRECISION for customers."""
    right = sum(o.right for o in outcomes) / len(outcomes)
    right = min(max(right, 0.05), 0.95)
    odds = (TARGET_PRECISION / (1 - TARGET_PRECISION)) * (right / (1 - right))
    odds /= REAL_TOP1 / (1 - REAL_TOP1)
    return odds / (1 + odds)


def _best_gate(faq: Sequence[Outcome], routes: Sequence[Outcome]) -> Thresholds:
    """The (answer, margin) of the highest expected utility (see the module docstring)."""
    groups = [group for group in (faq, routes) if group]
    target = held_out_target([o for group in groups for o in group])
    cost = target / (1 - target)  # a wrong answer outweighs a right one this many times
    best: tuple[float, float, float] = (0.0, ANSWER_GRID[-1], MARGIN_GRID[-1])
    for answer in ANSWER_GRID:
        for margin in MARGIN_GRID:
            utility = 0.0
            for group in groups:
                answered = [o for o in group if o.best >= answer and o.best - o.rival >= margin]
                right = sum(o.right for o in answered)
                utility += (right - cost * (len(answered) - right)) / len(group) / len(groups)
            if utility > best[0] + 1e-9:
                best = (utility, answer, margin)
    _, answer, margin = best
    return Thresholds(answer=answer, margin=margin, suggest=round(answer * SUGGEST_SHARE, 3))


def _rates(outcomes: Sequence[Outcome], gate: Thresholds) -> tuple[float, float]:
    answered = [o for o in outcomes if o.best >= gate.answer and o.best - o.rival >= gate.margin]
    if not outcomes:
        return 0.0, 0.0
    precision = sum(o.right for o in answered) / len(answered) if answered else 1.0
    return len(answered) / len(outcomes), precision


def _top(confused: Counter[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((a, b, n) for (a, b), n in confused.most_common(20))


# -- one calibration per knowledge base and process -----------------------------------------
_cache: dict[str, Calibration] = {}
_lock = Lock()


def fingerprint(entries: Sequence[FaqEntry], *extra: object) -> str:
    """A hash of everything the scores depend on."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(repr(entry).encode())
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def cached(key: str, compute: Callable[[], Calibration]) -> Calibration:
    """Tests and workers build the same index many times; calibrate each knowledge base once."""
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = compute()
        with _lock:
            _cache[key] = found
    return found
