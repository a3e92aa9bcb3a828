"""WebSocket load: conversations held open and turns per second through the widget's socket,
next to its floor and a bare flask-sock echo server, all measured in the same run.

The floor (``turn_floor.py``) is the stored turn without a socket: ``Conversations.post`` on the
server's database, as many threads as sockets. The echo is what flask-sock and gunicorn cost
with no work at all. Every row runs ``--repeats`` times; the table shows the median and flags
a row whose runs differ by more than ``SWING`` (its comparison is then only as good as that).

Both servers are real: ``supportbot serve`` (gunicorn gthread, one worker, SQLite, the shipped
faq_data/) and a Flask app whose only route echoes each frame, started through the same
``gunicorn_options`` with the same ``SOCK_SERVER_OPTIONS``. The client is one asyncio process
(wsproto) on the same machine. At each level N it opens N sockets (the bot: N conversations,
each authenticated), then every socket asks, waits for the answer and asks again (closed loop)
for ``--seconds``; latency is from sending a frame to the ``turn`` (or the echo) arriving.
Last, the widget's size: raw, stripped of comments and indentation, and gzipped.

Run: .venv/bin/python bench/websocket_load.py [--levels 100,1000] [--seconds 10] [--repeats 2]
     [--database-url postgresql://...] [--workers 2 --redis-url redis://...]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import REPO, print_table
from turn_floor import drive, floor_runtime, start_conversations, think_time
from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

from bot.channels.widget.assets import widget_source
from tests.live_server import LiveServer, free_port

QUESTIONS = (
    "Hoe installeer ik de plugin?",
    "How do I renew my licence?",
    "Waar vind ik mijn licentiesleutel?",
    "Can I move my licence to another site?",
    "Hoe zeg ik mijn abonnement op?",
    "bedankt!",
)
HOST = "127.0.0.1"
ANSWER_TIMEOUT_S = 30.0
AT_LIMIT = "as fast as answered"
FLOOR = "floor: Conversations.post"
ECHO = "flask-sock echo"
BOT = "supportbot /ws"
SWING = 0.10  # runs of one row further apart than this (max-min over median) are flagged


# -- a small asyncio WebSocket client --------------------------------------------------------------
class Socket:
    """A WebSocket client that, like a browser, reads all the time: pings are answered even
    while the socket has nothing to say (the server closes sockets that miss a pong)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.inbox: asyncio.Queue[str | Exception] = asyncio.Queue()
        self.partial: list[str] = []
        self.accepted = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, port: int, path: str) -> Socket:
        reader, writer = await asyncio.open_connection(HOST, port)
        sock = cls(reader, writer)
        writer.write(sock.ws.send(Request(host=f"{HOST}:{port}", target=path)))
        await writer.drain()
        sock.task = asyncio.create_task(sock._read())
        await asyncio.wait_for(sock.accepted.wait(), ANSWER_TIMEOUT_S)
        return sock

    async def send(self, text: str) -> None:
        self.writer.write(self.ws.send(TextMessage(data=text)))
        await self.writer.drain()

    async def receive(self) -> str:
        item = await self.inbox.get()
        if isinstance(item, Exception):
            raise item
        return item

    async def _read(self) -> None:
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("the server closed the connection")
                self.ws.receive_data(data)
                self._handle_events()
        except Exception as error:  # handed to whoever waits for a message
            self.accepted.set()
            await self.inbox.put(error)

    def _handle_events(self) -> None:
        for event in self.ws.events():
            if isinstance(event, AcceptConnection):
                self.accepted.set()
            elif isinstance(event, RejectConnection | CloseConnection):
                raise ConnectionError(f"refused or closed: {event}")
            elif isinstance(event, Ping):
                self.writer.write(self.ws.send(event.response()))
            elif isinstance(event, TextMessage):
                self.partial.append(event.data)
                if event.message_finished:
                    self.inbox.put_nowait("".join(self.partial))
                    self.partial.clear()

    def close(self) -> None:
        if self.task:
            self.task.cancel()
        self.writer.close()


# -- the two servers -------------------------------------------------------------------------------
def echo_app() -> Any:
    from flask import Flask
    from flask_sock import Sock

    from bot.channels.widget.socket_route import server_options

    app = Flask("echo")
    app.config["SOCK_SERVER_OPTIONS"] = server_options()
    sock = Sock(app)

    @sock.route("/echo")  # type: ignore[untyped-decorator]
    def echo(ws: Any) -> None:
        while True:
            ws.send(ws.receive())

    return app


def serve_echo(port: int, threads: int) -> None:
    """Run the echo app in gunicorn exactly as `supportbot serve` runs Supportbot."""
    from gunicorn.app.base import BaseApplication

    from bot.cli.serve import gunicorn_options

    class EchoServer(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_options(HOST, port, 1, threads, "warning").items():
                self.cfg.set(key, value)
            self.cfg.set("accesslog", None)

        def load(self) -> Any:
            return echo_app()

    EchoServer().run()


class EchoProcess:
    def __init__(self, threads: int, workdir: Path) -> None:
        self.port = free_port()
        self.log = (workdir / "echo.log").open("wb")
        script = Path(__file__).resolve()
        self.process = subprocess.Popen(
            [sys.executable, str(script), "--serve-echo", str(self.port),
             "--threads", str(threads)],
            cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the echo server did not start: {(workdir / 'echo.log').read_text()}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # at once: open sockets would hold SIGTERM up
        self.process.wait(20)
        self.log.close()


# -- measuring -----------------------------------------------------------------------------------
@dataclass
class Result:
    target: str
    held: int  # sockets open and answering through the whole level
    mode: str
    seconds: float
    latencies: list[float]
    errors: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return (
            ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] * 1000
            if ordered
            else float("nan")
        )


def create_conversations(server: LiveServer, count: int) -> list[dict[str, Any]]:
    def one(n: int) -> dict[str, Any]:
        return server.start_conversation("nl" if n % 2 else "en")

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, range(count)))


async def open_bot_sockets(port: int, conversations: list[dict[str, Any]]) -> list[Socket]:
    async def one(conversation: dict[str, Any]) -> Socket:
        sock = await Socket.open(port, "/ws")
        auth = {
            "type": "auth",
            "conversation_id": conversation["conversation_id"],
            "token": conversation["token"],
        }
        await sock.send(json.dumps(auth))
        ready = json.loads(await sock.receive())
        assert ready["type"] == "ready", ready
        return sock

    return await gather_limited([one(c) for c in conversations], 50)


async def gather_limited(jobs: Sequence[Any], limit: int) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Any) -> Any:
        async with gate:
            return await job

    return list(await asyncio.gather(*(run(job) for job in jobs)))


async def converse(
    sockets: list[Socket], seconds: float, bot: bool, pace_s: float | None
) -> tuple[list[float], int]:
    """Every socket asks, waits for the answer, and asks again: at once (``pace_s`` None, the
    server's limit) or after a random pause averaging ``pace_s`` (a load below the limit).
    Returns the latencies of the answers and how many frames got an error or no answer."""
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    rng = random.Random(7)

    async def answer(sock: Socket) -> dict[str, Any]:
        while True:
            frame = json.loads(await asyncio.wait_for(sock.receive(), ANSWER_TIMEOUT_S))
            if frame["type"] in ("turn", "error"):
                return dict(frame)

    async def talk(index: int, sock: Socket) -> None:
        nonlocal errors
        n = index
        while time.monotonic() < stop:
            pause = think_time(rng, pace_s, stop)
            if pause is None:
                break
            if pause:
                await asyncio.sleep(pause)
            text = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            started = time.perf_counter()
            try:
                if bot:
                    await sock.send(json.dumps({"type": "message", "text": text}))
                    if (await answer(sock))["type"] == "error":
                        errors += 1
                        continue
                else:
                    await sock.send(text)
                    await asyncio.wait_for(sock.receive(), ANSWER_TIMEOUT_S)
            except TimeoutError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(talk(i, s) for i, s in enumerate(sockets)))
    return latencies, errors


async def measure(
    target: str, sockets: list[Socket], seconds: float, bot: bool, paced_rate: float
) -> list[Result]:
    """The same open sockets at the server's limit, then at ``paced_rate`` turns per second."""
    results = []
    for mode, pace in (
        (AT_LIMIT, None),
        (f"{paced_rate:.0f}/s offered", len(sockets) / paced_rate),
    ):
        latencies, errors = await converse(sockets, seconds, bot, pace)
        results.append(Result(target, len(sockets), mode, seconds, latencies, errors))
    for sock in sockets:
        sock.close()
    return results


async def measure_echo(
    port: int, connections: int, seconds: float, paced_rate: float
) -> list[Result]:
    sockets = await gather_limited([Socket.open(port, "/echo") for _ in range(connections)], 50)
    return await measure(ECHO, sockets, seconds, False, paced_rate)


async def measure_bot(
    server: LiveServer, connections: int, seconds: float, paced_rate: float, rss: list[float]
) -> list[Result]:
    conversations = await asyncio.to_thread(create_conversations, server, connections)
    sockets = await open_bot_sockets(server.port, conversations)
    rss.append(max(worker_rss_mb(pid) for pid in server.worker_pids()))
    return await measure(BOT, sockets, seconds, True, paced_rate)


def measure_floor(
    server: LiveServer, connections: int, seconds: float, paced_rate: float
) -> list[Result]:
    rt = floor_runtime(server.env)
    try:
        conversations = start_conversations(rt, connections)
        results = []
        for mode, pace in (
            (AT_LIMIT, None),
            (f"{paced_rate:.0f}/s offered", connections / paced_rate),
        ):
            latencies, errors = drive(rt, conversations, QUESTIONS, seconds, pace)
            results.append(Result(FLOOR, connections, mode, seconds, latencies, errors))
        return results
    finally:
        rt.db.dispose()


def worker_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- widget size -----------------------------------------------------------------------------------
def strip_js(source: str) -> str:
    """Comments and indentation out, strings and regular expressions kept (a stand-in for a
    real minifier: no renaming, so a real one does better)."""
    out: list[str] = []
    i, n = 0, len(source)
    last = ""  # last significant character, to tell a regex from a division
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "\"'`" or (c == "/" and (last in "(,=:[!&|?{};+-*%<>~^" or last == "")):
            j = i + 1
            in_class = False
            while j < n and (source[j] != c or in_class):
                if source[j] == "\\":
                    j += 1
                elif c == "/" and source[j] in "[]":
                    in_class = source[j] == "["
                j += 1
            out.append(source[i : j + 1])
            last, i = c, j + 1
        elif c == "\n":
            out.append("\n")
            i += 1
            while i < n and source[i] in " \t":
                i += 1
        else:
            out.append(c)
            if not c.isspace():
                last = c
            i += 1
    lines = (line.rstrip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def widget_sizes() -> list[tuple[str, int, int]]:
    raw = widget_source()
    stripped = strip_js(raw.decode("utf-8")).encode("utf-8")
    if shutil.which("node"):  # the stripped copy must still be valid JavaScript
        with tempfile.NamedTemporaryFile("wb", suffix=".js") as handle:
            handle.write(stripped)
            handle.flush()
            subprocess.run(["node", "--check", handle.name], check=True)
    return [
        ("widget.js as served", len(raw), len(gzip.compress(raw, 9))),
        ("comments and indentation stripped", len(stripped), len(gzip.compress(stripped, 9))),
    ]


# -- main ------------------------------------------------------------------------------------------
@dataclass
class Setup:
    levels: list[int]
    seconds: float
    threads: int
    repeats: int
    paced_rate: float
    database_url: str
    redis_url: str
    workers: int


async def run_levels(setup: Setup, workdir: Path) -> tuple[list[Result], dict[int, list[float]]]:
    """Every level ``repeats`` times: echo, floor and Supportbot, one after the other."""
    env = {
        "SUPPORTBOT_RATE_PER_IP": "100000000",  # one client address drives every conversation
        "SUPPORTBOT_RATE_PER_CONVERSATION": "100000",
        "SUPPORTBOT_LOG_LEVEL": "WARNING",
        "SUPPORTBOT_RETENTION_DAYS": "0",  # no purge process beside the workers
        "SUPPORTBOT_RAW_MAIL_RETENTION_DAYS": "0",
    }
    if setup.database_url:
        env["SUPPORTBOT_DATABASE_URL"] = setup.database_url
    if setup.redis_url:
        env["SUPPORTBOT_REDIS_URL"] = setup.redis_url
    results: list[Result] = []
    rss: dict[int, list[float]] = defaultdict(list)
    echo = EchoProcess(setup.threads, workdir)
    server = LiveServer(
        workdir / "supportbot", env=env, threads=setup.threads, workers=setup.workers
    ).start()
    seconds, rate = setup.seconds, setup.paced_rate
    try:
        for _ in range(setup.repeats):
            for level in setup.levels:
                results += await measure_echo(echo.port, level, seconds, rate)
                results += await asyncio.to_thread(measure_floor, server, level, seconds, rate)
                results += await measure_bot(server, level, seconds, rate, rss[level])
    finally:
        server.stop()
        echo.stop()
    return results, rss


@dataclass
class Row:
    """The runs of one (target, sockets, load): medians, and how far apart the runs were."""

    runs: list[Result]

    @property
    def rate(self) -> float:
        return statistics.median(r.rate for r in self.runs)

    def p(self, fraction: float) -> float:
        return statistics.median(r.percentile(fraction) for r in self.runs)

    @property
    def swing(self) -> float:
        rates = [r.rate for r in self.runs]
        return (max(rates) - min(rates)) / self.rate if self.rate else 0.0

    def runs_text(self) -> str:
        flag = " **swings**" if self.swing > SWING else ""
        return " / ".join(f"{r.rate:,.0f}" for r in self.runs) + flag


def comparison(row: Row, base: Row | None) -> str:
    """At the limit: throughput over the baseline's; paced: p50 latency over the baseline's."""
    if base is None:
        return ""
    if row.runs[0].mode == AT_LIMIT:
        return f"{row.rate / base.rate:.3f}" if base.rate else ""
    return f"p50 ×{row.p(0.5) / base.p(0.5):.2f}" if base.p(0.5) else ""


def report(
    results: list[Result],
    rss: dict[int, list[float]],
    sizes: list[tuple[str, int, int]],
    setup: Setup,
    database: str,
) -> None:
    grouped: dict[tuple[str, int, str], list[Result]] = defaultdict(list)
    for r in results:
        grouped[(r.target, r.held, r.mode)].append(r)
    rows = {key: Row(runs) for key, runs in grouped.items()}
    table = []
    for (target, held, mode), row in rows.items():
        ours = target == BOT  # the baselines are compared with nothing
        floor = rows.get((FLOOR, held, mode)) if ours else None
        echo = rows.get((ECHO, held, mode)) if ours else None
        table.append([
            target, held, mode, f"{row.rate:,.0f}", row.runs_text(), f"{row.p(0.50):.1f}",
            f"{row.p(0.99):.1f}", comparison(row, floor), comparison(row, echo),
            sum(r.errors for r in row.runs),
        ])  # fmt: skip
    cpus = os.cpu_count()
    print(
        f"\nWebSocket load: {cpus} vCPUs shared by server, floor and client, "
        f"{setup.seconds:.0f} s per row, {setup.repeats} runs per row (median shown);"
    )
    print(
        f"{setup.workers} gunicorn gthread worker(s), Supportbot on {database}"
        + (" with Redis" if setup.redis_url else "")
    )
    print_table(
        ["server", "open sockets", "load", "turns/s", "runs", "p50 ms", "p99 ms",
         "÷ floor", "÷ echo", "errors"],
        table,
    )  # fmt: skip
    print()
    print_table(
        ["open sockets", "RSS per worker, MB (each run)"],
        [[level, " / ".join(f"{mb:.0f}" for mb in values)] for level, values in rss.items()],
    )
    print()
    print_table(
        ["widget", "bytes", "gzipped"],
        [[name, f"{raw:,}", f"{packed:,}"] for name, raw, packed in sizes],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--levels", default="100,1000", help="open sockets per level (comma-separated)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring time per level")
    parser.add_argument(
        "--threads", type=int, default=0, help="gunicorn threads (default: top level + 100)"
    )
    parser.add_argument(
        "--rate", type=float, default=50.0, help="offered turns/s of the paced rows"
    )
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--repeats", type=int, default=2, help="runs of every row")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers (2+: Redis)")
    parser.add_argument("--redis-url", default="", help="SUPPORTBOT_REDIS_URL for the server")
    parser.add_argument("--serve-echo", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    threads = args.threads or max(levels) + 100  # each open socket holds one gunicorn thread
    if args.serve_echo:
        serve_echo(args.serve_echo, threads)
        return
    setup = Setup(
        levels, args.seconds, threads, args.repeats, args.rate, args.database_url,
        args.redis_url, args.workers,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ws-bench-") as tmp:
        results, rss = asyncio.run(run_levels(setup, Path(tmp)))
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    report(results, rss, widget_sizes(), setup, database)


if __name__ == "__main__":
    main()
