"""Where an answered mail's CPU goes: one thread storing and answering the throughput bench's
mail in this process (``EmailChannel.receive`` then ``take``: store, claim, parse, engine,
reply, outbox row), no SMTP.

Three readings, after 40 mails of warm-up:

- ``cpu``: CPU milliseconds per mail (``time.process_time``);
- ``calls``: Python function calls per mail (cProfile's count: it does not move with the
  machine's load, so it compares two trees on a busy machine where the CPU time swings);
- ``sample``: a statistical profile, the main thread's stack sampled every 0.5 ms from a
  second thread. Samples waiting for PostgreSQL (in psycopg's ``wait``) are counted apart; the
  others are spread over the CPU time per mail measured on the first half of the mail,
  without the sampler. cProfile itself would triple the cost of small calls and misstate
  where the time goes.

Run: .venv/bin/python bench/email_cpu_profile.py --database postgresql --mode sample
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import pstats
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType

from common import scratch_database
from email_throughput import CACHE, messages

from bot.app import build_runtime
from bot.channels.email.service import email_channel
from bot.config import Config

WARM_UP = 40


class Sampler:
    """Cumulative and own samples per function of the main thread's stack."""

    def __init__(self, interval: float = 0.0005) -> None:
        self.interval = interval
        self.cumulative: collections.Counter[str] = collections.Counter()
        self.own: collections.Counter[str] = collections.Counter()
        self.samples = self.waiting = 0
        self._stop = threading.Event()
        self._target = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        sys.setswitchinterval(0.0001)  # the sampler gets the GIL when it wakes
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            time.sleep(self.interval)
            frame: FrameType | None = sys._current_frames().get(self._target or 0)
            names = []
            while frame is not None:
                names.append(_name(frame))
                frame = frame.f_back
            if not names:
                continue
            self.samples += 1
            if any("psycopg" in n and n.endswith(":wait") for n in names[:6]):
                self.waiting += 1
                continue
            self.own[names[0]] += 1
            self.cumulative.update(set(names))

    def report(self, ms_per_mail: float, top: int) -> None:
        busy = max(1, self.samples - self.waiting)
        print(f"{self.samples} samples, {self.waiting} waiting for the database")
        print("| ms per mail | share | function (cumulative) |\n|---|---|---|")
        for name, count in self.cumulative.most_common(top):
            print(f"| {ms_per_mail * count / busy:.2f} | {100 * count / busy:.1f}% | `{name}` |")


def _name(frame: FrameType) -> str:
    path = frame.f_code.co_filename
    for marker in ("site-packages/", "/bot/", "python3.11/", "python3.12/"):
        if marker in path:
            path = ("bot/" if marker == "/bot/" else "") + path.split(marker, 1)[1]
            break
    return f"{path}:{frame.f_code.co_name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--mode", choices=("cpu", "calls", "sample"), default="cpu")
    parser.add_argument("--top", type=int, default=40)
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="email-profile-"))
    try:
        with scratch_database(options.database, options.postgres, workdir, "email_profile") as url:
            run(options, workdir, url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(options: argparse.Namespace, workdir: Path, url: str) -> None:
    config = Config(
        data_dir=Path(__file__).resolve().parent.parent / "faq_data", instance_dir=workdir,
        secret_key="bench", database_url=url, smtp_url="smtp://127.0.0.1:1",
        email_replies_per_hour=10_000, email_replies_per_day=10_000,
        embedding_cache=str(CACHE / "embeddings"), calibration_cache=str(CACHE / "calibration"),
    )  # fmt: skip
    runtime = build_runtime(config)
    channel, helpdesk = email_channel(runtime), runtime.email.helpdesk_address
    count = options.messages
    mail = messages(runtime, WARM_UP + count, helpdesk)

    def answer(batch: list[tuple[str, bytes]]) -> None:
        for sender, raw in batch:
            stored = channel.receive(raw, source="smtp", envelope_sender=sender)
            outcome = channel.take(stored.id)
            assert outcome is not None and outcome.outcome == "replied", outcome

    answer(mail[:WARM_UP])
    measured = mail[WARM_UP:]
    if options.mode == "calls":
        profile = cProfile.Profile()
        profile.runcall(answer, measured)
        calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
        print(f"{options.database}: {calls / count:.0f} Python function calls per mail")
    elif options.mode == "sample":
        half = count // 2
        started = time.process_time()
        answer(measured[:half])
        ms = 1000 * (time.process_time() - started) / half
        with Sampler() as sampler:
            answer(measured[half:])
        print(f"{options.database}: {ms:.2f} ms CPU per mail (first half, no sampler)")
        sampler.report(ms, options.top)
    else:
        started = time.process_time()
        answer(measured)
        ms = 1000 * (time.process_time() - started) / count
        print(f"{options.database}: {ms:.2f} ms CPU per mail")
    runtime.db.dispose()


if __name__ == "__main__":
    main()
