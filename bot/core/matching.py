"""FAQ retrieval for the dialogue engine; the implementation lives in ``bot.core.retrieval``."""

from __future__ import annotations

from bot.core.retrieval.decision import Decision, Thresholds
from bot.core.retrieval.index import FaqIndex
from bot.core.retrieval.results import FaqMatch, FaqResult

__all__ = ["Decision", "FaqIndex", "FaqMatch", "FaqResult", "Thresholds"]
