"""How fast `email replay` goes through a mailbox export: mails per second, with a baseline.

Usage: .venv/bin/python bench/email_replay_speed.py [CORPUS_DIR] [--runs N] [--copies N]

The inbox is every fixture of the labelled corpus (bench/email_corpus.py; a body-only fixture
becomes the body of a mail from its own customer to the helpdesk), dated one minute apart, so
rate limits and threading work as they would on a real export. ``--copies`` repeats the corpus
with fresh Message-IDs for a longer inbox. The baseline, measured in the same run on the same
bytes, is the standard library's parser alone (``email.message_from_bytes``). Each row runs
``--runs`` times; the table shows the median.
"""

from __future__ import annotations

import argparse
import email
import json
import statistics
import time
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


def replay_once(
    engine: Engine, settings: EmailSettings, mails: list[MailFile]
) -> tuple[float, int]:
    replay = Replay(engine, settings, start=START)
    try:
        started = time.perf_counter()
        records = [r for r in replay.run(mails) if isinstance(r, ReplayRecord)]
        seconds = time.perf_counter() - started
    finally:
        replay.close()
    return seconds, sum(1 for r in records if r.reply)


def parse_once(mails: list[MailFile]) -> float:
    started = time.perf_counter()
    for item in mails:
        email.message_from_bytes(item.raw, policy=policy.default)
    return time.perf_counter() - started


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
    runs = [replay_once(engine, settings, mails) for _ in range(args.runs)]
    baseline = [parse_once(mails) for _ in range(args.runs)]
    replay_s = statistics.median(r[0] for r in runs)
    parse_s = statistics.median(baseline)
    answered = runs[0][1]
    print("| what | mails | runs | median s | mails/s | ÷ baseline |")
    print("|---|---|---|---|---|---|")
    print(
        f"| `email replay` (whole pipeline, in-memory SQLite), {answered} answered "
        f"| {len(mails)} | {args.runs} | {replay_s:.2f} | {len(mails) / replay_s:,.0f} "
        f"| {parse_s / replay_s:.3f} |"
    )
    print(
        f"| baseline: `email.message_from_bytes` alone | {len(mails)} | {args.runs} "
        f"| {parse_s:.2f} | {len(mails) / parse_s:,.0f} | 1.000 |"
    )


if __name__ == "__main__":
    main()
