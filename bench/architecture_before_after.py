"""Two checkouts side by side: the chat and email benchmarks of each tree run against that tree's
own code, interleaved (before, after, before, after ...), so a shared machine's load falls on
both alike. One table: each measure's median over the rounds, its range, and after ÷ before.

Made for issue 14 (the architecture work, merged at fbfb096): "before" is its merge base,
checked out with ``git worktree add --detach /work/wt-before 22a05f2``; "after" is this
checkout. Each run is a fresh process with ``PYTHONPATH`` set to its tree (the shared venv's
editable install points at one checkout; ``PYTHONPATH`` comes first), started in that tree.

- engine turn and stored turn: ``bench/dialogue_latency.py`` (its words-only rows; the semantic
  rows are skipped, ``extra_installed`` answers False), once timed by the wall clock and once by
  the main thread's CPU time (its ``time.perf_counter`` read as ``time.thread_time``);
- WebSocket: ``bench/websocket_load.py --levels 100 --seconds 10`` (``--seconds`` here changes
  it: the 99th percentile at 50 turns/s rests on about 5 turns in 10 s) (``--repeats 1`` where the
  script has it), SQLite, one gunicorn worker; its echo server is the same-run control;
- email: ``bench/email_throughput.py`` (SQLite, 300 messages, 4 clients), plus the process's
  CPU from sending the first message to the last reply (the window of the newer script's own
  CPU row, read around ``send_all`` and ``report``, so both trees are measured the same way).

Run: .venv/bin/python bench/architecture_before_after.py --before /work/wt-before
     [--after .] [--rounds 3] [--benches dialogue,websocket,email] [--log-dir DIR]
     [--bot-only]  (websocket_load.py without its echo and floor where the script allows it)
     [--seconds 10]  (websocket_load.py's time per load)
     [--words-only]  (email_throughput.py with the semantic stage off; it is on when installed)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from common import REPO, print_table

Measures = dict[str, float]

# The shims import a tree's bench module and call its main(); they print where `bot` came from.
DIALOGUE = """
import sys, time, types
sys.argv = ["dialogue_latency.py"]
import bot, dialogue_latency as bench
print("BOT", bot.__file__)
bench.extra_installed = lambda: False
if {cpu}:
    bench.time = types.SimpleNamespace(perf_counter=time.thread_time)
bench.main()
"""

EMAIL = """
import sys, time
sys.argv = ["email_throughput.py"]
import bot, email_throughput as bench
print("BOT", bot.__file__)
window = {{}}
send_all, report = bench.send_all, bench.report
def timed_send_all(*args, **kwargs):
    window["start"] = time.process_time()  # the last call is Supportbot's (the first: the sink)
    return send_all(*args, **kwargs)
def timed_report(count, *args, **kwargs):
    cpu = time.process_time() - window["start"]
    print(f"WINDOW_CPU_MS_PER_MESSAGE {{1000 * cpu / count:.2f}}")
    return report(count, *args, **kwargs)
bench.send_all, bench.report = timed_send_all, timed_report
if {words_only}:  # the bench's Config leaves the semantic stage on "auto"
    import functools
    bench.Config = functools.partial(bench.Config, semantic=False)
bench.main()
"""

WEBSOCKET = """
import runpy, sys
import bot
print("BOT", bot.__file__)
sys.argv = ["websocket_load.py", "--levels", "100", "--seconds", "{seconds}"] + {extra}
runpy.run_path("bench/websocket_load.py", run_name="__main__")
"""


def tables(output: str) -> list[list[dict[str, str]]]:
    """Every Markdown table in ``output``, as rows keyed by the header's cells."""
    found: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in output.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
            found.append([])
        elif not set(line) <= set("|- "):
            found[-1].append(dict(zip(header, cells, strict=False)))
    return found


def rows_named(output: str, column: str) -> dict[str, dict[str, str]]:
    return {row[column]: row for table in tables(output) for row in table if column in row}


def number(text: str) -> float:
    match = re.search(r"[\d,]+(?:\.\d+)?", text)
    if match is None:
        raise ValueError(f"no number in {text!r}")
    return float(match.group().replace(",", ""))


def dialogue(output: str, clock: str) -> Measures:
    rows = rows_named(output, "measure")
    engine = next(row for name, row in rows.items() if name.startswith("engine turn (Engine"))
    stored = next(row for name, row in rows.items() if name.startswith("stored turn, SQLite"))
    return {
        f"engine turn p50 ms ({clock})": number(engine["p50 ms"]),
        f"engine turn p95 ms ({clock})": number(engine["p95 ms"]),
        f"control: one FAQ search p50 ms ({clock})": number(engine["baseline p50 ms"]),
        f"stored turn p50 ms ({clock})": number(stored["p50 ms"]),
        f"stored turn p95 ms ({clock})": number(stored["p95 ms"]),
        f"control: bare insert+commit p50 ms ({clock})": number(stored["baseline p50 ms"]),
    }


def websocket(output: str) -> Measures:
    rows = {(r["server"], r["load"]): r for t in tables(output) for r in t if "server" in r}
    limit, paced = "as fast as answered", "50/s offered"
    bot, echo = "supportbot /ws", "flask-sock echo"
    found = {
        "/ws turns/s at the limit": number(rows[bot, limit]["turns/s"]),
        "/ws p50 ms at the limit": number(rows[bot, limit]["p50 ms"]),
        "/ws p50 ms at 50/s offered": number(rows[bot, paced]["p50 ms"]),
        "/ws p99 ms at 50/s offered": number(rows[bot, paced]["p99 ms"]),
        "/ws errors (both loads)": number(rows[bot, limit]["errors"])
        + number(rows[bot, paced]["errors"]),
    }
    for load, name in ((limit, "at the limit"), (paced, "at 50/s offered")):
        if rows[bot, load].get("CPU ms/turn"):  # a websocket_load.py that measures it
            found[f"/ws server CPU ms per turn {name}"] = number(rows[bot, load]["CPU ms/turn"])
    if (echo, limit) in rows:  # not with --bot-only
        found["control: echo msgs/s at the limit"] = number(rows[echo, limit]["turns/s"])
        found["/ws ÷ echo at the limit"] = found["/ws turns/s at the limit"] / number(
            rows[echo, limit]["turns/s"]
        )
    return found


def email(output: str) -> Measures:
    rows = rows_named(output, "stage")
    end = rows["end to end (wall clock)"]["share of stage time"]
    sink = next(row for name, row in rows.items() if name.startswith("baseline: bare aiosmtpd"))
    cpu = re.search(r"WINDOW_CPU_MS_PER_MESSAGE ([\d.]+)", output)
    if cpu is None:
        raise ValueError("the email shim printed no CPU window")
    rate = number(end.split("msg/s")[0])
    if not re.search(r"\b300/300 replies", end):
        raise ValueError(f"not every reply arrived: {end}")
    return {
        "email msg/s end to end": rate,
        "email CPU ms per message": float(cpu.group(1)),
        "control: bare sink msg/s": number(sink["share of stage time"]),
        "email ÷ sink": number(sink["share of stage time"].split("=")[1]),
    }


def run(tree: Path, code: str, log: Path | None) -> str:
    environ = {**os.environ, "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'bench'}"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tree, env=environ, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{tree}: exit {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}")
    origin = re.search(r"^BOT (.+)$", done.stdout, re.MULTILINE)
    if origin is None or not Path(origin.group(1)).is_relative_to(tree):
        raise RuntimeError(f"{tree}: bot was imported from {origin and origin.group(1)}")
    if log is not None:
        log.write_text(done.stdout)
    return done.stdout


def websocket_code(tree: Path, options: argparse.Namespace) -> str:
    """Options the tree's script has: one run per row; with ``--bot-only``, no echo and no floor
    in a script that can leave them out (the floor shares the server's database first)."""
    script = (tree / "bench" / "websocket_load.py").read_text()
    extra = ["--repeats", "1"] if "--repeats" in script else []
    extra += ["--bot-only"] if options.bot_only and "--bot-only" in script else []
    return WEBSOCKET.format(extra=extra, seconds=options.seconds)


Code = Callable[[Path, argparse.Namespace], str]
BENCHES: dict[str, list[tuple[Code, Callable[[str], Measures]]]] = {
    "dialogue": [
        (lambda _, __: DIALOGUE.format(cpu=False), lambda out: dialogue(out, "wall")),
        (lambda _, __: DIALOGUE.format(cpu=True), lambda out: dialogue(out, "CPU")),
    ],
    "websocket": [(websocket_code, websocket)],
    "email": [(lambda _, options: EMAIL.format(words_only=options.words_only), email)],
}


def figure(value: float) -> str:
    digits = 3 if value < 1 else 2 if value < 10 else 1 if value < 1000 else 0
    return f"{value:,.{digits}f}"


def spread(values: list[float]) -> str:
    if not values:
        return "no run"
    low, high = figure(min(values)), figure(max(values))
    return f"{figure(statistics.median(values))} ({low}–{high})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, required=True, help="the checkout before")
    parser.add_argument("--after", type=Path, default=REPO, help="default: this checkout")
    parser.add_argument("--rounds", type=int, default=3, help="runs per tree and bench")
    parser.add_argument("--benches", default=",".join(BENCHES))
    parser.add_argument("--log-dir", type=Path, help="keep each run's output here")
    parser.add_argument(
        "--bot-only", action="store_true", help="websocket_load.py --bot-only where it exists"
    )
    parser.add_argument(
        "--seconds", type=int, default=10, help="websocket_load.py --seconds (each load's time)"
    )
    parser.add_argument(
        "--words-only",
        action="store_true",
        help="email with the semantic stage off (the bench leaves it on auto: on when installed)",
    )
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    found: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in trees}
    loads: list[float] = []
    if args.log_dir:
        args.log_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for round_ in range(1, args.rounds + 1):
        for bench in args.benches.split(","):
            for kind, (make_code, parse) in enumerate(BENCHES[bench]):
                for name, tree in trees.items():  # before, after: interleaved
                    loads.append(os.getloadavg()[0])
                    log = args.log_dir and args.log_dir / f"{round_}-{bench}{kind}-{name}.txt"
                    try:
                        measures = parse(run(tree, make_code(tree, args), log))
                    except (RuntimeError, ValueError, KeyError, StopIteration) as error:
                        print(f"round {round_} {bench} {name}: {error}", file=sys.stderr)
                        continue
                    for measure, value in measures.items():
                        found[name][measure].append(value)
                    minutes = (time.monotonic() - started) / 60
                    print(
                        f"[{minutes:5.1f} min] round {round_} {bench} {name} load {loads[-1]:.1f}: "
                        + "; ".join(f"{m} {v:g}" for m, v in measures.items()),
                        file=sys.stderr,
                        flush=True,
                    )
    print(f"\n{args.rounds} runs per tree, interleaved; load average (1 min) at each run's start:")
    print(f"{min(loads):.1f}–{max(loads):.1f} (median {statistics.median(loads):.1f})\n")
    rows = []
    for measure in {**found["before"], **found["after"]}:
        before, after = found["before"][measure], found["after"][measure]
        base = statistics.median(before) if before else 0.0
        ratio = f"{statistics.median(after) / base:.2f}" if after and base else ""
        rows.append([measure, spread(before), spread(after), ratio])
    headers = ["measure", "before: median (range)", "after: median (range)", "after ÷ before"]
    print_table(headers, rows)


if __name__ == "__main__":
    main()
