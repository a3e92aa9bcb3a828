"""`email replay`: what the bot would do with a mailbox export, without sending or storing a thing.

The mails run through the real pipeline (storage, bounces, RFC 3834 rules, threading, rate
limits, the engine, reply building) on a fresh in-memory database, in the order given, as one
inbox. The clock follows each mail's own Date (a mail without one keeps the previous time,
one second later), so rate limits and threading behave as they did when the mail arrived.
Replies are built but only marked ``printed``: nothing leaves the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any

from sqlalchemy.pool import StaticPool

from bot.channels.email import inbox
from bot.channels.email.pipeline import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.core.licence_keys import mask_licence_keys
from bot.helpdesk.conversations import Conversations
from bot.mail.header_decoding import first_decoded, parse_date, raw_header_items
from bot.mail.mail_files import MailFile
from bot.mail.mail_outcome import FAILED, REPLIED, Outcome
from bot.mail.message import InboundMail, parse_message
from bot.mail.quotes import extract_reply
from bot.mail.settings import ATTACHMENT_LIMIT, EmailSettings
from bot.storage.db import Database

NOT_A_MESSAGE = "not an RFC 5322 message: no header fields"
_HEADERS = BytesHeaderParser(policy=compat32)
_HEADER_SCAN_BYTES = 512 * 1024
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_NON_ENGINE_ROUTES = {"all_quoted"}  # replies the pipeline writes itself, not the engine


@dataclass(frozen=True)
class ReplayRecord:
    """One mail's result; ``--json`` writes these fields, one object per line."""

    file: str
    message_id: str | None
    reply: bool
    reason: str | None  # stable snake_case code when no reply would go out
    language: str | None
    text: str  # the new text extracted from the mail, licence keys masked
    route: str | None  # the engine's route when it answers
    detail: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    """A file that is not a message we could read; reported, and the replay goes on."""

    file: str
    error: str


class ReplayClock:
    """The project's clock port (a callable returning an aware datetime), set mail by mail."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def follow(self, date: datetime | None) -> None:
        self.now = date.astimezone(UTC) if date else self.now + timedelta(seconds=1)


def in_memory_database() -> Database:
    """A private SQLite database in memory, one connection shared (StaticPool), migrated."""
    from bot.storage.migrate import upgrade  # noqa: PLC0415  Alembic: not in a worker

    db = Database("sqlite://", poolclass=StaticPool)
    upgrade(db)
    return db


class Replay:
    """One inbox replayed from scratch: every Replay has its own empty database."""

    def __init__(self, engine: Engine, settings: EmailSettings, *, start: datetime) -> None:
        self.clock = ReplayClock(start)
        self.db = in_memory_database()
        conversations = Conversations(self.db, engine, clock=self.clock)
        self.channel = EmailChannel(
            self.db, conversations, settings, clock=self.clock, print_only=True, sole_processor=True
        )

    def run(self, files: Iterable[MailFile]) -> Iterator[ReplayRecord | Skipped]:
        for item in files:
            yield self.one(item)

    def one(self, item: MailFile) -> ReplayRecord | Skipped:
        if item.error:
            return Skipped(item.name, item.error)
        block = _header_block(item.raw)
        headers = raw_header_items(_HEADERS.parsebytes(block))
        if not headers:
            return Skipped(item.name, NOT_A_MESSAGE)
        self.clock.follow(parse_date(first_decoded(headers, "date")))
        seen: list[InboundMail] = []  # the pipeline's own decoded, key-masked mail
        # The same fields the pipeline would read for its row, unless its scan is shorter.
        same = headers if len(block) <= inbox.HEADER_SCAN_BYTES else None
        outcome = self.channel.handle(item.raw, source="replay", observe=seen.append, headers=same)
        if seen:
            return _record(item.name, seen[0], outcome)
        # Not processed again (a duplicate): read it here, keys masked as the pipeline would.
        mail = parse_message(item.raw, attachment_limit=ATTACHMENT_LIMIT)
        masked = replace(mail, text=mask_licence_keys(mail.text).text, html=None)
        return _record(item.name, masked, outcome)

    def close(self) -> None:
        self.db.dispose()


def _header_block(raw: bytes) -> bytes:
    end = _BLANK_LINE.search(raw, 0, _HEADER_SCAN_BYTES)
    return raw[: end.end()] if end else raw[:_HEADER_SCAN_BYTES]


def _record(name: str, mail: InboundMail, outcome: Outcome) -> ReplayRecord:
    text = extract_reply(mail.text, mail.html).new_text
    if outcome.outcome == REPLIED:
        route = None if outcome.reason in _NON_ENGINE_ROUTES else outcome.reason or None
        return ReplayRecord(name, mail.message_id, True, None, outcome.language, text, route)
    reason = outcome.reason or outcome.outcome
    if outcome.outcome == FAILED:
        reason = "processing_failed"
    return ReplayRecord(
        name, mail.message_id, False, reason, None, text, None, outcome.detail[:300]
    )
