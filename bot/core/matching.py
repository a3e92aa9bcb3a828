"""FAQ retrieval for the dialogue engine; the implementation lives in ``bot.core.retrieval``."""

from __future__ import annotations

from bot.core.knowledge.models import KnowledgeBase
from bot.core.retrieval.calibration_cache import CalibrationStore
from bot.core.retrieval.decision import Decision, Thresholds
from bot.core.retrieval.index import FaqIndex
from bot.core.retrieval.results import FaqMatch, FaqResult
from bot.core.retrieval.semantic import SemanticScorer

__all__ = ["Decision", "FaqIndex", "FaqMatch", "FaqResult", "Thresholds", "faq_index"]


def faq_index(
    kb: KnowledgeBase,
    *,
    semantic: SemanticScorer | None = None,
    calibration_store: CalibrationStore | None = None,
    thresholds: Thresholds | None = None,
) -> FaqIndex:
    """The knowledge base's FAQ entries and route cards, indexed as a worker serves them
    (`thresholds`: a fixed gate instead of the calibrated one, for benchmarks)."""
    return FaqIndex(
        kb.faq,
        kb.products,
        kb.policy.languages,
        third_party=kb.third_party,
        cards=kb.route_cards,
        semantic=semantic,
        calibration_store=calibration_store,
        thresholds=thresholds,
    )
