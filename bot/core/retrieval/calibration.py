"""A gate that calibrates itself on the knowledge base it serves.

Scores depend on the knowledge base: another vendor's 30 entries, in other words, score lower and
closer together than our own 50, so fixed thresholds tuned on one FAQ misjudge the next. The
gate is measured instead. Every phrasing of every entry with alternatives (its question and each
alternative) and every policy-route example is held out in turn (in `FOLDS` folds, each fold's
phrasings removed from a rebuilt index) and searched as if a customer had typed it. A logistic
model then says how likely the best candidate is right, from its score, its lead over the
runner-up and how many of the query's distinctive words it contains; FAQ queries and route
queries weigh equally.

A held-out phrasing is a harder query than a customer's: its entry lost the very phrasing that
would have matched, so the right entry comes first for only about half of them, against about
nine in ten customer questions (`REAL_TOP1`: our paraphrases and the foreign development sets).
The model's intercept is moved by that difference in prior odds (Bayes' rule), so its estimate
is for customers' questions. The gate answers where the estimate reaches the level asked for
(`decision.LEVELS`). Too few phrasings to fit a model: the fixed defaults are kept.

The result also says how well the knowledge base can be told apart: which entries were taken
for which (``supportbot kb check`` prints it as the author's to-do list).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from threading import Lock
from typing import Literal, Protocol

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.decision import (
    DEFAULT_THRESHOLDS,
    LEVELS,
    Certainty,
    Gate,
    Lead,
    Meaning,
    lead_of,
    same_answer,
)
from bot.core.retrieval.semantic import best_per_owner

REAL_TOP1 = 0.9
FOLDS = 4
MIN_FAQ_QUERIES = 30  # fewer held-out FAQ phrasings than this: keep the defaults
MAX_QUERIES = 1500  # per language; bigger knowledge bases are sampled (evenly, repeatably)
MAX_EXPLAINED = 3
RIDGE = 0.1  # a weak prior on the model's weights, so a tiny knowledge base cannot overfit
# Suggestions are offered (and answers given) from this low a score: the score that nearly all
# right answers reach (98 in 100 held-out phrasings).
SUGGEST_QUANTILE = 0.02
SUGGEST_RANGE = (0.12, 0.25)


class Match(Protocol):
    @property
    def entry(self) -> FaqEntry: ...

    @property
    def score(self) -> float: ...

    @property
    def explained(self) -> int: ...


Ranker = Callable[[str], Sequence[Match]]


@dataclass(frozen=True)
class Outcome:
    """One held-out phrasing searched: what the gate sees, and whether it was right. With the
    semantic stage, `lead` carries its view and `by_meaning` is its own ranking's lead."""

    expected: FaqEntry
    found: FaqEntry | None
    lead: Lead
    meaning_found: FaqEntry | None = None
    by_meaning: Lead | None = None

    @property
    def right(self) -> bool:
        return self.found is not None and same_answer(self.expected, self.found)

    @property
    def meaning_right(self) -> bool:
        return self.meaning_found is not None and same_answer(self.expected, self.meaning_found)


ModelKind = Literal["words", "words+meaning", "meaning"]


def kind_of(lead: Lead) -> ModelKind:
    if lead.by_meaning:
        return "meaning"
    return "words" if lead.meaning is None else "words+meaning"


def features(lead: Lead) -> tuple[float, ...]:
    """A model's inputs. Words: the best score, its margin, and the query words it explains (up
    to 3: one matching word is weak evidence however clear the lead). With the semantic stage:
    also whether it agrees on the best entry, and how close in meaning that entry is. By meaning
    alone: the best similarity and its margin."""
    if lead.by_meaning:
        return (lead.best, lead.margin)
    words = (lead.best, lead.margin, min(lead.explained, MAX_EXPLAINED) / MAX_EXPLAINED)
    if lead.meaning is None:
        return words
    return (*words, float(lead.meaning.agrees), lead.meaning.similarity)


@dataclass(frozen=True)
class Logistic:
    bias: float
    weights: tuple[float, ...]

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return _sigmoid(z)


@dataclass(frozen=True)
class CalibratedGate:
    """P(right) = logistic(bias + weights · features(lead)) for customers' questions, with one
    model per kind of lead (`kind_of`); a kind without its own model uses the words model on the
    words part of the lead."""

    models: Mapping[ModelKind, Logistic]
    suggest: float

    def confidence(self, lead: Lead) -> float:
        kind = kind_of(lead)
        model = self.models.get(kind)
        if model is None:
            if kind == "meaning":
                return 0.0
            model, lead = self.models["words"], replace(lead, meaning=None)
        return model.probability(features(lead))

    def answers(self, lead: Lead, certainty: Certainty = "lenient") -> bool:
        floor = 0.0 if lead.by_meaning else self.suggest
        return lead.best >= floor and self.confidence(lead) >= LEVELS[certainty]

    def describe(self) -> str:
        names = {
            "words": "score, margin, explained/3",
            "words+meaning": "score, margin, explained/3, agrees, similarity",
            "meaning": "similarity, margin",
        }
        models = "; ".join(
            f"{kind}: logistic({m.bias:.2f} + {', '.join(f'{w:.2f}' for w in m.weights)} "
            f"x ({names[kind]}))"
            for kind, m in self.models.items()
        )
        levels = ", ".join(f"{name} {level:.2f}" for name, level in LEVELS.items())
        return f"calibrated: {models}; answer at {levels}; suggest from score {self.suggest:.2f}"


@dataclass(frozen=True)
class Calibration:
    gate: Gate
    source: Literal["own", "pooled", "default"]  # fitted on this language, all, or none
    faq_queries: int
    route_queries: int
    held_out_top1: float  # how often a held-out FAQ phrasing found its own entry first
    answer_rate: float  # share of held-out FAQ phrasings the gate answers (lenient)
    precision: float  # share of those answers that are right
    expected: float  # the model's precision for customers' questions it answers (prior-moved)
    confused: tuple[tuple[str, str, int], ...] = ()  # (entry, taken for, times), most first


def calibrate(outcomes: Mapping[str, Sequence[Outcome]]) -> dict[str, Calibration]:
    """A gate per language from its held-out outcomes (see the module docstring).

    A language with too few FAQ phrasings of its own (a handful of translated entries) gets the
    model fitted on all languages together; with too few in all, the fixed defaults.
    """
    pooled = [o for found in outcomes.values() for o in found]
    pooled_gate = _fitted([o for o in pooled if o.expected.kind == "faq"], pooled)
    calibrations = {}
    for language, found in outcomes.items():
        faq = [o for o in found if o.expected.kind == "faq"]
        routes = [o for o in found if o.expected.kind == "route"]
        own = _fitted(faq, found)
        gate = own or pooled_gate
        source: Literal["own", "pooled", "default"] = (
            "own" if own else "pooled" if pooled_gate else "default"
        )
        confused = Counter(
            (o.expected.ref, o.found.ref)
            for o in faq
            if o.found is not None and o.found.kind == "faq" and not o.right
        )
        top1 = sum(o.right for o in faq) / len(faq) if faq else 0.0
        used: Gate = gate or DEFAULT_THRESHOLDS
        rate, precision = _rates(faq, used)
        answered = [o for o in faq if used.answers(o.lead)]
        expected = (
            sum(used.confidence(o.lead) for o in answered) / len(answered)
            if answered and isinstance(used, CalibratedGate)
            else precision
        )
        calibrations[language] = Calibration(
            used, source, len(faq), len(routes), top1, rate, precision, expected, _top(confused)
        )
    return calibrations


def _fitted(faq: Sequence[Outcome], found: Sequence[Outcome]) -> CalibratedGate | None:
    if len(faq) < MIN_FAQ_QUERIES:
        return None
    return fit_gate(faq, [o for o in found if o.expected.kind == "route"])


@dataclass(frozen=True)
class MeaningMatrix:
    """The semantic stage's similarities of every phrasing with every other (one language)."""

    similarities: Sequence[Sequence[float]]
    text_of: Mapping[tuple[int, str], int]  # (entry position, phrasing) -> row
    owners: Sequence[int]  # row -> entry position


def held_out_outcomes(
    entries: Sequence[FaqEntry],
    build: Callable[[list[FaqEntry]], Ranker],
    meaning: MeaningMatrix | None = None,
) -> list[Outcome]:
    queries = [
        (position, phrasing)
        for position, entry in enumerate(entries)
        # An entry with a single phrasing would keep only its answer to be found by: that
        # says nothing about how customers, whose words meet its question, find it.
        if entry.kind != "counter" and len(entry.phrasings) > 1
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
        held_rows = frozenset(meaning.text_of[q] for q in held) if meaning else frozenset()
        for position, phrasing in sorted(held):
            ranked = rank(phrasing)
            lead = lead_of(ranked) or Lead(0.0, 0.0)
            found = ranked[0].entry if ranked else None
            outcome = Outcome(entries[position], found, lead)
            if meaning is not None:
                row = meaning.similarities[meaning.text_of[(position, phrasing)]]
                scores = best_per_owner(row, meaning.owners, len(entries), held_rows)
                outcome = with_meaning(outcome, entries, scores)
            outcomes.append(outcome)
    return outcomes


def with_meaning(outcome: Outcome, entries: Sequence[FaqEntry], scores: Sequence[float]) -> Outcome:
    """The outcome with the semantic stage's view added (see `meaning_view`)."""
    view, found, by_meaning = meaning_view(outcome.found, entries, scores)
    return replace(
        outcome,
        lead=replace(outcome.lead, meaning=view),
        meaning_found=found,
        by_meaning=by_meaning,
    )


def meaning_view(
    words_best: FaqEntry | None, entries: Sequence[FaqEntry], scores: Sequence[float]
) -> tuple[Meaning | None, FaqEntry | None, Lead | None]:
    """(what meaning says of the word rankers' best, meaning's own best, its lead). Counter
    cards take no part: they say what a route is not."""
    ranked = sorted(
        (i for i, entry in enumerate(entries) if entry.kind != "counter" and scores[i] > -1.0),
        key=lambda i: -scores[i],
    )
    if not ranked:
        return None, None, None
    top = entries[ranked[0]]
    rival = next((scores[i] for i in ranked[1:] if not same_answer(top, entries[i])), 0.0)
    by_meaning = Lead(scores[ranked[0]], rival, by_meaning=True)
    view = None
    if words_best is not None:
        position = next(
            (
                i
                for i, e in enumerate(entries)
                if e.key == words_best.key and e.kind == words_best.kind
            ),
            None,
        )
        if position is not None:
            view = Meaning(same_answer(top, words_best), scores[position])
    return view, top, by_meaning


def _without(entry: FaqEntry, position: int, held: set[tuple[int, str]]) -> FaqEntry:
    """The entry with its held-out phrasings removed (the answer, tags and product stay)."""
    left = [p for p in entry.phrasings if (position, p) not in held]
    if len(left) == len(entry.phrasings):
        return entry
    return replace(entry, question=left[0] if left else "", alternatives=tuple(left[1:]))


def fit_gate(faq: Sequence[Outcome], routes: Sequence[Outcome]) -> CalibratedGate:
    """Fit a model per kind of lead on the held-out outcomes, moved to customers' odds."""
    groups = [group for group in (faq, routes) if group]
    models: dict[ModelKind, Logistic] = {}
    for kind in ("words", "words+meaning", "meaning"):
        samples = _samples(groups, kind)
        if samples:
            models[kind] = _moved(samples)
    right_scores = sorted(o.lead.best for o in faq if o.right)
    suggest = right_scores[int(len(right_scores) * SUGGEST_QUANTILE)] if right_scores else 0.25
    low, high = SUGGEST_RANGE
    return CalibratedGate(models, round(min(max(suggest, low), high), 3))


Sample = tuple[tuple[float, ...], float, float]  # (features, right, weight)


def _samples(groups: Sequence[Sequence[Outcome]], kind: ModelKind) -> list[Sample]:
    """FAQ and route outcomes weighing equally, as the lead of this kind sees them."""
    samples: list[Sample] = []
    total = sum(len(g) for g in groups)
    for group in groups:
        weight = 1.0 / len(group) / len(groups) * total
        for o in group:
            if kind == "meaning":
                if o.by_meaning is not None:
                    samples.append((features(o.by_meaning), float(o.meaning_right), weight))
            elif kind == "words+meaning":
                if o.lead.meaning is not None:
                    samples.append((features(o.lead), float(o.right), weight))
            else:
                samples.append((features(replace(o.lead, meaning=None)), float(o.right), weight))
    return samples


def _moved(samples: Sequence[Sample]) -> Logistic:
    """The fitted model, its intercept moved from held-out odds to customers' odds."""
    bias, *weights = _logistic_fit(samples)
    held_right = sum(s[1] * s[2] for s in samples) / sum(s[2] for s in samples)
    held_right = min(max(held_right, 0.02), 0.98)
    bias += _logit(REAL_TOP1) - _logit(held_right)
    return Logistic(bias, tuple(weights))


def _logistic_fit(samples: Sequence[Sample]) -> list[float]:
    """Weighted logistic regression, monotone: a higher score, margin or explained-word count
    never lowers the confidence. A feature whose weight comes out negative is dropped (its
    weight held at 0) and the rest refitted."""
    size = len(samples[0][0]) + 1
    free = list(range(1, size))
    while True:
        params = _newton(samples, size, free)
        negative = [i for i in free if params[i] < 0]
        if not negative:
            return params
        free.remove(min(negative, key=lambda i: params[i]))


def _newton(samples: Sequence[Sample], size: int, free: list[int]) -> list[float]:
    """Newton's method on the intercept and the `free` weights (the others stay 0), with a
    weak ridge prior on the weights."""
    active = [0, *free]
    params = [0.0] * size
    for _ in range(50):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for values, right, weight in samples:
            x = (1.0, *values)
            p = _sigmoid(sum(a * b for a, b in zip(params, x, strict=True)))
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


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-min(max(z, -40.0), 40.0)))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _rates(outcomes: Sequence[Outcome], gate: Gate) -> tuple[float, float]:
    if not outcomes:
        return 0.0, 0.0
    answered = [o for o in outcomes if gate.answers(o.lead)]
    precision = sum(o.right for o in answered) / len(answered) if answered else 1.0
    return len(answered) / len(outcomes), precision


def _top(confused: Counter[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((a, b, n) for (a, b), n in confused.most_common(20))


def report(calibrations: Mapping[str, Calibration]) -> str:
    """For ``supportbot kb check``: how well each language's entries can be told apart."""
    lines = [
        "Answer gate, calibrated on this knowledge base (each phrasing held out and searched):",
        "  LANG  PHRASINGS  FOUND FIRST  ANSWERED  PRECISION  EXPECTED  GATE",
    ]
    sources = {"own": "fitted", "pooled": "fitted on all languages", "default": "fixed default"}
    for language, c in calibrations.items():
        lines.append(
            f"  {language:<4}  {c.faq_queries:>9}  {c.held_out_top1:>11.2f}  "
            f"{c.answer_rate:>8.2f}  {c.precision:>9.2f}  {c.expected:>8.2f}  "
            f"{sources[c.source]}"
        )
    lines.append(
        "  ANSWERED and PRECISION are for the held-out phrasings, which are harder than customers'"
        " questions; EXPECTED is the calibrated precision for customers' questions."
    )
    confused = [row for c in calibrations.values() for row in c.confused]
    if confused:
        lines.append("Hard to tell apart (a phrasing of the first was taken for the second):")
        lines += [f"  {a} -> {b} ({n}x)" for a, b, n in confused[:15]]
        lines.append("  Give such entries alternatives in the words that set them apart.")
    return "\n".join(lines) + "\n"


# -- one calibration per knowledge base and process -----------------------------------------
_cache: dict[str, dict[str, Calibration]] = {}
_lock = Lock()


def fingerprint(entries: Sequence[FaqEntry], *extra: object) -> str:
    """A hash of everything the scores depend on."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(repr(entry).encode())
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def cached(key: str, compute: Callable[[], dict[str, Calibration]]) -> dict[str, Calibration]:
    """Tests and workers build the same index many times; calibrate each knowledge base once."""
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = compute()
        with _lock:
            _cache[key] = found
    return found
