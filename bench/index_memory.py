"""Memory of the FAQ index: resident size after each step of building it, per knowledge base.

Each run is a fresh process (memory a process has touched is not given back, so runs must not
share one). It loads the knowledge base, builds the word indexes with fixed thresholds (no
calibration) and notes RSS, then builds the index as a worker does (calibrated) and notes RSS
and the peak. The shipped knowledge base is the baseline of the same run (ratios);
``--entries`` adds knowledge bases with that many generated entries (``large_kb.py``).

Run: .venv/bin/python bench/index_memory.py [--entries 1000,10000] [--repeats 2]
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, print_table
from large_kb import build

from bot.core.knowledge.loader import load_knowledge
from bot.core.matching import FaqIndex
from bot.core.retrieval.decision import DEFAULT_THRESHOLDS


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(folder: Path) -> dict[str, float]:
    """In this process: RSS (MB) after loading, after the word indexes, after calibrating."""
    started = time.monotonic()
    kb = load_knowledge(folder)
    args = (kb.faq, kb.products, kb.policy.languages)
    found = {"loaded": rss_mb()}
    words = FaqIndex(
        *args, third_party=kb.third_party, cards=kb.route_cards, thresholds=DEFAULT_THRESHOLDS
    )
    gc.collect()
    found["words"] = rss_mb()
    del words
    index = FaqIndex(*args, third_party=kb.third_party, cards=kb.route_cards)
    gc.collect()
    found["calibrated"] = rss_mb()
    found["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found["seconds"] = time.monotonic() - started
    assert index.calibrations
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="1000,10000", help="generated entries, per row")
    parser.add_argument("--repeats", type=int, default=2, help="runs of every row")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # one run, in a child
    args = parser.parse_args()
    if args.run:
        print(json.dumps(one_run(args.run)))
        return
    sizes = [0, *(int(n) for n in args.entries.split(",") if n)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base: float | None = None
        for size in sizes:
            folder = REPO / "faq_data" if not size else build(Path(tmp) / f"kb{size}", size)
            runs = [
                json.loads(
                    subprocess.run(
                        [sys.executable, __file__, "--run", str(folder)],
                        check=True, capture_output=True, text=True,
                    ).stdout.splitlines()[-1]
                )
                for _ in range(args.repeats)
            ]  # fmt: skip
            calibrated = statistics.median(r["calibrated"] for r in runs)
            base = base or calibrated
            rows.append([
                f"shipped + {size:,}" if size else "shipped",
                " / ".join(f"{r['words']:.0f}" for r in runs),
                " / ".join(f"{r['calibrated']:.0f}" for r in runs),
                " / ".join(f"{r['peak']:.0f}" for r in runs),
                f"{calibrated / base:.2f}",
                " / ".join(f"{r['seconds']:.0f}" for r in runs),
            ])  # fmt: skip
    print(f"\nFAQ index memory, {args.repeats} runs per row (each run a fresh process), MB RSS")
    print_table(
        ["knowledge base", "word indexes", "calibrated (as a worker)", "peak", "÷ shipped", "s"],
        rows,
    )


if __name__ == "__main__":
    main()
