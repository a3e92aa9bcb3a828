"""`supportbot email replay PATH... [--json]`: what the bot would do with real mail.

Nothing is sent and the configured database is never opened: the replay runs on a private
in-memory database with the configured knowledge base and email settings.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.channels.email.replay import Replay, ReplayRecord, Skipped
from bot.config import Config
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.loader import load_knowledge
from bot.i18n import load_translations
from bot.mail.mail_files import read_mail_files
from bot.mail.settings import EmailSettings
from bot.storage.calibration_files import CalibrationReader

_TEXT_WIDTH = 60


def add_replay_command(email: click.Group) -> None:
    @email.command("replay")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="One JSON object per mail, per line.")
    def replay(paths: tuple[Path, ...], as_json: bool) -> None:
        """Show what the bot would do with .eml files, maildirs and mbox files (sends nothing).

        The mails are taken in the order given (directories by name) as one inbox, on a fresh
        in-memory database, with the clock at each mail's Date.
        """
        run_replay(list(paths), as_json=as_json)


def run_replay(paths: list[Path], *, as_json: bool) -> None:
    config = Config.from_env()
    kb = load_knowledge(config.data_dir)
    for problem in kb.problems:
        click.echo(f"knowledge base: {problem}", err=True)
    # The answer gate's calibration from the cache the server keeps (one per knowledge base
    # and ranker code), read only: without it the gate is calibrated again, in memory.
    calibrations = CalibrationReader.from_config(config)
    engine = Engine(kb, load_translations(kb.policy.languages), calibration_store=calibrations)
    settings = EmailSettings.from_config(config, kb.policy, _secret(config))
    replay = Replay(engine, settings, start=datetime.now(UTC))
    started = time.perf_counter()
    records: list[ReplayRecord] = []
    skipped: list[Skipped] = []
    try:
        for result in replay.run(read_mail_files(paths)):
            if isinstance(result, Skipped):
                skipped.append(result)
                click.echo(f"skipped {result.file}: {result.error}", err=True)
                continue
            records.append(result)
            if as_json:
                sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
            else:
                click.echo(_row(len(records), result))
    finally:
        replay.close()
    seconds = time.perf_counter() - started
    summary = _summary(records, skipped, seconds)
    click.echo(summary, err=as_json)


def _secret(config: Config) -> str:
    """The real key, so our own signed Message-IDs in an export are recognised; never created."""
    if config.secret_key:
        return config.secret_key
    stored = config.instance_dir / "secret_key"
    try:
        return stored.read_text().strip() if stored.is_file() else secrets.token_urlsafe(32)
    except OSError:
        return secrets.token_urlsafe(32)


def _row(number: int, record: ReplayRecord) -> str:
    what = f"reply  {record.route or ''}" if record.reply else f"silent {record.reason}"
    text = " ".join(record.text.split())
    if len(text) > _TEXT_WIDTH:
        text = text[: _TEXT_WIDTH - 1] + "…"
    name = record.file if len(record.file) <= 40 else "…" + record.file[-39:]
    return f"{number:>5}  {name:<40}  {what:<34}  {record.language or '--':<2}  {text}"


def _summary(records: list[ReplayRecord], skipped: list[Skipped], seconds: float) -> str:
    answered = sum(1 for r in records if r.reply)
    reasons = Counter(r.reason for r in records if not r.reply)
    rate = len(records) / seconds if seconds > 0 else 0.0
    lines = [
        "",
        f"{len(records)} mails in {seconds:.1f} s ({rate:.0f}/s), {len(skipped)} files skipped",
        f"  answered: {answered}",
        f"  silent:   {len(records) - answered}",
    ]
    lines += [f"    {reason:<28} {count}" for reason, count in reasons.most_common()]
    return "\n".join(lines)
