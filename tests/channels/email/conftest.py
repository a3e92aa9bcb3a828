"""Email pipeline fixtures: a migrated database, the real engine, a test clock, mail builders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update

from bot.channels.email.pipeline import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.mail.autoreply_rules import RateLimit
from bot.mail.settings import EmailSettings
from bot.storage.db import Database
from bot.storage.models import InboundEmail, OutboundEmail
from tests.channels.email.clock import Clock

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SECRET = "test-secret"
HELPDESK = "support@nme.example"


def settings(**overrides: object) -> EmailSettings:
    values: dict[str, object] = {
        "helpdesk_address": HELPDESK,
        "own_addresses": (HELPDESK, "billing@nme.example"),
        "inbound_addresses": (HELPDESK,),
        "domain": "nme.example",
        "secret": SECRET,
        "envelope_from": HELPDESK,
        "company": "New Media Entertainment",
        "ticket_prefix": "NME",
        "sender_limit": RateLimit(3, 10),
        "conversation_limit": RateLimit(3, 10),
    }
    values.update(overrides)
    return EmailSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def conversations(db: Database, engine: Engine, clock: Clock) -> Conversations:
    return Conversations(db, engine, clock=clock)


@pytest.fixture
def channel(db: Database, conversations: Conversations, clock: Clock) -> EmailChannel:
    return EmailChannel(db, conversations, settings(), clock=clock)


def mail(
    body: str = "Hoe installeer ik de plugin?",
    *,
    sender: str = "Anna de Vries <anna@klant.example>",
    subject: str = "Vraag over de plugin",
    message_id: str | None = "<m1@klant.example>",
    headers: tuple[str, ...] = (),
    to: str = HELPDESK,
) -> bytes:
    """A plain human message; ``headers`` are added as given (raw lines)."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    lines += [*headers, "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def outbox(db: Database) -> list[OutboundEmail]:
    with db.session() as session:
        return list(session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)))


def inbound_rows(db: Database) -> list[InboundEmail]:
    with db.session() as session:
        return list(session.scalars(select(InboundEmail).order_by(InboundEmail.id)))


def expire_leases(db: Database) -> None:
    """The clock moves past the leases of waiting rows (a killed processor's minute runs out)."""
    with db.session() as session:
        session.execute(
            update(InboundEmail)
            .where(InboundEmail.status == "received")
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


Builder = Callable[..., bytes]
