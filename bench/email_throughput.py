"""Email throughput: messages per second from SMTP in to the reply at the relay, and where the
time goes (parsing, quote stripping, the engine, the database, SMTP out).

Everything is real and on this machine: `email serve`'s InboundServer on loopback (store
before 250, the processing, the outbox sender thread), an aiosmtpd relay that receives the
replies, the shipped faq_data/ and its engine, SQLite (or PostgreSQL). Messages are human
questions (FAQ questions in Dutch and English, with a signature and a quoted earlier mail), each
from its own sender so the rate limits do not hold replies back. The processing runs on four
threads in the bench's process (``--processors 0``, stage times measured by wrapping the
functions involved and summed over the threads, so they overlap in wall time), or in N
`supportbot email work` processes as `email serve --processors N` runs them. "SMTP in" is a
client's wait for the 250, the durable store and waiting for the database included. Every run
also sends the same mail to a bare aiosmtpd sink first (the baseline), and reports the CPU
seconds of the bench's process, of the processing processes, of every ``postgres`` process and
of the whole machine, and the load average.

Run: .venv/bin/python bench/email_throughput.py [--messages 300] [--clients 4]
     .venv/bin/python bench/email_throughput.py --databases sqlite,postgresql --processors 0,2 \
         --repeat 2       (a table: each run in a process of its own, PostgreSQL in a fresh schema)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from common import REPO, print_table
from machine_load import Snapshot

from bot.app import build_runtime
from bot.channels.email import pipeline, smtp_transport
from bot.channels.email.outbox import OutboxSender
from bot.channels.email.processor_pool import ProcessorPool
from bot.channels.email.service import email_channel
from bot.channels.email.smtp_server import InboundServer, accepts
from bot.channels.email.smtp_transport import SmtpRelay
from bot.config import Config
from bot.core.dialogue.engine import Engine
from bot.mail import message

# The FAQ vectors and answer gates, computed once for every run (not timed, but minutes each).
CACHE = Path(tempfile.gettempdir()) / "email-bench-cache"
TIMES: dict[str, float] = defaultdict(float)
LOCK = threading.Lock()


def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            with LOCK:
                TIMES[name] += time.perf_counter() - started

    return wrapper


class Relay:
    """Counts replies as they arrive."""

    def __init__(self) -> None:
        self.received = 0
        self.done = threading.Event()
        self.expected = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with LOCK:
            self.received += 1
            if self.received >= self.expected:
                self.done.set()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def messages(runtime: Any, count: int, helpdesk: str) -> list[tuple[str, bytes]]:
    questions = [entry.question for entry in runtime.kb.faq]
    random.Random(7).shuffle(questions)
    built = []
    for n in range(count):
        question = questions[n % len(questions)]
        sender = f"klant{n}@bench.example"
        body = (
            f"Hallo,\r\n\r\n{question}\r\n\r\nMet vriendelijke groet,\r\nKlant {n}\r\n\r\n"
            f"Op 20 nov. 2026 om 10:00 schreef Support <{helpdesk}>:\r\n> Eerder bericht.\r\n"
        )
        raw = (
            f"From: Klant {n} <{sender}>\r\nTo: {helpdesk}\r\nSubject: {question[:60]}\r\n"
            f"Message-ID: <bench{n}@bench.example>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}"
        )
        built.append((sender, raw.encode()))
    return built


def instrument() -> None:
    pipeline.parse_message = timed("parse (MIME, charsets)", pipeline.parse_message)  # type: ignore[assignment]
    message.extract_reply = timed("quotes and signature", message.extract_reply)  # type: ignore[assignment]
    Engine.handle = timed("engine", Engine.handle)  # type: ignore[method-assign]
    pipeline.EmailChannel._process_claimed = timed(
        "processing (all)", pipeline.EmailChannel._process_claimed
    )  # type: ignore[method-assign]
    smtp_transport._deliver = timed("SMTP out", smtp_transport._deliver)


def send_all(port: int, mail: list[tuple[str, bytes]], rcpt: str, clients: int) -> float:
    """Send every message over ``clients`` SMTP connections; seconds until the last 250."""

    def send(batch: list[tuple[str, bytes]]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            for sender, raw in batch:
                started = time.perf_counter()
                client.sendmail(sender, [rcpt], raw)
                with LOCK:
                    TIMES["SMTP in"] += time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, [mail[i::clients] for i in range(clients)]))
    return time.perf_counter() - started


def sink_rate(mail: list[tuple[str, bytes]], rcpt: str, clients: int) -> float:
    """The baseline, same run: the same mail to a bare aiosmtpd sink that stores nothing."""
    sink = Relay()
    sink.expected = len(mail)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    elapsed = send_all(controller.port, mail, rcpt, clients)
    controller.stop()
    TIMES["SMTP in"] = 0.0
    return len(mail) / elapsed


def child_env(config: Config) -> dict[str, str]:
    """The bench's settings for the `email work` processes (they read the environment)."""
    return {
        **os.environ,
        "SUPPORTBOT_DATA_DIR": str(config.data_dir),
        "SUPPORTBOT_INSTANCE_DIR": str(config.instance_dir),
        "SUPPORTBOT_SECRET_KEY": config.secret_key,
        "SUPPORTBOT_DATABASE_URL": config.sqlalchemy_url,
        "SUPPORTBOT_EMAIL_REPLIES_PER_HOUR": str(config.email_replies_per_hour),
        "SUPPORTBOT_EMAIL_REPLIES_PER_DAY": str(config.email_replies_per_day),
        "SUPPORTBOT_EMBEDDING_CACHE": config.embedding_cache,
        "SUPPORTBOT_CALIBRATION_CACHE": config.calibration_cache,
        "SUPPORTBOT_LOG_LEVEL": "WARNING",  # as here: no log line per message
        "PYTHONPATH": str(REPO),
    }


def run(
    count: int, clients: int, database_url: str, processors: int, threads: int
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="email-bench-"))
    relay = Relay()
    relay.expected = count
    relay_port = free_port()
    relay_controller = Controller(relay, hostname="127.0.0.1", port=relay_port)
    relay_controller.start()
    config = Config(
        data_dir=REPO / "faq_data", instance_dir=workdir, secret_key="bench",
        database_url=database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        smtp_url=f"smtp://127.0.0.1:{relay_port}",
        email_replies_per_hour=10_000, email_replies_per_day=10_000,
        embedding_cache=str(CACHE / "embeddings"), calibration_cache=str(CACHE / "calibration"),
    )  # fmt: skip
    runtime = build_runtime(config)
    settings = runtime.email
    instrument()
    pool = ProcessorPool(processors, threads=threads, env=child_env(config)) if processors else None
    server = InboundServer(
        email_channel(runtime), "127.0.0.1", free_port(), max_bytes=settings.max_bytes,
        accept=accepts(settings.inbound_addresses),
        sender=OutboxSender(runtime.db, SmtpRelay.from_url(config.smtp_url)), processing=pool,
    )  # fmt: skip
    server.start()
    if pool is not None and not pool.wait_ready():
        raise SystemExit("the processing processes did not start")
    port = server.port
    mail = messages(runtime, count, settings.helpdesk_address)
    baseline = sink_rate(mail, settings.helpdesk_address, clients)
    pids = pool.pids if pool is not None else []
    before = Snapshot.take(pids)
    started, cpu = time.perf_counter(), time.process_time()
    accepted = send_all(port, mail, settings.helpdesk_address, clients)
    relay.done.wait(timeout=600)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = Snapshot.take(pids)
    server.stop()
    relay_controller.stop()
    runtime.db.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    children, machine, postgres = after.since(before)
    backend = runtime.db.engine.dialect.name
    report(count, clients, relay.received, accepted, elapsed, cpu, backend, baseline, processors)
    return {
        "database": backend, "processors": processors, "threads": threads if processors else 4,
        "received": relay.received, "count": count, "rate": relay.received / elapsed,
        "sink": baseline, "cpu_ms": 1000 * cpu / count, "children_ms": 1000 * children / count,
        "postgres_ms": 1000 * postgres / count, "machine_cores": machine / elapsed,
        "load": (before.load, after.load),
    }  # fmt: skip


def report(count: int, clients: int, received: int, accepted: float, elapsed: float,
           cpu: float, backend: str, baseline: float, processors: int) -> None:  # fmt: skip
    inner = ("parse (MIME, charsets)", "quotes and signature", "engine")
    stages = {name: TIMES[name] for name in inner}
    rest = TIMES["processing (all)"] - sum(stages.values())
    stages["database, threading, reply building"] = rest
    if processors:  # measured in the processing processes, not here
        stages = {}
    stages["SMTP in (client to 250, store incl.)"] = TIMES["SMTP in"]
    stages["SMTP out (relay, per message)"] = TIMES["SMTP out"]
    busy = sum(stages.values()) or 1e-9
    rows = [
        (name, f"{total:.2f}", f"{1000 * total / max(1, count):.1f}", f"{100 * total / busy:.0f}%")
        for name, total in stages.items()
    ]
    where = f"{processors} processing processes" if processors else "processing on 4 threads here"
    summary = (
        f"{received / elapsed:.1f} msg/s: {received}/{count} replies at the relay, {backend}, "
        f"{clients} SMTP clients, {where}, all 250s after {accepted:.1f} s"
    )
    per_message = f"{1000 * elapsed / max(1, count):.1f}"
    rows.append(("end to end (wall clock)", f"{elapsed:.2f}", per_message, summary))
    rows.append((
        "CPU of the bench's process (all threads; bench clients and relay included)", f"{cpu:.2f}",
        f"{1000 * cpu / max(1, count):.1f}", f"{received / cpu:.1f} msg per CPU second",
    ))  # fmt: skip
    ratio = (received / elapsed) / baseline
    rows.append((
        "baseline: bare aiosmtpd sink, same mail and clients", "", f"{1000 / baseline:.1f}",
        f"{baseline:.0f} msg/s; Supportbot end to end = {ratio:.3f} x the sink",
    ))  # fmt: skip
    print_table(("stage", "seconds", "ms per message", "share of stage time"), rows)


def one_run(
    options: argparse.Namespace, database: str, processors: int, number: int
) -> dict[str, Any]:
    """One row's run in a process of its own (PostgreSQL: in a fresh schema, dropped after)."""
    from bot.storage.db import Database

    url, schema, admin = "", "", None
    if database == "postgresql":
        schema = f"email_bench_{os.getpid()}_{number}"
        admin = Database(options.postgres)
        with admin.engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        separator = "&" if "?" in options.postgres else "?"
        url = f"{options.postgres}{separator}options=-csearch_path%3D{schema}"
    command = [
        sys.executable, __file__, "--one", "--messages", str(options.messages),
        "--clients", str(options.clients), "--processors", str(processors),
        "--threads", str(options.threads), "--database-url", url,
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        if admin is not None:
            with admin.engine.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    print(done.stdout, end="", flush=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"run failed ({done.returncode}): {done.stderr[-2000:]}")
    return dict(json.loads(lines[-1][len("RESULT ") :]))


def table(results: list[dict[str, Any]]) -> None:
    rows = [
        (
            r["database"], r["processors"] or "0 (4 threads)", f"{r['rate']:.1f}",
            f"{r['sink']:.0f}", f"{r['rate'] / r['sink']:.3f}", f"{r['cpu_ms']:.1f}",
            f"{r['children_ms']:.1f}", f"{r['postgres_ms']:.1f}", f"{r['machine_cores']:.2f}",
            f"{r['load'][0]:.1f}-{r['load'][1]:.1f}",
        )
        for r in results
    ]  # fmt: skip
    print_table(
        (
            "database", "processing processes", "msg/s end to end", "sink msg/s (same run)",
            "ratio", "CPU ms/msg, receiver + bench", "CPU ms/msg, processors",
            "CPU ms/msg, all postgres", "machine busy (cores of 2)", "load average",
        ),
        rows,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument(
        "--processors", default="0", help="processing processes, e.g. 0,2 (0: threads here)"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per processing process")
    parser.add_argument("--databases", default="", help="rows for sqlite,postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each row")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    counts = [int(n) for n in options.processors.split(",")]
    if not options.databases and options.repeat == 1 and len(counts) == 1:
        result = run(
            options.messages, options.clients, options.database_url, counts[0], options.threads
        )
        print("RESULT " + json.dumps(result), flush=True)
        return
    results = [
        one_run(options, database, processors, number)
        for number in range(options.repeat)
        for database in (options.databases or "sqlite").split(",")
        for processors in counts
    ]
    table(results)


if __name__ == "__main__":
    main()
