"""Two outbox senders at once (each instance's ``serve`` runs one: ``supportbot email
outbox``) relay every queued reply exactly once, also when one of them is killed mid-run."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from bot.channels.email.outbox import queue_message
from bot.config import REPO_ROOT
from bot.storage.db import Database
from bot.storage.models import OutboundEmail
from tests.channels.email.relay import Relay, _Handler
from tests.live_server import hermetic_environ
from tests.scaleout.conftest import Shared, wait_for
from tests.scaleout.processes import connection_owner

REPLIES = 120  # more than one sender claims at once (50), so both take part
HOLD_AFTER = 20  # the relay holds the conversation of the mail after this many


@dataclass
class _Holding(_Handler):
    """Holds one sender's RCPT (once, after ``HOLD_AFTER`` mails) until the test lets go."""

    held: threading.Event = field(default_factory=threading.Event)
    let_go: threading.Event = field(default_factory=threading.Event)
    peer_port: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not self.held.is_set() and len(self.relay.delivered) >= HOLD_AFTER:
            self.peer_port = int(session.peer[1])
            self.held.set()
            while not self.let_go.is_set():
                await asyncio.sleep(0.01)
        return await super().handle_RCPT(server, session, envelope, address, options)


@pytest.fixture
def relay() -> Iterator[tuple[Relay, _Holding]]:
    relay = Relay()
    handler = _Holding(relay)
    relay.controller = Controller(handler, hostname="127.0.0.1", port=relay.port)
    relay.controller.start()
    yield relay, handler
    handler.let_go.set()
    relay.stop()


def queue_replies(db: Database, count: int) -> None:
    now = datetime.now(UTC)
    with db.session() as session:
        for number in range(count):
            msg = EmailMessage()
            msg["From"], msg["To"] = "support@nme.example", f"klant{number}@example.org"
            msg["Subject"], msg["Message-ID"] = "Re: uw vraag", f"<reply-{number}@nme.example>"
            msg.set_content(f"Antwoord {number}")
            queue_message(session, msg, kind="staff_reply", envelope_from="", now=now)


def start_sender(shared: Shared, relay: Relay) -> subprocess.Popen[bytes]:
    env = {
        "SUPPORTBOT_DATABASE_URL": shared.database_url,
        "SUPPORTBOT_SMTP_URL": relay.url,
        "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
        "SUPPORTBOT_SEMANTIC": "false",
    }
    return subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "email", "outbox"],
        cwd=REPO_ROOT, env=hermetic_environ(env),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_two_senders_deliver_each_reply_once_when_one_is_killed(
    shared: Shared, relay: tuple[Relay, _Holding]
) -> None:
    mail_relay, holding = relay
    db = Database(shared.database_url)
    queue_replies(db, REPLIES)
    senders = [start_sender(shared, mail_relay) for _ in range(2)]
    try:
        holding.held.wait(30)
        assert holding.held.is_set(), "the senders never reached the relay"
        pids = [sender.pid for sender in senders]
        victim = connection_owner(holding.peer_port, mail_relay.port, pids)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)  # in the middle of a relay conversation
        holding.let_go.set()
        survivor = next(sender for sender in senders if sender.pid != victim)

        # The dead sender's claimed rows wait for their lease; everything else goes out.
        def orphans() -> int:
            with db.session() as session:
                return int(session.scalar(
                    select(func.count()).where(
                        OutboundEmail.status == "pending",
                        OutboundEmail.lease_owner.like(f"%:{victim}:%"),
                    )
                ) or 0)  # fmt: skip

        left = orphans()
        assert left >= 1  # at least the mail it was sending
        wait_for(lambda: len(mail_relay.delivered) == REPLIES - left, "the survivor's share", 30)
        assert survivor.poll() is None and orphans() == left  # nobody took them early

        # The lease (two minutes) runs out: the survivor sends the dead sender's rows.
        with db.session() as session:
            session.execute(
                update(OutboundEmail)
                .where(OutboundEmail.status == "pending")
                .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
            )
        wait_for(lambda: len(mail_relay.delivered) == REPLIES, "every reply", 30)
        with db.session() as session:
            statuses = Counter(session.scalars(select(OutboundEmail.status)))
    finally:
        for sender in senders:
            sender.kill()
            sender.wait(5)
        db.dispose()
    ids = Counter(str(message["Message-ID"]) for message in mail_relay.messages())
    assert len(ids) == REPLIES and set(ids.values()) == {1}
    assert statuses == {"sent": REPLIES}
