"""Every real-world message through the whole pipeline: NO-REPLY ones get none, REPLY ones one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.email.pipeline import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.mail.message import parse_message
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import HELPDESK, START, inbound_rows, outbox, parsed, settings
from tests.mail.realworld import EMAIL_DIR, SourceRow, load_sources

ROWS = [row for row in load_sources() if row.verdict in ("REPLY", "NO-REPLY")]


def fresh_channel(tmp_path: Path, engine: Engine, raw: bytes) -> EmailChannel:
    """One database per message: rate limits and threading must not link unrelated fixtures.

    The fixture arrived in the mailbox it names: its To/Cc addresses are the helpdesk's
    aliases here, as an operator would configure them (SUPPORTBOT_HELPDESK_ADDRESSES).
    """
    db = Database(f"sqlite:///{tmp_path / 'mail.sqlite3'}")
    upgrade(db)
    clock = Clock(START)
    named = parse_message(raw)
    inbound = (HELPDESK, *(a.lower() for a in (*named.to, *named.cc)))
    mailbox = settings(inbound_addresses=tuple(dict.fromkeys(inbound)))
    return EmailChannel(db, Conversations(db, engine, clock=clock), mailbox, clock=clock)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_real_mail_is_stored_and_answered_exactly_when_sources_say_so(
    tmp_path: Path, engine: Engine, row: SourceRow
) -> None:
    raw = (EMAIL_DIR / row.path).read_bytes()
    channel = fresh_channel(tmp_path, engine, raw)
    outcome = channel.handle(raw, source="smtp", envelope_sender=None)
    (stored,) = inbound_rows(channel.db)
    assert stored.raw == raw and stored.status == "processed"
    replies = outbox(channel.db)
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
