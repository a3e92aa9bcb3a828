"""`email replay`: what the bot would do with a mailbox export, without sending or storing a thing.

The mails run through the real pipeline (storage, bounces, RFC 3834 rules, threading, rate
limits, the engine, reply building) on a fresh in-memory database, in the order given, as one
inbox. The clock follows each mail's own Date (a mail without one keeps the previous time,
one second later), so rate limits and threading behave as they did when the mail arrived.
Replies are built but only marked ``printed``: nothing leaves the process.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.pool import StaticPool

from bot.channels.email.inbound import EmailChannel
from bot.channels.email.mail_files import MailFile
from bot.channels.email.message import InboundMail, parse_message
from bot.channels.email.outcome import FAILED, REPLIED, Outcome
from bot.channels.email.quotes import extract_reply
from bot.channels.email.settings import ATTACHMENT_LIMIT, EmailSettings
from bot.core.dialogue.engine import Engine
from bot.core.licence_keys import mask_licence_keys
from bot.helpdesk.conversations import Conversations
from bot.storage.db import Database
from bot.storage.migrate import upgrade

NOT_A_MESSAGE = "not an RFC 5322 message: no header fields"
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
            self.db, conversations, settings, clock=self.clock, print_only=True
        )

    def run(self, files: Iterable[MailFile]) -> Iterator[ReplayRecord | Skipped]:
        for item in files:
            yield self.one(item)

    def one(self, item: MailFile) -> ReplayRecord | Skipped:
        if item.error:
            return Skipped(item.name, item.error)
        mail = parse_message(item.raw, attachment_limit=ATTACHMENT_LIMIT)
        if not len(mail.headers) or "unparseable" in mail.defects:
            return Skipped(item.name, NOT_A_MESSAGE)
        self.clock.follow(mail.date)
        outcome = self.channel.handle(item.raw, source="replay")
        return _record(item.name, mail, outcome)

    def close(self) -> None:
        self.db.dispose()


def _record(name: str, mail: InboundMail, outcome: Outcome) -> ReplayRecord:
    text = mask_licence_keys(extract_reply(mail.text, mail.html).new_text).text
    if outcome.outcome == REPLIED:
        route = None if outcome.reason in _NON_ENGINE_ROUTES else outcome.reason or None
        return ReplayRecord(name, mail.message_id, True, None, outcome.language, text, route)
    reason = outcome.reason or outcome.outcome
    if outcome.outcome == FAILED:
        reason = "processing_failed"
    return ReplayRecord(
        name, mail.message_id, False, reason, None, text, None, outcome.detail[:300]
    )
