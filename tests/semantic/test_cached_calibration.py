"""With the semantic stage, the cached calibration (fused gates, the fusion's weights and
floors) reads back as computed, and the fused ranking decides alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.matching import faq_index
from bot.core.retrieval import calibration_cache
from bot.semantic.vectors import VectorStore
from bot.storage.calibration_files import CalibrationFiles
from tests.core.dialogue.conftest import KB_DIR


def test_fused_gates_read_from_the_cache_decide_as_computed_ones(
    e5_store: VectorStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calibration_cache, "_cache", {})
    kb = load_knowledge(KB_DIR)
    store = CalibrationFiles(tmp_path)
    computed = faq_index(kb, semantic=e5_store, calibration_store=store)
    assert any(c.fused_gate is not None for c in computed.calibrations.values())
    calibration_cache._cache.clear()
    warm = faq_index(kb, semantic=e5_store, calibration_store=store)
    assert warm.calibrations is not computed.calibrations
    assert warm.calibrations == computed.calibrations
    queries = [p for entry in kb.faq for p in entry.phrasings][::4]
    for query in [*queries, "the pictures get bigger when I tap them"]:
        for language in warm.languages:
            assert warm.fused_candidates(query, language) == computed.fused_candidates(
                query, language
            )
            assert warm.search(query, language) == computed.search(query, language)
