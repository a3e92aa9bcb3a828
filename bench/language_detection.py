"""Accuracy of bot.core.language.detect_language on written and real Dutch and English text.

Run: .venv/bin/python bench/language_detection.py   (real-world sets are skipped when absent)
"""

from __future__ import annotations

import time

import yaml
from common import (
    POLICY_NL,
    REPO,
    STACKFAQ,
    VIRA,
    print_table,
    sentences,
    stackfaq_threads,
    vira_rows,
)

from bot.core.language import MIN_CONFIDENCE, detect_language


def word_pairs(texts: list[str]) -> list[str]:
    """Consecutive, non-overlapping two-word pieces of the texts."""
    pairs: list[str] = []
    for text in texts:
        found = text.split()
        pairs.extend(" ".join(found[i : i + 2]) for i in range(0, len(found) - 1, 2))
    return pairs


def data_sets() -> list[tuple[str, str, list[str]]]:
    samples = yaml.safe_load((REPO / "tests/core/language_samples.yaml").read_text("utf-8"))
    sets = [
        ("written, Dutch", "nl", samples["nl"]),
        ("written, English", "en", samples["en"]),
    ]
    if POLICY_NL.exists():
        policy = sentences(POLICY_NL.read_text(encoding="utf-8"))
        sets.append(("support policy (nl): sentences", "nl", policy))
        sets.append(("support policy (nl): word pairs", "nl", word_pairs(policy)))
    if VIRA.exists():
        sets.append(("VIRA test queries (en)", "en", [q for q, _ in vira_rows("test")]))
    if STACKFAQ.exists():
        rephrasings = [r for _, _, rs in stackfaq_threads() for r in rs]
        sets.append(("StackFAQ rephrasings (en)", "en", rephrasings))
    return sets


def main() -> None:
    rows = []
    for name, language, texts in data_sets():
        other = "en" if language == "nl" else "nl"
        start = time.perf_counter()
        guesses = [detect_language(t, default=language) for t in texts]
        elapsed = time.perf_counter() - start
        worst = [detect_language(t, default=other) for t in texts]
        sure = [g for g in guesses if g.confidence >= MIN_CONFIDENCE]
        rows.append(
            (
                name,
                len(texts),
                f"{sum(g.language == language for g in worst) / len(texts):.3f}",
                f"{sum(g.language == language for g in guesses) / len(texts):.3f}",
                f"{len(sure) / len(texts):.3f}",
                f"{sum(g.language == language for g in sure) / max(len(sure), 1):.3f}",
                f"{elapsed / len(texts) * 1e6:.0f}",
            )
        )
    print_table(
        (
            "data set",
            "n",
            "accuracy (default = other language)",
            "accuracy (default = right)",
            "confident",
            "accuracy when confident",
            "µs/text",
        ),
        rows,
    )


if __name__ == "__main__":
    main()
