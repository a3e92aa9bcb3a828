"""What idle widget sockets cost the server: the workers' CPU per second with N sockets open and
nothing said, for two source trees (a baseline and this one), alternately, in the same run.

Each run is a fresh ``supportbot serve`` (gunicorn gthread, one worker, a new SQLite file or with
``--postgres`` a new schema, Redis for presence and the bus as behind several workers) started
from the tree's own code. The client (one asyncio process, ``websocket_load.Socket``: it answers
pings, as a browser does) opens N authenticated sockets at once, as after a worker restart, waits
``SETTLE_S``, then reads the worker's CPU time (user and system, ``/proc``) every second for
``--seconds``. "CPU ms/s" is the mean over the window; "worst 1 s" the largest one-second
sample, which shows whether the periodic work comes in bursts; "presence cmds/s" the Redis
commands presence uses, from ``INFO commandstats`` (anyone else using that Redis adds to it).
The window should span at least two periods (the token check and presence refresh every 30 s,
pings every 25 s).

Run: .venv/bin/python bench/idle_sockets.py --base /tmp/base [--sockets 1000] [--seconds 65]
     [--repeats 2] [--floor] [--redis-url redis://127.0.0.1:6379/14] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
from common import print_table, scratch_database
from websocket_load import create_conversations, open_bot_sockets, process_cpu_s

from tests.live_server import LiveServer

SETTLE_S = 5.0
SWING = 0.15  # runs of one tree further apart than this (relative) are flagged


def presence_commands(redis_url: str) -> int:
    """Presence's Redis commands so far (``INFO commandstats``; others using this Redis add)."""
    client = redis.Redis.from_url(redis_url)
    stats = client.info("commandstats")
    client.close()
    names = ("zadd", "expire", "zremrangebyscore", "zrem")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in names)


async def hold_idle(
    server: LiveServer, sockets: int, seconds: float, redis_url: str
) -> dict[str, float]:
    conversations = await asyncio.to_thread(create_conversations, server, sockets)
    opened = await open_bot_sockets(server.port, conversations)
    await asyncio.sleep(SETTLE_S)
    (worker,) = server.worker_pids()
    commands = presence_commands(redis_url)
    samples: list[float] = []
    last_cpu, last_t = process_cpu_s(worker), time.monotonic()
    start_cpu, start_t = last_cpu, last_t
    while last_t - start_t < seconds:
        await asyncio.sleep(1.0)
        cpu, now = process_cpu_s(worker), time.monotonic()
        samples.append((cpu - last_cpu) / (now - last_t) * 1000)
        last_cpu, last_t = cpu, now
    commands = presence_commands(redis_url) - commands
    alive = sum(1 for sock in opened if sock.task is not None and not sock.task.done())
    for sock in opened:
        sock.close()
    return {
        "cpu_ms_s": (last_cpu - start_cpu) / (last_t - start_t) * 1000,
        "worst_1s_ms": max(samples, default=0.0),
        "alive": alive,
        "redis_per_s": commands / (last_t - start_t),
    }


def one_run(args: argparse.Namespace) -> None:
    """In the tree under test (``PYTHONPATH``): one server, one measurement, one JSON line."""
    env = {
        "SUPPORTBOT_RATE_PER_IP": "100000000",  # one client address opens every socket
        "SUPPORTBOT_LOG_LEVEL": "WARNING",
        "SUPPORTBOT_RETENTION_DAYS": "0",
        "SUPPORTBOT_RAW_MAIL_RETENTION_DAYS": "0",
        "SUPPORTBOT_REDIS_URL": args.redis_url,
        "SUPPORTBOT_REDIS_PREFIX": f"bench-idle-{os.getpid()}:",
    }
    kind = "postgresql" if args.postgres else "sqlite"
    with (
        tempfile.TemporaryDirectory(prefix="idle-sockets-") as workdir,
        scratch_database(kind, args.postgres, Path(workdir), "bench_idle") as url,
    ):
        env["SUPPORTBOT_DATABASE_URL"] = url
        server = LiveServer(Path(workdir), env=env, threads=args.sockets + 50).start()
        try:
            result = asyncio.run(hold_idle(server, args.sockets, args.seconds, args.redis_url))
        finally:
            server.stop()
    print(json.dumps(result))


def run_tree(tree: Path, args: argparse.Namespace, sockets: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--one-run", "--sockets", str(sockets)]
    command += ["--seconds", str(args.seconds), "--redis-url", args.redis_url]
    if args.postgres:
        command += ["--postgres", args.postgres]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=Path, help="the baseline tree (a git worktree)")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=65.0, help="measuring window per run")
    parser.add_argument("--repeats", type=int, default=2, help="runs of each tree, alternating")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument(
        "--postgres", default="", help="PostgreSQL URL: each run in a new schema (default: SQLite)"
    )
    parser.add_argument("--floor", action="store_true", help="and a row without sockets")
    parser.add_argument("--one-run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        return one_run(args)
    if args.base is None:
        parser.error("--base is required")
    here = Path(__file__).resolve().parents[1]
    rows_to_run = [("base", args.base.resolve(), args.sockets), ("this tree", here, args.sockets)]
    if args.floor:
        rows_to_run.append(("this tree, no sockets", here, 0))
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _, _ in rows_to_run}
    for repeat in range(args.repeats):
        for name, tree, sockets in rows_to_run:
            runs[name].append(run_tree(tree, args, sockets))
            print(f"run {repeat + 1} {name}: {runs[name][-1]}", file=sys.stderr)
    rows = []
    for name, results in runs.items():
        cpu = [r["cpu_ms_s"] for r in results]
        swing = (max(cpu) - min(cpu)) / statistics.median(cpu) if min(cpu) > 0 else 0.0
        rows.append([
            name,
            " / ".join(f"{value:.1f}" for value in cpu),
            f"{statistics.median(cpu):.1f}",
            " / ".join(f"{r['worst_1s_ms']:.0f}" for r in results),
            " / ".join(f"{r.get('redis_per_s', 0):.0f}" for r in results),
            min(int(r["alive"]) for r in results),
            f"SWING {swing:.0%}" if swing > SWING else "",
        ])  # fmt: skip
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.sockets} idle sockets, one worker, {database}, {args.seconds:.0f} s a run")
    print_table(
        ["tree", "CPU ms/s (runs)", "median", "worst 1 s (ms)", "presence cmds/s", "alive", ""],
        rows,
    )


if __name__ == "__main__":
    main()
