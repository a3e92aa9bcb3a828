"""The gate that calibrates itself on the knowledge base it loads (held-out phrasings)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import FaqEntry
from bot.core.matching import FaqIndex
from bot.core.retrieval import calibration_cache
from bot.core.retrieval.calibration import Probe, fused_outcome, probes
from bot.core.retrieval.decision import DEFAULT_THRESHOLDS, Lead
from bot.core.retrieval.fusion import Fusion, fused_ranking
from bot.core.retrieval.gate_model import CalibratedGate, features, logistic_fit
from bot.core.retrieval.language_index import LanguageIndex
from bot.core.retrieval.results import FaqMatch

BRAMBLE = REPO_ROOT / "tests" / "core" / "dialogue" / "bramble_kb"


def index_of(path: Path) -> FaqIndex:
    kb = load_knowledge(path)
    return FaqIndex(
        kb.faq, kb.products, kb.policy.languages, third_party=kb.third_party, cards=kb.route_cards
    )


@pytest.fixture(scope="module", params=["faq_data", "bramble"])
def index(request: pytest.FixtureRequest) -> FaqIndex:
    return index_of(REPO_ROOT / "faq_data" if request.param == "faq_data" else BRAMBLE)


def test_every_language_gets_a_fitted_gate(index: FaqIndex) -> None:
    for language, found in index.calibrations.items():
        assert found.source in ("own", "pooled"), language
        assert isinstance(found.gate, CalibratedGate)
        assert 0.0 < found.answer_rate < 1.0 and found.expected >= 0.85


def test_more_evidence_never_lowers_the_confidence(index: FaqIndex) -> None:
    for found in index.calibrations.values():
        gate = found.gate
        assert isinstance(gate, CalibratedGate)
        assert all(weight >= 0 for weight in gate.weights)
        low, high = Lead(0.3, 0.25, 1), Lead(0.5, 0.25, 1)
        assert gate.confidence(high) >= gate.confidence(low)
        assert gate.confidence(Lead(0.4, 0.1, 3)) >= gate.confidence(Lead(0.4, 0.1, 1))
        assert gate.confidence(Lead(0.4, 0.4, 2)) <= gate.confidence(Lead(0.4, 0.1, 2))


def test_strict_answers_are_a_subset_of_lenient_ones(index: FaqIndex) -> None:
    gate = index.gate(index.languages[0])
    leads = [Lead(best / 20, rival / 20, 2) for best in range(21) for rival in range(best)]
    strict = {lead for lead in leads if gate.answers(lead, "strict")}
    lenient = {lead for lead in leads if gate.answers(lead, "lenient")}
    assert strict <= lenient and lenient


def test_every_phrasing_is_held_out_once() -> None:
    kb = load_knowledge(BRAMBLE)
    entries = [e for e in (*kb.faq, *kb.route_cards) if e.language == "en"]
    seen: list[str] = []

    def build(kept: list[FaqEntry]):  # type: ignore[no-untyped-def]
        missing = {p for e in entries for p in e.phrasings} - {p for e in kept for p in e.phrasings}
        seen.extend(missing)
        return lambda query: ([], lambda position: 0)

    found = probes(entries, build)
    queried = [
        p for e in entries if e.kind != "counter" and len(e.phrasings) > 1 for p in e.phrasings
    ]
    assert len(found) == len(queried)
    assert sorted(seen) == sorted(queried)  # counter phrasings stay in: they are no answers


def test_a_tiny_knowledge_base_keeps_the_default_gate() -> None:
    entries = [
        FaqEntry("a", "en", "How do I reset my password?", "Use the link."),
        FaqEntry("b", "en", "Where is my invoice?", "In your account."),
    ]
    index = FaqIndex(entries, languages=("en",))
    assert index.calibrations["en"].source == "default"
    assert index.gate("en") == DEFAULT_THRESHOLDS


def test_a_language_with_few_entries_borrows_the_model_of_all(tmp_path: Path) -> None:
    d_kb = REPO_ROOT.parent / "shared" / "eval" / "vendor-d" / "kb"
    if not d_kb.is_dir():
        pytest.skip("../shared/eval is not available")
    calibrations = index_of(d_kb).calibrations  # 23 English entries, 4 Dutch
    assert calibrations["en"].source == "own" and calibrations["nl"].source == "pooled"


def test_one_knowledge_base_is_calibrated_once_per_process() -> None:
    before = len(calibration_cache._cache)
    index_of(BRAMBLE)
    index_of(BRAMBLE)
    assert len(calibration_cache._cache) - before <= 1


def language_indexes_alive() -> int:
    gc.collect()
    return sum(isinstance(thing, LanguageIndex) for thing in gc.get_objects())


def test_held_out_probes_do_not_keep_their_folds_indexes() -> None:
    """Calibration keeps every probe until the gate is fitted: a probe that held its fold's
    index kept all folds' indexes alive at once (most of a worker's memory on a large
    knowledge base). What it explains is still the fold's count."""
    index = index_of(BRAMBLE)
    before = language_indexes_alive()
    found = index._probes("en")
    assert language_indexes_alive() == before
    assert len(found) > 4 and any(probe.explain(0) > 0 for probe in found)


def test_the_logistic_fit_separates_clear_data() -> None:
    right = [((0.6, 0.3, 1.0), 1.0, 1.0)] * 30
    wrong = [((0.15, 0.01, 0.0), 0.0, 1.0)] * 30
    bias, *weights = logistic_fit(right + wrong)
    gate = CalibratedGate(bias, (weights[0], weights[1], weights[2]), 0.1)
    assert gate.confidence(Lead(0.6, 0.3, 3)) > 0.95 > 0.05 > gate.confidence(Lead(0.15, 0.14, 0))


def test_a_held_out_phrasing_nothing_finds_still_has_the_fused_gates_features() -> None:
    """Meaning below the noise floor and no shared word: the fused outcome is empty, and its
    lead still carries an agreement, so the fused gate's samples all have four features."""
    entries = [FaqEntry("a", "en", "How do I reset?", "Click."), FaqEntry("b", "en", "Q", "A")]
    probe = Probe(entries[0], [], lambda position: 0, [0.1, 0.1])
    outcome = fused_outcome(probe, entries, Fusion(weight=1.0, floor=0.8))
    assert outcome.found is None and len(features(outcome.lead)) == 4


def test_answers_are_a_third_ranker_with_their_own_floor() -> None:
    """An answer close to the question adds to its entry, above the answers' own noise floor;
    a route card has no answer, so its examples' meaning stands in (cards do not lose to
    articles only because articles have answers)."""
    fusion = Fusion(weight=1.0, floor=0.8, answer_weight=0.5, answer_floor=0.7)
    scores = fusion.scores({0: 0.2}, [0.8, 0.9, 0.9], [0.85, 0.7, -1.0])
    assert scores == pytest.approx([0.2 + 0.5 * 0.5, 0.5, 0.5 + 0.5 * 0.5])
    assert fusion.scores({0: 0.2}, [0.8, 0.9, 0.9]) == pytest.approx([0.2, 0.5, 0.5])


def test_a_fused_ranking_counts_the_rankers_that_put_its_best_entry_first() -> None:
    entries = [FaqEntry("a", "en", "Reset?", "Click."), FaqEntry("b", "en", "Refund?", "Mail.")]
    words = [FaqMatch(entries[0], 0.4)]
    fusion = Fusion(weight=1.0, floor=0.8, answer_weight=0.5, answer_floor=0.8)
    ranked = fused_ranking(entries, words, [0.82, 0.98], fusion, lambda n: 1, [0.9, 0.85])
    assert ranked[0].entry is entries[1]  # 0 + 0.9 + 0.125 against 0.4 + 0.1 + 0.25
    assert ranked[0].agreement == pytest.approx(1 / 3)  # only the phrasings' meaning
    without = fused_ranking(entries, words, [0.82, 0.98], Fusion(1.0, 0.8), lambda n: 1, None)
    assert without[0].agreement == pytest.approx(1 / 2)
