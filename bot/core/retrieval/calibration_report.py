"""``supportbot kb check``'s account of a knowledge base's calibration."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.retrieval.calibration import Calibration


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
        if c.fused_gate is not None:
            lines.append(
                f"        with meaning: found first {c.fused_top1:.2f} "
                f"(weight {c.fusion.weight:.1f}, noise floor {c.fusion.floor:.2f}; answers "
                f"{c.fusion.answer_weight:.1f} above {c.fusion.answer_floor:.2f})"
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
