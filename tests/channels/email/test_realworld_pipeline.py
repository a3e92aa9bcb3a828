"""Every real-world message through the whole pipeline: NO-REPLY ones get none, REPLY ones one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.email.inbound import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import START, inbound_rows, outbox, parsed, settings
from tests.channels.email.realworld import EMAIL_DIR, SourceRow, load_sources

ROWS = [row for row in load_sources() if row.verdict in ("REPLY", "NO-REPLY")]


@pytest.fixture
def fresh_channel(tmp_path: Path, engine: Engine) -> EmailChannel:
    """One database per message: rate limits and threading must not link unrelated fixtures."""
    db = Database(f"sqlite:///{tmp_path / 'mail.sqlite3'}")
    upgrade(db)
    clock = Clock(START)
    return EmailChannel(db, Conversations(db, engine, clock=clock), settings(), clock=clock)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_real_mail_is_stored_and_answered_exactly_when_sources_say_so(
    fresh_channel: EmailChannel, row: SourceRow
) -> None:
    raw = (EMAIL_DIR / row.path).read_bytes()
    outcome = fresh_channel.handle(raw, source="smtp", envelope_sender=None)
    (stored,) = inbound_rows(fresh_channel.db)
    assert stored.raw == raw and stored.status == "processed"
    replies = outbox(fresh_channel.db)
    if row.verdict == "NO-REPLY":
        assert not outcome.replied and replies == [], outcome
        assert outcome.outcome in ("suppressed", "bounce")
        return
    assert outcome.replied, outcome
    (reply,) = replies
    message = parsed(reply.raw)
    assert len(message["To"].addresses) == 1
    assert message["Auto-Submitted"] == "auto-replied"
    body = message.get_body(("plain",))
    assert body is not None and body.get_content().strip()
