"""Is a change to the FAQ index lossless, and what does a query cost? Two checkouts compared.

``--dump FILE``: asks an index of the shipped knowledge base plus ``--entries`` generated ones
(``large_kb.py``; a fixed gate, no calibration) each entry's question in its own language, and a
shortened copy with a typo in the other language (so that stand-ins answer), and writes per query
what the engine sees (`candidates`: entries, scores, explained words) and what the search box
decides (`search`). ``--compare A B`` counts the queries whose answers differ at all, and those
whose decision or first entry differ.

``--cpu``: CPU seconds per query of this checkout (shipped knowledge base, the same queries,
``--rounds`` times). ``--pairs N --before DIR`` runs ``--cpu`` alternately in DIR (another
checkout's ``bot`` package, the baseline) and here, each run a fresh process, and prints the ratios.

    PYTHONPATH=. .venv/bin/python bench/index_probe.py --entries 2000 --dump /tmp/after.json
    PYTHONPATH=. .venv/bin/python bench/index_probe.py --compare /tmp/before.json /tmp/after.json
    PYTHONPATH=. .venv/bin/python bench/index_probe.py --pairs 8 --before /tmp/main-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import REPO, print_table
from large_kb import build

from bot.core.knowledge.loader import load_knowledge
from bot.core.matching import FaqIndex
from bot.core.matching import faq_index as faq_index_of
from bot.core.retrieval.decision import Thresholds
from bot.core.retrieval.results import FaqMatch
from bot.storage.calibration_files import CalibrationFiles

Query = tuple[str, str, str]  # (text, language asked in, the entry's id)


def queries(index: FaqIndex, limit: int) -> list[Query]:
    """Each entry's question in its language, and shortened with a typo in another one (the
    entry's id is the right answer of both: its own or its twin's)."""
    found: list[Query] = []
    languages = index.languages
    entries = [e for lang in languages for e in index._faq[lang]][:limit]  # noqa: SLF001
    for entry in entries:
        found.append((entry.question, entry.language, entry.id))
        words = entry.question.split()[:5]
        longest = max(range(len(words)), key=lambda n: len(words[n]), default=0)
        if words and len(words[longest]) > 4:
            word = words[longest]
            words[longest] = word[:2] + word[3] + word[2] + word[4:]  # two letters swapped
        other = next((lang for lang in languages if lang != entry.language), entry.language)
        found.append((" ".join(words), other, entry.id))
    return found


def matches(found: tuple[FaqMatch, ...]) -> list[list[Any]]:
    return [[m.entry.language, m.entry.id, m.score, m.explained] for m in found]


def answers(index: FaqIndex, query: Query) -> dict[str, Any]:
    text, language, expected = query
    result = index.search(text, language)
    return {
        "query": [text, language],
        "expected": expected,
        "candidates": matches(index.candidates(text, language)),
        "decision": result.decision,
        "language": result.language,
        "shown": matches(result.matches),
    }


def faq_index(entries: int, folder: Path, calibrated: Path | None = None) -> FaqIndex:
    """A fixed gate, or with `calibrated` the calibrated one as a worker has it (the gate
    files in that folder, calibrated there first if none fits)."""
    source = REPO / "faq_data" if not entries else build(folder, entries)
    kb = load_knowledge(source)
    if calibrated is not None:
        return faq_index_of(kb, calibration_store=CalibrationFiles(calibrated))
    return FaqIndex(  # as `faq_index` builds it, written out: a baseline may not take `thresholds`
        kb.faq, kb.products, kb.policy.languages,
        third_party=kb.third_party, cards=kb.route_cards, thresholds=Thresholds(),
    )  # fmt: skip


def dump(entries: int, limit: int, path: Path, calibrated: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        index = faq_index(entries, Path(tmp) / "kb", calibrated)
    found = [answers(index, query) for query in queries(index, limit)]
    path.write_text(json.dumps(found), encoding="utf-8")
    print(f"{len(found)} queries written to {path}")


def compare(before: Path, after: Path) -> None:
    old = json.loads(before.read_text(encoding="utf-8"))
    new = json.loads(after.read_text(encoding="utf-8"))
    assert [a["query"] for a in old] == [b["query"] for b in new], "not the same queries"
    differ = sum(1 for a, b in zip(old, new, strict=True) if a != b)

    def verdict(answer: dict[str, Any]) -> list[Any]:
        return [answer["decision"], answer["shown"][0][:2] if answer["shown"] else None]

    decided = sum(1 for a, b in zip(old, new, strict=True) if verdict(a) != verdict(b))
    print(f"{len(old)} queries: {differ} answered differently, {decided} decided differently")
    engine = sum(1 for a, b in zip(old, new, strict=True) if a["candidates"] != b["candidates"])
    print(f"the engine's candidates (one language's index, no stand-ins): {engine} differ")
    rows = []
    for kind, start in (("own language", 0), ("other language, typo", 1)):
        for name, found in (("before", old[start::2]), ("after", new[start::2])):
            rows.append([kind, name, *(str(n) for n in right_and_wrong(found))])
    print_table(["queries", "run", "answered right", "answered wrong", "right one shown"], rows)


def right_and_wrong(found: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(answered with the query's entry, answered with another, the entry among those shown)."""
    right = wrong = shown = 0
    for answer in found:
        ids = [match[1] for match in answer["shown"]]
        if answer["decision"] == "answer":
            right += ids[0] == answer["expected"]
            wrong += ids[0] != answer["expected"]
        shown += answer["expected"] in ids
    return right, wrong, shown


def cpu(rounds: int) -> None:
    index = faq_index(0, Path())
    asked = queries(index, 10_000)
    for query in asked:  # warm the caches (typo repairs, similar words) as a worker would
        answers(index, query)
    started = time.process_time()
    for _ in range(rounds):
        for query in asked:
            answers(index, query)
    print(json.dumps({"ms": 1000 * (time.process_time() - started) / (rounds * len(asked))}))


def run_cpu(checkout: Path, rounds: int) -> float:
    """This script, in a fresh process, on the `bot` package of `checkout` (a copy of this
    script goes in its bench/ when it has none: `common` puts its own checkout first)."""
    script = checkout / "bench" / Path(__file__).name
    if not script.exists():
        shutil.copy(__file__, script)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, str(script), "--cpu", "--rounds", str(rounds)],
        check=True, capture_output=True, text=True, cwd=checkout, env=env,
    )  # fmt: skip
    value: float = json.loads(done.stdout.splitlines()[-1])["ms"]
    return value


def pairs(count: int, before: Path, rounds: int) -> None:
    rows, ratios = [], []
    for pair in range(count):
        base = run_cpu(before, rounds)
        here = run_cpu(REPO, rounds)
        ratios.append(here / base)
        rows.append([str(pair + 1), f"{base:.3f}", f"{here:.3f}", f"{here / base:.2f}"])
        print(*rows[-1], file=sys.stderr, flush=True)
    print(f"\nCPU ms per query (search + candidates), shipped FAQ, {rounds} rounds per process")
    print_table(["pair", "before", "this checkout", "÷ before"], rows)
    print(f"median ÷ {statistics.median(ratios):.3f}, range {min(ratios):.2f}–{max(ratios):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000, help="generated entries")
    parser.add_argument("--limit", type=int, default=1500, help="entries asked about")
    parser.add_argument("--dump", type=Path, help="write every query's answers here")
    parser.add_argument("--calibrated", type=Path, help="gate files' folder (--dump)")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--cpu", action="store_true", help="CPU ms per query, this checkout")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the queries (--cpu)")
    parser.add_argument("--pairs", type=int, help="alternating --cpu runs, before and here")
    parser.add_argument("--before", type=Path, help="the baseline checkout (--pairs)")
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
    elif args.cpu:
        cpu(args.rounds)
    elif args.pairs:
        pairs(args.pairs, args.before, args.rounds)
    elif args.dump:
        dump(args.entries, args.limit, args.dump, args.calibrated)
    else:
        parser.error("one of --dump, --compare, --cpu, --pairs")


if __name__ == "__main__":
    main()
