"""Memory and start time of the FAQ index, per knowledge base, with a cold and a warm
calibration cache.

Each run is a fresh process (memory a process has touched is not given back, so runs must not
share one) that loads the knowledge base and builds the FAQ index as a worker does, with the
calibration cache of ``bot.storage.calibration_files``: **cold** (an empty cache folder: it
calibrates and writes the file) or **warm** (the folder a cold run of the same knowledge base
wrote: it reads the gates). It notes RSS after loading and after the index, the peak, and the
seconds the index took. Runs alternate cold, warm, cold, warm; a knowledge base's cold runs are
the baseline of its warm ones (ratio of the medians). ``--entries`` adds knowledge bases with
that many generated entries (``large_kb.py``).

Run: PYTHONPATH=. .venv/bin/python bench/index_memory.py [--entries 1000,10000] [--repeats 2]
"""

from __future__ import annotations

import argparse
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
from bot.core.matching import faq_index
from bot.storage.calibration_files import CalibrationFiles

MODES = ("cold", "warm")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_run(folder: Path, cache: Path) -> dict[str, float]:
    """In this process: RSS (MB) after loading and after the index, its peak, and seconds."""
    kb = load_knowledge(folder)
    found = {"loaded": rss_mb()}
    started = time.monotonic()
    index = faq_index(kb, calibration_store=CalibrationFiles(cache))
    found["seconds"] = time.monotonic() - started
    found["index"] = rss_mb()
    found["peak"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert index.calibrations
    return found


def child(folder: Path, cache: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--run", str(folder), "--cache", str(cache)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", default="1000,10000", help="generated entries, per row")
    parser.add_argument("--repeats", type=int, default=2, help="runs of every row")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # one run, in a child
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(one_run(args.run, args.cache)))
        return
    sizes = [0, *(int(n) for n in args.entries.split(",") if n)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = REPO / "faq_data" if not size else build(Path(tmp) / f"kb{size}", size)
            runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
            for repeat in range(args.repeats):
                cache = Path(tmp) / f"cache{size}-{repeat}"  # empty: cold; then warm
                for mode in MODES:
                    runs[mode].append(child(folder, cache))
                    print(size, mode, runs[mode][-1], file=sys.stderr, flush=True)
            base = statistics.median(r["seconds"] for r in runs["cold"])
            for mode in MODES:
                found = runs[mode]
                seconds = statistics.median(r["seconds"] for r in found)
                rows.append([
                    f"shipped + {size:,}" if size else "shipped", mode,
                    " / ".join(f"{r['loaded']:.0f}" for r in found),
                    " / ".join(f"{r['index']:.0f}" for r in found),
                    " / ".join(f"{r['peak']:.0f}" for r in found),
                    " / ".join(f"{r['seconds']:.1f}" for r in found),
                    f"{seconds / base:.2f}",
                ])  # fmt: skip
    print(f"\nFAQ index as a worker builds it, {args.repeats} runs per row (each a fresh process)")
    print_table(
        ["knowledge base", "calibration cache", "RSS loaded, MB", "RSS with index, MB",
         "peak, MB", "index s", "s ÷ cold"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
