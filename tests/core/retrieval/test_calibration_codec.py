"""Calibrations written as JSON read back equal, and anything else is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.core.knowledge.loader import load_knowledge
from bot.core.matching import FaqIndex
from bot.core.retrieval.calibration import Calibration
from bot.core.retrieval.calibration_codec import decode, encode
from bot.core.retrieval.decision import DEFAULT_THRESHOLDS
from bot.core.retrieval.fusion import Fusion
from bot.core.retrieval.gate_model import CalibratedGate

BRAMBLE = REPO_ROOT / "tests" / "core" / "dialogue" / "bramble_kb"
VENDOR_C = REPO_ROOT.parent / "shared" / "eval" / "vendor-c" / "kb"

FUSED = Calibration(
    gate=CalibratedGate(-0.1, (4.2, 3.1, 1.0), 0.17),
    source="pooled",
    faq_queries=40,
    route_queries=12,
    held_out_top1=0.1 + 0.2,  # a double with no short decimal form
    answer_rate=2 / 3,
    precision=1.0,
    expected=0.93,
    confused=(("en/a", "en/b", 2),),
    fused_gate=CalibratedGate(0.5, (1.0, 2.0, 0.5, 1.5), 0.2),
    fusion=Fusion(1.2, 0.81, 0.6, 0.83),
    fused_top1=0.75,
)
DEFAULT = Calibration(DEFAULT_THRESHOLDS, "default", 3, 0, 0.0, 0.0, 0.0, 0.0)


def through_json(calibrations: dict[str, Calibration]) -> dict[str, Calibration]:
    return decode(json.loads(json.dumps(encode(calibrations))))


@pytest.mark.parametrize("path", [REPO_ROOT / "faq_data", BRAMBLE, VENDOR_C], ids=str)
def test_a_knowledge_base_s_calibration_reads_back_equal(path: Path) -> None:
    if not path.is_dir():
        pytest.skip(f"{path} is not available")
    kb = load_knowledge(path)
    index = FaqIndex(
        kb.faq, kb.products, kb.policy.languages, third_party=kb.third_party, cards=kb.route_cards
    )
    assert through_json(index.calibrations) == index.calibrations


def test_fused_and_fixed_gates_read_back_equal() -> None:
    calibrations = {"en": FUSED, "nl": DEFAULT}
    assert through_json(calibrations) == calibrations


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        {"format": 999, "languages": {}},
        {"format": 1},
        {"format": 1, "languages": {"en": {"gate": {"kind": "magic"}}}},
        {"format": 1, "languages": {"en": {**encode({"en": DEFAULT})["languages"]["en"],
                                          "faq_queries": "many"}}},
        {"format": 1, "languages": {"en": {**encode({"en": DEFAULT})["languages"]["en"],
                                          "source": "guessed"}}},
        {"format": 1, "languages": {"en": {**encode({"en": FUSED})["languages"]["en"],
                                          "confused": [["en/a"]]}}},
    ],
)  # fmt: skip
def test_what_is_not_a_calibration_is_refused(value: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        decode(value)
