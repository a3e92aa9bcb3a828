"""The CPU one period of idle-socket checks costs in one process: N authenticated widget
sessions, each checking its own token and refreshing its own lease (as every socket did every
30 s), against one ``IdleChecks.sweep`` for all of them. Real database (SQLite, or PostgreSQL in
a new schema) and real Redis; no sockets, so pings and wake-ups are not in these figures.

Run: .venv/bin/python bench/idle_checks_cost.py [--sessions 1000] [--repeats 3]
     [--postgres postgresql://...] [--redis-url redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from common import print_table, scratch_database

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.channels.widget.session import WidgetSession
from bot.helpdesk.presence import REFRESH_EVERY_S
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from tests.conftest import make_config

ADDRESSES = itertools.count()


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def open_sessions(rt: Runtime, clock: Clock, count: int, *, batched: bool) -> list[WidgetSession]:
    sessions = []
    for _ in range(count):
        started = rt.conversations.start(channel="widget", language="nl")
        frames: list[dict[str, Any]] = []
        n = next(ADDRESSES)
        session = WidgetSession(
            rt, frames.append, client_ip=f"10.1.{n // 250}.{n % 250}", clock=clock,
            checks=rt.idle_checks if batched else None,
        )  # fmt: skip
        auth = {"type": "auth", "conversation_id": started.public_id, "token": started.token}
        session.on_text(json.dumps(auth))
        assert frames and frames[0]["type"] == "ready", frames
        sessions.append(session)
    return sessions


def cpu_ms(work: Any) -> float:
    started = time.process_time()
    work()
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default="", help="default: SQLite")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    kind = "postgresql" if args.postgres else "sqlite"
    with (
        tempfile.TemporaryDirectory() as workdir,
        scratch_database(kind, args.postgres, Path(workdir), "bench_checks") as url,
    ):
        config = make_config(
            Path(workdir), url, redis_url=args.redis_url,
            redis_prefix=f"bench-checks-{uuid.uuid4().hex}:", rate_per_ip=10**9,
        )  # fmt: skip
        schema = Database(url)
        upgrade(schema)
        schema.dispose()
        rt = runtime(create_app(config))
        clock = Clock()
        each = open_sessions(rt, clock, args.sessions, batched=False)
        batched = open_sessions(rt, clock, args.sessions, batched=True)
        old: list[float] = []
        new: list[float] = []
        for _ in range(args.repeats):  # alternating
            clock.now += REFRESH_EVERY_S
            old.append(cpu_ms(lambda: [session.on_timeout() for session in each]))
            new.append(cpu_ms(rt.idle_checks.sweep))
        assert not any(session.closed for session in each + batched)
        for session in each + batched:
            session.release()
        rt.idle_checks.stop()
        rt.bus.close()
        rt.db.dispose()
    rows = [
        [name, " / ".join(f"{v:.0f}" for v in runs), f"{statistics.median(runs):.0f}",
         f"{statistics.median(runs) / REFRESH_EVERY_S:.2f}"]
        for name, runs in (("each socket checks itself", old), ("one sweep a worker", new))
    ]  # fmt: skip
    print(f"{args.sessions} sessions, {kind}, CPU ms of one period (every {REFRESH_EVERY_S:.0f} s)")
    print_table(["how", "CPU ms (runs)", "median", "ms/s"], rows)


if __name__ == "__main__":
    main()
