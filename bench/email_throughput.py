"""Email throughput: messages per second from SMTP in to the reply at the relay, and where the
time goes (parsing, quote stripping, the engine, the database, SMTP out).

Everything is real and on this machine: `email serve`'s InboundServer on loopback (store
before 250, a processing thread, the outbox sender thread), an aiosmtpd relay that receives the
replies, the shipped faq_data/ and its engine, SQLite (or ``--database-url``). Messages are
human questions (FAQ questions in Dutch and English, with a signature and a quoted earlier
mail), each from its own sender so the rate limits do not hold replies back. Stage times are
measured by wrapping the functions involved and summed over the threads that run them (four
processors, the SMTP clients), so they overlap in wall time; "SMTP in" is a client's wait for
the 250, the durable store and waiting for the database included.

Run: .venv/bin/python bench/email_throughput.py [--messages 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import random
import shutil
import smtplib
import socket
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

from bot.app import build_runtime
from bot.channels.email import pipeline, replying, smtp_transport
from bot.channels.email.outbox import OutboxSender
from bot.channels.email.service import email_channel
from bot.channels.email.smtp_server import InboundServer, accepts
from bot.channels.email.smtp_transport import SmtpRelay
from bot.config import Config
from bot.core.dialogue.engine import Engine

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
    replying.extract_reply = timed("quotes and signature", replying.extract_reply)  # type: ignore[assignment]
    Engine.handle = timed("engine", Engine.handle)  # type: ignore[method-assign]
    pipeline.EmailChannel.process = timed("processing (all)", pipeline.EmailChannel.process)  # type: ignore[method-assign]
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


def run(count: int, clients: int, database_url: str) -> None:
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
    )  # fmt: skip
    runtime = build_runtime(config)
    settings = runtime.email
    instrument()
    server = InboundServer(
        email_channel(runtime), "127.0.0.1", free_port(), max_bytes=settings.max_bytes,
        accept=accepts(settings.inbound_addresses),
        sender=OutboxSender(runtime.db, SmtpRelay.from_url(config.smtp_url)),
    )  # fmt: skip
    server.start()
    port = server.port
    mail = messages(runtime, count, settings.helpdesk_address)
    baseline = sink_rate(mail, settings.helpdesk_address, clients)
    started, cpu = time.perf_counter(), time.process_time()
    accepted = send_all(port, mail, settings.helpdesk_address, clients)
    relay.done.wait(timeout=600)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    server.stop()
    relay_controller.stop()
    runtime.db.dispose()
    shutil.rmtree(workdir, ignore_errors=True)
    backend = runtime.db.engine.dialect.name
    report(count, clients, relay.received, accepted, elapsed, cpu, backend, baseline)


def report(count: int, clients: int, received: int, accepted: float, elapsed: float,
           cpu: float, backend: str, baseline: float) -> None:  # fmt: skip
    inner = ("parse (MIME, charsets)", "quotes and signature", "engine")
    stages = {name: TIMES[name] for name in inner}
    rest = TIMES["processing (all)"] - sum(stages.values())
    stages["database, threading, reply building"] = rest
    stages["SMTP in (client to 250, store incl.)"] = TIMES["SMTP in"]
    stages["SMTP out (relay, per message)"] = TIMES["SMTP out"]
    busy = sum(stages.values()) or 1e-9
    rows = [
        (name, f"{total:.2f}", f"{1000 * total / max(1, count):.1f}", f"{100 * total / busy:.0f}%")
        for name, total in stages.items()
    ]
    summary = (
        f"{received / elapsed:.1f} msg/s: {received}/{count} replies at the relay, {backend}, "
        f"{clients} SMTP clients, all 250s after {accepted:.1f} s"
    )
    per_message = f"{1000 * elapsed / max(1, count):.1f}"
    rows.append(("end to end (wall clock)", f"{elapsed:.2f}", per_message, summary))
    rows.append((
        "CPU of the whole process (all threads; bench clients and relay included)", f"{cpu:.2f}",
        f"{1000 * cpu / max(1, count):.1f}", f"{received / cpu:.1f} msg per CPU second",
    ))  # fmt: skip
    ratio = (received / elapsed) / baseline
    rows.append((
        "baseline: bare aiosmtpd sink, same mail and clients", "", f"{1000 / baseline:.1f}",
        f"{baseline:.0f} msg/s; Supportbot end to end = {ratio:.3f} x the sink",
    ))  # fmt: skip
    print_table(("stage", "seconds", "ms per message", "share of stage time"), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    options = parser.parse_args()
    run(options.messages, options.clients, options.database_url)


if __name__ == "__main__":
    main()
