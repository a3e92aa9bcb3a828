"""Calibrations as JSON values and back, exactly: a float is written as its shortest repr, which
reads back as the same double, so a gate read back decides as the gate that was computed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, Literal, cast

from bot.core.retrieval.calibration import Calibration
from bot.core.retrieval.decision import Gate, Thresholds
from bot.core.retrieval.fusion import Fusion
from bot.core.retrieval.gate_model import CalibratedGate

# The layout of the JSON value below (the algorithm's version is in the key). Every field of
# `Fusion` is a number, written by name: a field added there is written and read without a
# change here, and a file without it is refused (calibrated again).
FORMAT = 1
SOURCES = ("own", "pooled", "default")


def encode(calibrations: Mapping[str, Calibration]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "languages": {lang: _calibration(c) for lang, c in calibrations.items()},
    }


def decode(value: object) -> dict[str, Calibration]:
    """The calibrations of an `encode`d value; ValueError (or TypeError, KeyError) when it is
    not one."""
    data = _object(value)
    if data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format')!r}, not {FORMAT}")
    return {str(lang): _decoded(_object(c)) for lang, c in _object(data["languages"]).items()}


def _calibration(c: Calibration) -> dict[str, Any]:
    return {
        "gate": _gate(c.gate),
        "source": c.source,
        "faq_queries": c.faq_queries,
        "route_queries": c.route_queries,
        "held_out_top1": c.held_out_top1,
        "answer_rate": c.answer_rate,
        "precision": c.precision,
        "expected": c.expected,
        "confused": [list(row) for row in c.confused],
        "fused_gate": _gate(c.fused_gate) if c.fused_gate is not None else None,
        "fusion": {f.name: getattr(c.fusion, f.name) for f in fields(Fusion)},
        "fused_top1": c.fused_top1,
    }


def _gate(gate: Gate) -> dict[str, Any]:
    if isinstance(gate, CalibratedGate):
        return {
            "kind": "calibrated",
            "bias": gate.bias,
            "weights": list(gate.weights),
            "suggest": gate.suggest,
        }
    if isinstance(gate, Thresholds):
        return {
            "kind": "fixed",
            "answer": gate.answer,
            "margin": gate.margin,
            "suggest": gate.suggest,
        }
    raise TypeError(f"no JSON for a {type(gate).__name__}")


def _decoded(data: dict[str, Any]) -> Calibration:
    source = data["source"]
    if source not in SOURCES:
        raise ValueError(f"source {source!r}")
    fused = data["fused_gate"]
    fusion = _object(data["fusion"])
    return Calibration(
        gate=_gate_of(_object(data["gate"])),
        source=cast(Literal["own", "pooled", "default"], source),
        faq_queries=_int(data["faq_queries"]),
        route_queries=_int(data["route_queries"]),
        held_out_top1=_float(data["held_out_top1"]),
        answer_rate=_float(data["answer_rate"]),
        precision=_float(data["precision"]),
        expected=_float(data["expected"]),
        confused=tuple(
            (str(a), str(b), _int(n)) for a, b, n in (_list(row) for row in _list(data["confused"]))
        ),
        fused_gate=_gate_of(_object(fused)) if fused is not None else None,
        fusion=Fusion(**{f.name: _float(fusion[f.name]) for f in fields(Fusion)}),
        fused_top1=_float(data["fused_top1"]),
    )


def _gate_of(data: dict[str, Any]) -> Gate:
    if data["kind"] == "calibrated":
        weights = tuple(_float(w) for w in _list(data["weights"]))
        return CalibratedGate(_float(data["bias"]), weights, _float(data["suggest"]))
    if data["kind"] == "fixed":
        return Thresholds(_float(data["answer"]), _float(data["margin"]), _float(data["suggest"]))
    raise ValueError(f"gate kind {data['kind']!r}")


def _object(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    return cast(dict[str, Any], value)


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)
