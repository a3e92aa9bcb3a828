"""Where a stored turn's time goes, and what its slowest turns wait for: ``Conversations.post``
driven in this process as the WebSocket benchmark's floor drives it (one thread per
conversation, paced to an offered rate), each turn cut into phases by SQLAlchemy's events:

- ``checkout``: from the call to a pooled connection in hand (pool waits);
- each statement, from the driver's call to its return (``BEGIN`` rides on the first);
- ``engine``: the dialogue engine's own turn (``Engine.handle``);
- ``flush``: the unit of work's flush, its statements included;
- ``commit``: the ``COMMIT`` round trip (the WAL's fsync on PostgreSQL);
- ``cpu``: the thread's own CPU time; wall minus every phase is the rest (Python between
  the statements, and waiting for the GIL).

The report: each phase's mean over all turns, over the median band (p45-p55) and over the
slowest 1 %, and the statements per turn.

Run: .venv/bin/python bench/turn_tail.py --database postgresql --threads 100 --rate 50
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import scratch_database
from sqlalchemy import event
from turn_floor import start_conversations, think_time

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.config import Config

QUESTIONS = (
    "How do I install the plugin?",
    "Hoe installeer ik de plugin?",
    "Where do I find my licence key?",
    "Waar vind ik mijn licentiesleutel?",
    "How do I update the plugin?",
)
_local = threading.local()


def phases() -> dict[str, float]:
    current: dict[str, float] | None = getattr(_local, "phases", None)
    if current is None:
        current = _local.phases = defaultdict(float)
    return current


def add(name: str, seconds: float) -> None:
    phases()[name] += seconds


def instrument(rt: Runtime) -> None:
    """Time each phase of a turn into this thread's ``phases``."""
    engine = rt.db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(_c: Any, _cur: Any, statement: str, *args: Any) -> None:
        _local.statement_started = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(_c: Any, _cur: Any, statement: str, *args: Any) -> None:
        name = " ".join(statement.split()[:3])[:40]
        add("sql: " + name, time.perf_counter() - _local.statement_started)
        add("statements", 1)

    @event.listens_for(engine, "commit")
    def commit(_conn: Any) -> None:
        _local.commit_started = time.perf_counter()

    @event.listens_for(engine, "engine_connect")
    def connected(_conn: Any) -> None:
        started = getattr(_local, "turn_started", None)
        if started is not None:
            add("checkout", time.perf_counter() - started)

    handle = rt.conversations.engine.handle

    def timed_handle(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return handle(*args, **kwargs)
        finally:
            add("engine", time.perf_counter() - started)

    rt.conversations.engine.handle = timed_handle  # type: ignore[method-assign]


@contextmanager
def timed_turn() -> Iterator[None]:
    _local.phases = defaultdict(float)
    _local.turn_started = time.perf_counter()
    _local.commit_started = None
    cpu = time.thread_time()
    yield
    ended = time.perf_counter()
    if _local.commit_started is not None:
        add("commit", ended - _local.commit_started)
    add("cpu", time.thread_time() - cpu)
    add("wall", ended - _local.turn_started)


def drive(rt: Runtime, threads: int, seconds: float, rate: float) -> list[dict[str, float]]:
    conversations = start_conversations(rt, threads)
    turns: list[dict[str, float]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    pace = threads / rate
    barrier = threading.Barrier(threads + 1)

    def talk(index: int, public_id: str, token: str) -> None:
        rng = random.Random(index)
        mine = []
        barrier.wait()
        n = index
        while (pause := think_time(rng, pace, stop)) is not None:
            time.sleep(pause)
            with timed_turn():
                rt.conversations.post(public_id, token, QUESTIONS[n % len(QUESTIONS)])
            mine.append(dict(_local.phases))
            n += 1
        with lock:
            turns.extend(mine)

    workers = [
        threading.Thread(target=talk, args=(i, *c), daemon=True)
        for i, c in enumerate(conversations)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    for worker in workers:
        worker.join()
    return turns


def report(turns: list[dict[str, float]], seconds: float) -> None:
    turns.sort(key=lambda t: t["wall"])
    n = len(turns)
    walls = [t["wall"] * 1000 for t in turns]
    print(
        f"{n} turns in {seconds:.0f} s ({n / seconds:.1f}/s): p50 {walls[n // 2]:.1f} ms, "
        f"p99 {walls[int(n * 0.99)]:.1f} ms, max {walls[-1]:.1f} ms"
    )
    bands = {
        "all": turns,
        "p45-p55": turns[int(n * 0.45) : int(n * 0.55) + 1],
        "slowest 1%": turns[int(n * 0.99) :],
    }
    names = sorted({k for t in turns for k in t} - {"statements"}, key=lambda k: (k[:4], k))
    print(f"{'phase (ms per turn, mean)':44}" + "".join(f"{b:>12}" for b in bands))
    for name in names:
        row = [statistics.fmean(t.get(name, 0.0) for t in band) * 1000 for band in bands.values()]
        print(f"{name:44}" + "".join(f"{v:12.2f}" for v in row))
    rest = [
        statistics.fmean(
            t["wall"] - sum(v for k, v in t.items() if k.startswith("sql") or k in PARTS)
            for t in band
        )
        * 1000
        for band in bands.values()
    ]
    print(f"{'rest (Python between, GIL waits)':44}" + "".join(f"{v:12.2f}" for v in rest))
    counts = [statistics.fmean(t.get("statements", 0) for t in b) for b in bands.values()]
    print(f"{'statements per turn':44}" + "".join(f"{v:12.2f}" for v in counts))


PARTS = ("checkout", "engine", "commit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50.0, help="offered turns/s")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--switch-interval", type=float, default=0.0, help="sys.setswitchinterval (s), if set"
    )
    options = parser.parse_args()
    if options.switch_interval:
        sys.setswitchinterval(options.switch_interval)
    workdir = Path(tempfile.mkdtemp(prefix="turn-tail-"))
    try:
        with scratch_database(options.database, options.postgres, workdir, "turn_tail") as url:
            config = Config(
                data_dir=Path(__file__).resolve().parent.parent / "faq_data",
                instance_dir=workdir, secret_key="bench", database_url=url, semantic=False,
            )  # fmt: skip
            rt = build_runtime(config)
            instrument(rt)
            turns = drive(rt, options.threads, options.seconds, options.rate)
            report(turns, options.seconds)
            rt.db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
