"""A gate that calibrates itself on the knowledge base it serves.

Scores depend on the knowledge base: another vendor's 30 entries, in other words, score lower and
closer together than our own 50, so fixed thresholds tuned on one FAQ misjudge the next. The
gate is measured instead. Every phrasing of every entry with alternatives (its question and each
alternative) and every policy-route example is held out in turn (in `FOLDS` folds, each fold's
phrasings removed from a rebuilt index) and searched as if a customer had typed it. The gate's
model (`bot.core.retrieval.gate_model`) is fitted on what the gate would have seen and whether
the best candidate was right, FAQ and route queries weighing equally.

With the semantic stage, the same held-out phrasings also choose how much meaning weighs next
to the words (`bot.core.retrieval.fusion`), and a second gate is fitted on the fused ranking.

A language with only a handful of entries borrows the model fitted on all languages; a knowledge
base with too few phrasings in all keeps the fixed defaults. The result also says which entries
were taken for which: ``supportbot kb check`` prints it as the author's to-do list.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.decision import (
    DEFAULT_THRESHOLDS,
    Gate,
    Lead,
    same_answer,
    without_vetoed,
)
from bot.core.retrieval.decision import Scored as Match
from bot.core.retrieval.fusion import (
    ANSWER_SHARE,
    DEFAULT_FLOOR,
    DEFAULT_WEIGHT,
    WEIGHTS,
    Fusion,
    fused_ranking,
    noise_floor,
)
from bot.core.retrieval.gate_model import CalibratedGate, Sample, features, fit
from bot.core.retrieval.semantic import best_per_owner

FOLDS = 4
MIN_FAQ_QUERIES = 30  # fewer held-out FAQ phrasings than this: borrow, or keep the defaults
MAX_QUERIES = 1500  # per language; bigger knowledge bases are sampled (evenly, repeatably)
# Suggestions are offered (and answers given) from this low a score: the score that nearly all
# right answers reach (98 in 100 held-out phrasings).
SUGGEST_QUANTILE = 0.02
SUGGEST_RANGE = (0.12, 0.25)


@dataclass(frozen=True)
class Probe:
    """What searching with a held-out phrasing gives: the words' ranking (before vetoes), how
    many query words each position explains (`explain`), and meaning per entry position."""

    expected: FaqEntry
    words: Sequence[Match]
    explain: Callable[[int], int]
    meaning: Sequence[float] | None = None
    answers: Sequence[float] | None = None  # the answers' similarity per entry position


Ranker = Callable[[str], tuple[Sequence[Match], Callable[[int], int]]]


@dataclass(frozen=True)
class Outcome:
    expected: FaqEntry
    found: FaqEntry | None
    lead: Lead

    @property
    def right(self) -> bool:
        return self.found is not None and same_answer(self.expected, self.found)


@dataclass(frozen=True)
class Calibration:
    gate: Gate
    source: Literal["own", "pooled", "default"]  # fitted on this language, all, or none
    faq_queries: int
    route_queries: int
    held_out_top1: float  # how often a held-out FAQ phrasing found its own entry first
    answer_rate: float  # share of held-out FAQ phrasings the gate answers (lenient)
    precision: float  # share of those answers that are right
    expected: float  # the model's precision for customers' questions it answers
    confused: tuple[tuple[str, str, int], ...] = ()  # (entry, taken for, times), most first
    fused_gate: Gate | None = None  # with the semantic stage
    fusion: Fusion = field(default_factory=Fusion)
    fused_top1: float = 0.0


@dataclass(frozen=True)
class MeaningMatrix:
    """The semantic stage's similarities of every phrasing with every other (one language)."""

    similarities: Sequence[Sequence[float]]
    text_of: Mapping[tuple[int, str], int]  # (entry position, phrasing) -> row
    owners: Sequence[int]  # row -> entry position
    answers: Sequence[Sequence[float]] = ()  # row -> its similarity to each answer
    answer_owners: Sequence[int] = ()  # answer -> entry position


# -- held-out phrasings -----------------------------------------------------------------------
def probes(
    entries: Sequence[FaqEntry],
    build: Callable[[list[FaqEntry]], Ranker],
    meaning: MeaningMatrix | None = None,
) -> list[Probe]:
    """Every phrasing of an entry with alternatives (and every route example) held out once."""
    queries = [
        (position, phrasing)
        for position, entry in enumerate(entries)
        # An entry with a single phrasing would keep only its answer to be found by: that
        # says nothing about how customers, whose words meet its question, find it.
        if entry.kind != "counter" and len(entry.phrasings) > 1
        for phrasing in entry.phrasings
    ]
    step = max(1, -(-len(queries) // MAX_QUERIES))
    found: list[Probe] = []
    for fold in range(FOLDS):
        held = {query for number, query in enumerate(queries) if number % FOLDS == fold}
        held = {query for number, query in enumerate(sorted(held)) if number % step == 0}
        if not held:
            continue
        kept = [_without(entry, position, held) for position, entry in enumerate(entries)]
        rank = build(kept)
        held_rows = frozenset(meaning.text_of[q] for q in held) if meaning else frozenset()
        for position, phrasing in sorted(held):
            words, explain = rank(phrasing)
            similarities = answers = None
            if meaning is not None:
                number = meaning.text_of[(position, phrasing)]
                row = meaning.similarities[number]
                best = best_per_owner(row, meaning.owners, len(entries), held_rows)
                similarities = array("d", best)  # a list of floats: 4x the memory, per probe
                if meaning.answer_owners:  # the answers stay when a phrasing is held out
                    answers = array(
                        "d",
                        best_per_owner(
                            meaning.answers[number], meaning.answer_owners, len(entries)
                        ),
                    )
            found.append(Probe(entries[position], words, explain, similarities, answers))
        del rank  # the fold's index goes before the next one is built (one alive at a time)
    return found


def _without(entry: FaqEntry, position: int, held: set[tuple[int, str]]) -> FaqEntry:
    """The entry with its held-out phrasings removed (the answer, tags and product stay)."""
    left = [p for p in entry.phrasings if (position, p) not in held]
    if len(left) == len(entry.phrasings):
        return entry
    return replace(entry, question=left[0] if left else "", alternatives=tuple(left[1:]))


def words_outcome(probe: Probe) -> Outcome:
    ranked = without_vetoed(probe.words)
    if not ranked:
        return Outcome(probe.expected, None, Lead(0.0, 0.0))
    best = ranked[0].entry
    rival = next((m.score for m in ranked[1:] if not same_answer(best, m.entry)), 0.0)
    return Outcome(probe.expected, best, Lead(ranked[0].score, rival, ranked[0].explained))


def fused_outcome(probe: Probe, entries: Sequence[FaqEntry], fusion: Fusion) -> Outcome:
    assert probe.meaning is not None
    ranked = fused_ranking(
        entries, probe.words, probe.meaning, fusion, probe.explain, probe.answers
    )
    if not ranked:  # nothing found: no ranker agrees (the fused gate's four features)
        return Outcome(probe.expected, None, Lead(0.0, 0.0, 0, 0.0))
    best = ranked[0].entry
    rival = next((m.score for m in ranked[1:] if not same_answer(best, m.entry)), 0.0)
    first = ranked[0]
    return Outcome(probe.expected, best, Lead(first.score, rival, first.explained, first.agreement))


def chosen_fusion(
    found: Sequence[Probe], entries: Sequence[FaqEntry], pairwise: MeaningMatrix
) -> Fusion:
    """The noise floors of this model on these entries, and the weight of the phrasings'
    meaning that ranks the most held-out phrasings right (the smaller weight on a tie); the
    answers weigh a fixed share of it (`ANSWER_SHARE`)."""
    floor = noise_floor(pairwise.similarities, pairwise.owners)
    answer_floor = (
        noise_floor(pairwise.answers, pairwise.owners, pairwise.answer_owners)
        if pairwise.answer_owners
        else DEFAULT_FLOOR
    )
    usable = [p for p in found if p.meaning is not None]
    weight = DEFAULT_WEIGHT
    if len(usable) >= MIN_FAQ_QUERIES:
        weight = max(
            WEIGHTS,
            key=lambda w: (
                sum(fused_outcome(p, entries, Fusion(w, floor)).right for p in usable),
                -w,
            ),
        )
    return Fusion(weight, floor, ANSWER_SHARE * weight, answer_floor)


# -- fitting ------------------------------------------------------------------------------------
def calibrate(
    outcomes: Mapping[str, Sequence[Outcome]],
    fused: Mapping[str, tuple[Fusion, Sequence[Outcome]]] | None = None,
) -> dict[str, Calibration]:
    """A gate per language from its held-out outcomes (and one for the fused ranking)."""
    fused = fused or {}
    words_gates = _gates(outcomes)
    fused_gates = _gates({lang: found for lang, (_, found) in fused.items()})
    calibrations = {}
    for language, found in outcomes.items():
        gate, source = words_gates[language]
        faq = [o for o in found if o.expected.kind == "faq"]
        confused = Counter(
            (o.expected.ref, o.found.ref)
            for o in faq
            if o.found is not None and o.found.kind == "faq" and not o.right
        )
        rate, precision = _rates(faq, gate)
        answered = [o for o in faq if gate.answers(o.lead)]
        expected = (
            sum(gate.confidence(o.lead) for o in answered) / len(answered)
            if answered and isinstance(gate, CalibratedGate)
            else precision
        )
        fusion, fused_found = fused.get(language, (Fusion(), ()))
        fused_faq = [o for o in fused_found if o.expected.kind == "faq"]
        calibrations[language] = Calibration(
            gate=gate,
            source=source,
            faq_queries=len(faq),
            route_queries=len(found) - len(faq),
            held_out_top1=_top1(faq),
            answer_rate=rate,
            precision=precision,
            expected=expected,
            confused=_top(confused),
            fused_gate=fused_gates[language][0] if language in fused else None,
            fusion=fusion,
            fused_top1=_top1(fused_faq),
        )
    return calibrations


def _gates(
    outcomes: Mapping[str, Sequence[Outcome]],
) -> dict[str, tuple[Gate, Literal["own", "pooled", "default"]]]:
    pooled = [o for found in outcomes.values() for o in found]
    pooled_gate = _fitted(pooled)
    gates: dict[str, tuple[Gate, Literal["own", "pooled", "default"]]] = {}
    for language, found in outcomes.items():
        own = _fitted(found)
        if own is not None:
            gates[language] = (own, "own")
        elif pooled_gate is not None:
            gates[language] = (pooled_gate, "pooled")
        else:
            gates[language] = (DEFAULT_THRESHOLDS, "default")
    return gates


def _fitted(found: Sequence[Outcome]) -> CalibratedGate | None:
    faq = [o for o in found if o.expected.kind == "faq"]
    if len(faq) < MIN_FAQ_QUERIES:
        return None
    routes = [o for o in found if o.expected.kind == "route"]
    groups = [group for group in (faq, routes) if group]
    samples: list[Sample] = []
    total = sum(len(g) for g in groups)
    for group in groups:
        weight = total / len(group) / len(groups)
        samples += [(features(o.lead), float(o.right), weight) for o in group]
    right_scores = sorted(o.lead.best for o in faq if o.right)
    suggest = right_scores[int(len(right_scores) * SUGGEST_QUANTILE)] if right_scores else 0.25
    low, high = SUGGEST_RANGE
    return fit(samples, round(min(max(suggest, low), high), 3))


def _top1(outcomes: Sequence[Outcome]) -> float:
    return sum(o.right for o in outcomes) / len(outcomes) if outcomes else 0.0


def _rates(outcomes: Sequence[Outcome], gate: Gate) -> tuple[float, float]:
    if not outcomes:
        return 0.0, 0.0
    answered = [o for o in outcomes if gate.answers(o.lead)]
    precision = sum(o.right for o in answered) / len(answered) if answered else 1.0
    return len(answered) / len(outcomes), precision


def _top(confused: Counter[tuple[str, str]]) -> tuple[tuple[str, str, int], ...]:
    return tuple((a, b, n) for (a, b), n in confused.most_common(20))
