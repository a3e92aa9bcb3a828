"""How fast `email replay` goes through a mailbox export: mails per second, with a baseline.

Usage: .venv/bin/python bench/email_replay_speed.py [CORPUS_DIR] [--runs N] [--copies N]
       [--no-cli]

The inbox is every fixture of the labelled corpus (bench/email_corpus.py; a body-only fixture
becomes the body of a mail from its own customer to the helpdesk) followed by the real-world
mail in ``shared/realworld/email`` (bodies likewise), dated one minute apart, so rate limits
and threading work as they would on a real export. ``--copies`` repeats it with fresh
Message-IDs for a longer inbox. The helpdesk is the one the configured knowledge base
(``faq_data``) and the default settings describe, as for `supportbot email replay`.

Rows, each run ``--runs`` times (alternating), median and range:

- the replay in this process (``Replay.run``: the whole pipeline on a fresh in-memory
  database, the engine deciding and writing every reply, nothing sent), and the part of it
  spent in the engine's turns (``Engine.handle``);
- the command itself, `supportbot email replay --json DIR` in a new process over the inbox
  written out as ``.eml`` files: start-up (imports, knowledge base, engine, migrations) and
  JSON output included; its start-up alone is the same command on a one-mail inbox. As on a
  server that has run, the answer gate's calibration cache (``instance/calibration``) is there:
  this process writes it;
- the baseline, measured in the same run on the same bytes: the standard library's parser
  alone (``email.message_from_bytes`` with the default policy).

On one thread the CPU seconds (``time.process_time``; the command's from ``getrusage``) are
shown too: on a shared machine the wall clock swings with the neighbours' load, the CPU time
much less.
"""

from __future__ import annotations

import argparse
import collections
import email
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any

from common import REPO, SHARED
from email_accuracy import DEFAULT_CORPUS, as_message

from bot.channels.email.replay import Replay, ReplayRecord
from bot.config import Config
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.loader import load_knowledge
from bot.i18n import load_translations
from bot.mail.mail_files import MailFile, read_mail_files
from bot.mail.settings import EmailSettings
from bot.storage.calibration_files import CalibrationFiles

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
REALWORLD = SHARED / "realworld" / "email"
# The command's settings, and this process's: the repository's knowledge base, a fixed secret.
ENVIRONMENT = {"SUPPORTBOT_DATA_DIR": str(REPO / "faq_data"), "SUPPORTBOT_SECRET_KEY": "bench"}


def fixtures(corpus: Path) -> list[tuple[str, dict[str, Any], bytes]]:
    """(name, label, bytes) of the labelled corpus, then of the shared real-world mail."""
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").open(encoding="utf-8")]
    found = [(f["file"], f, (corpus / f["file"]).read_bytes()) for f in labels]
    if REALWORLD.is_dir():
        for path in sorted(p for p in REALWORLD.rglob("*") if p.is_file()):
            if path.name == "SOURCES.md" or path.name.endswith("_reply_text"):
                continue  # the index and the expected outputs are not mail
            name = f"realworld/{path.relative_to(REALWORLD)}"
            kind = {".txt": "text", ".html": "html"}.get(path.suffix)
            if kind:  # a body-only fixture
                found.append((name, {"kind": kind}, path.read_bytes()))
                continue
            for number, item in enumerate(read_mail_files([path])):  # an mbox holds several
                if not item.error:
                    found.append((f"{name}#{number}", {"kind": "message"}, item.raw))
    return found


def inbox(corpus: Path, copies: int) -> list[MailFile]:
    """The fixtures as one inbox: our own Date and, per copy, a unique Message-ID and sender."""
    found = fixtures(corpus)
    mails = []
    for copy in range(copies):
        for number, (name, label, data) in enumerate(found):
            sender = f"customer{number}.{copy}@example.net"  # many customers, as in a real inbox
            raw = as_message(label, data, sender)
            when = START + timedelta(minutes=len(mails))
            head = (
                f"Date: {email.utils.format_datetime(when)}\r\n"
                f"Message-ID: <bench.{copy}.{number}@replay.example>\r\n"
            )
            mails.append(MailFile(f"{copy}/{name}", head.encode() + raw))
    return mails


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    engine: float = 0.0  # wall seconds inside the engine's turns


def timed(work: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


class EngineClock:
    """Sums the wall time of the engine's turns (a pass-through around ``Engine.handle``)."""

    def __init__(self, engine: Engine) -> None:
        self.seconds = 0.0
        handle = engine.handle

        def counted(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return handle(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        engine.handle = counted  # type: ignore[method-assign]


def replay_once(
    engine: Engine, clock: EngineClock, settings: EmailSettings, mails: list[MailFile]
) -> Timing:
    replay = Replay(engine, settings, start=START)
    clock.seconds = 0.0
    try:
        timing = timed(lambda: collections.deque(replay.run(mails), maxlen=0))
        return Timing(timing.wall, timing.cpu, clock.seconds)
    finally:
        replay.close()


def answered(engine: Engine, settings: EmailSettings, mails: list[MailFile]) -> int:
    replay = Replay(engine, settings, start=START)
    try:
        return sum(1 for r in replay.run(mails) if isinstance(r, ReplayRecord) and r.reply)
    finally:
        replay.close()


def parse_once(mails: list[MailFile]) -> Timing:
    def parse() -> None:
        for item in mails:
            email.message_from_bytes(item.raw, policy=policy.default)

    return timed(parse)


def write_inbox(mails: list[MailFile], folder: Path) -> Path:
    """One ``.eml`` file per mail, named so that the command reads them in inbox order."""
    folder.mkdir()
    for number, item in enumerate(mails):
        (folder / f"{number:06d}.eml").write_bytes(item.raw)
    return folder


def command_once(folder: Path, expected: int) -> Timing:
    """`supportbot email replay --json FOLDER` in a new process, its output read back."""
    env = {**os.environ, **ENVIRONMENT, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", "from bot.cli import main; main()"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [*command, "email", "replay", "--json", str(folder)],
        cwd=REPO, env=env, capture_output=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = result.stdout.decode().split("\n")[:-1]  # a text may hold U+2028 and the like
    if len(lines) != expected or not all(json.loads(line)["file"] for line in lines):
        raise SystemExit(f"the command wrote {len(lines)} records for {expected} mails")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def row(what: str, mails: int, timings: list[Timing], baseline: list[Timing]) -> str:
    wall = statistics.median(t.wall for t in timings)
    cpu = statistics.median(t.cpu for t in timings)
    rates = sorted(mails / t.wall for t in timings)
    base_wall = statistics.median(t.wall for t in baseline)
    base_cpu = statistics.median(t.cpu for t in baseline)
    return (
        f"| {what} | {mails} | {len(timings)} | {wall:.2f} | {mails / wall:,.0f} "
        f"({rates[0]:,.0f}–{rates[-1]:,.0f}) | {base_wall / wall:.3f} | {cpu:.2f} "
        f"| {mails / cpu:,.0f} | {base_cpu / cpu:.3f} |"
    )


def engine_rows(mails: int, runs: list[Timing], baseline: list[Timing]) -> list[str]:
    """The engine's turns alone, and the replay without them (wall clock only)."""
    engine = statistics.median(t.engine for t in runs)
    share = statistics.median(t.engine / t.wall for t in runs)
    rest = [Timing(t.wall - t.engine, t.cpu) for t in runs]
    rest_wall = statistics.median(t.wall for t in rest)
    rates = sorted(mails / t.wall for t in rest)
    base_wall = statistics.median(t.wall for t in baseline)
    return [
        f"| … of which the engine's turns | | | {engine:.2f} ({share:.0%}) | | | | | |",
        f"| … the rest (mail, rules, storage, reply building) | {mails} | {len(runs)} "
        f"| {rest_wall:.2f} | {mails / rest_wall:,.0f} ({rates[0]:,.0f}–{rates[-1]:,.0f}) "
        f"| {base_wall / rest_wall:.3f} | | | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--no-cli", action="store_true", help="skip the command's rows")
    args = parser.parse_args()
    os.environ.update(ENVIRONMENT)
    config = Config.from_env()
    kb = load_knowledge(config.data_dir)
    # As a server would, this process keeps the gate's calibration in the instance's cache,
    # which the command reads (it never writes it).
    calibrations = CalibrationFiles.from_config(config)
    engine = Engine(kb, load_translations(kb.policy.languages), calibration_store=calibrations)
    settings = EmailSettings.from_config(config, kb.policy, ENVIRONMENT["SUPPORTBOT_SECRET_KEY"])
    mails = inbox(args.corpus, args.copies)
    replies = answered(engine, settings, mails)  # also warms the engine's caches for both
    clock = EngineClock(engine)
    runs: list[Timing] = []
    baseline: list[Timing] = []
    commands: list[Timing] = []
    start_ups: list[Timing] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_inbox(mails, Path(scratch) / "inbox")
        single = write_inbox(mails[:1], Path(scratch) / "one")
        for _ in range(args.runs):
            runs.append(replay_once(engine, clock, settings, mails))
            baseline.append(parse_once(mails))
            if not args.no_cli:
                commands.append(command_once(folder, len(mails)))
                start_ups.append(command_once(single, 1))
    print(
        "| what | mails | runs | median s | mails/s (range) | ÷ baseline "
        "| CPU s | mails per CPU s | ÷ baseline (CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    what = f"`email replay` in this process (whole pipeline, engine included), {replies} answered"
    print(row(what, len(mails), runs, baseline))
    print("\n".join(engine_rows(len(mails), runs, baseline)))
    if commands:
        what = "`supportbot email replay --json DIR` (new process, start-up included)"
        print(row(what, len(mails), commands, baseline))
        start = statistics.median(t.wall for t in start_ups)
        start_cpu = statistics.median(t.cpu for t in start_ups)
        print(f"| … its start-up (the same command on one mail) | 1 | {len(start_ups)} "
              f"| {start:.2f} | | | {start_cpu:.2f} | | |")  # fmt: skip
    print(row("baseline: `email.message_from_bytes` alone", len(mails), baseline, baseline))


if __name__ == "__main__":
    main()
