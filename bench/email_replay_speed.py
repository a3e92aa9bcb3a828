"""How fast `email replay` goes through a mailbox export: mails per second, with a baseline.

Usage: .venv/bin/python bench/email_replay_speed.py [CORPUS_DIR] [--runs N] [--copies N]

The inbox is every fixture of the labelled corpus (bench/email_corpus.py; a body-only fixture
becomes the body of a mail from its own customer to the helpdesk), dated one minute apart, so
rate limits and threading work as they would on a real export. ``--copies`` repeats the corpus
with fresh Message-IDs for a longer inbox. The baseline, measured in the same run on the same
bytes, is the standard library's parser alone (``email.message_from_bytes``). Each row runs
``--runs`` times, the two alternating; the table shows the median and the range. Both run on
one thread, so their CPU seconds (``time.process_time``) are shown too: on a shared machine the
wall clock swings with the neighbours' load, the CPU time much less.
"""

from __future__ import annotations

import argparse
import collections
import email
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from common import REPO  # noqa: F401  (puts the checkout on sys.path)
from email_accuracy import DEFAULT_CORPUS, as_message

from bot.channels.email.replay import Replay, ReplayRecord
from bot.config import REPO_ROOT
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.loader import load_knowledge
from bot.i18n import load_translations
from bot.mail.mail_files import MailFile
from bot.mail.settings import EmailSettings

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def inbox(corpus: Path, copies: int) -> list[MailFile]:
    """The corpus as one inbox: our own Date and, per copy, a unique Message-ID and sender."""
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").open(encoding="utf-8")]
    mails = []
    for copy in range(copies):
        for number, fixture in enumerate(labels):
            sender = f"customer{number}.{copy}@example.net"  # many customers, as in a real inbox
            raw = as_message(fixture, (corpus / fixture["file"]).read_bytes(), sender)
            when = START + timedelta(minutes=len(mails))
            head = (
                f"Date: {email.utils.format_datetime(when)}\r\n"
                f"Message-ID: <bench.{copy}.{number}@replay.example>\r\n"
            )
            mails.append(MailFile(f"{copy}/{fixture['file']}", head.encode() + raw))
    return mails


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


def timed(work: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def replay_once(engine: Engine, settings: EmailSettings, mails: list[MailFile]) -> Timing:
    replay = Replay(engine, settings, start=START)
    try:
        return timed(lambda: collections.deque(replay.run(mails), maxlen=0))
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=1)
    args = parser.parse_args()
    kb = load_knowledge(REPO_ROOT / "faq_data")
    engine = Engine(kb, load_translations(kb.policy.languages))
    settings = EmailSettings(
        helpdesk_address="support@example.com",
        own_addresses=("support@example.com",),
        inbound_addresses=("support@example.com",),
        domain="example.com",
        secret="bench",
        envelope_from="support@example.com",
        company="Example",
        ticket_prefix="NME",
    )
    mails = inbox(args.corpus, args.copies)
    replies = answered(engine, settings, mails)  # also warms the engine's caches for both
    runs: list[Timing] = []
    baseline: list[Timing] = []
    for _ in range(args.runs):
        runs.append(replay_once(engine, settings, mails))
        baseline.append(parse_once(mails))
    print(
        "| what | mails | runs | median s | mails/s (range) | ÷ baseline "
        "| CPU s | mails per CPU s | ÷ baseline (CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    what = f"`email replay` (whole pipeline, in-memory SQLite), {replies} answered"
    print(row(what, len(mails), runs, baseline))
    print(row("baseline: `email.message_from_bytes` alone", len(mails), baseline, baseline))


if __name__ == "__main__":
    main()
