"""`email serve --processors 2`: the SMTP receiver stores, two `email work` processes answer,
on one database. Every mail is answered exactly once, also when one processor is killed with
SIGKILL mid-run (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import REPO_ROOT
from bot.storage.db import Database
from bot.storage.models import InboundEmail, OutboundEmail
from tests.channels.email.conftest import expire_leases, mail
from tests.channels.email.relay import Relay, free_port
from tests.live_server import hermetic_environ
from tests.scaleout.conftest import wait_for

pytestmark = pytest.mark.slow

HELPDESK = "support@example.com"  # the shipped policy.yaml's
_ANSWERED_BY = re.compile(r"email work \[(\d+)\]")
_READY = re.compile(r"processor (\d+) ready")


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = Relay().start()
    yield server
    server.stop()


class Receiver:
    """`supportbot email serve --processors 2` as a process of its own; its log in a file."""

    def __init__(self, database_url: str, relay: Relay, workdir: Path) -> None:
        self.port = free_port()
        self.log = workdir / "email-serve.log"
        env = {
            "SUPPORTBOT_DATABASE_URL": database_url,
            "SUPPORTBOT_SECRET_KEY": "test-secret",
            "SUPPORTBOT_INSTANCE_DIR": str(workdir / "instance"),
            "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
            "SUPPORTBOT_SMTP_URL": relay.url,
            "SUPPORTBOT_SEMANTIC": "false",
        }
        command = [sys.executable, "-c", "from bot.cli import main; main()", "email", "serve"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port), "--processors", "2"],
                cwd=REPO_ROOT, env=hermetic_environ(env), stdout=log, stderr=log,
            )  # fmt: skip
        wait_for(self._listening, "email serve to listen", 60)

    def _listening(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()[-3000:]
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def processors(self) -> list[int]:
        """The pids of its children (the two `email work` processes)."""
        tasks = Path(f"/proc/{self.process.pid}/task").iterdir()  # whichever thread started it
        children = [_read_or_empty(task / "children").split() for task in tasks]
        return sorted(int(child) for listed in children for child in listed)

    def ready(self) -> bool:
        """Both processors built their engines and take mail (before that, only sweeps)."""
        said = {int(pid) for pid in _READY.findall(self.log.read_text())}
        processors = self.processors()
        return len(processors) == 2 and said >= set(processors)

    def answered_by(self) -> Counter[int]:
        """Messages answered per processor pid, from the log."""
        return Counter(int(pid) for pid in _ANSWERED_BY.findall(self.log.read_text()))

    def send(self, numbers: range) -> None:
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
            for n in numbers:
                sender = f"klant{n}@klant.example"
                raw = mail(f"Vraag {n}: hoe installeer ik de plugin?", sender=sender,
                           message_id=f"<k{n}@klant.example>", to=HELPDESK)  # fmt: skip
                assert client.sendmail(sender, [HELPDESK], raw) == {}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)


@pytest.fixture
def receiver(database_url: str, db: Database, relay: Relay, tmp_path: Path) -> Iterator[Receiver]:
    running = Receiver(database_url, relay, tmp_path)
    wait_for(running.ready, "two processing processes, ready", 60)
    yield running
    running.stop()


def answered_once(db: Database, relay: Relay, count: int) -> None:
    """Each of ``count`` customers got one reply; every row processed, one outbox row each."""
    recipients = Counter(d.recipients[0] for d in relay.delivered)
    assert recipients == Counter(f"klant{n}@klant.example" for n in range(count))
    with db.session() as session:
        statuses = Counter(session.scalars(select(InboundEmail.status)))
        replies = Counter(session.scalars(select(OutboundEmail.inbound_email_id)))
    assert statuses == {"processed": count}
    assert len(replies) == count and set(replies.values()) == {1}


def test_two_processors_answer_every_mail_once(
    receiver: Receiver, db: Database, relay: Relay
) -> None:
    count = 40
    receiver.send(range(count))  # each 250 came after the row was committed
    wait_for(lambda: len(relay.delivered) >= count, "every reply at the relay", 120)
    time.sleep(0.5)  # a second reply for a message would arrive now
    answered_once(db, relay, count)
    by = receiver.answered_by()
    assert set(by) == set(receiver.processors()), by  # both took part, nobody else did
    assert sum(by.values()) == count


def test_a_processor_killed_mid_run_loses_nothing_and_answers_nothing_twice(
    receiver: Receiver, db: Database, relay: Relay
) -> None:
    count = 60
    victim, survivor = receiver.processors()
    sending = threading.Thread(target=receiver.send, args=(range(count),))
    sending.start()
    # Kill it while it answers: it has answered some, and more is waiting.
    wait_for(lambda: receiver.answered_by()[victim] >= 3, "the victim at work", 120)
    os.kill(victim, signal.SIGKILL)
    assert len(relay.delivered) < count, "killed after the run, not in it"
    answered_before = receiver.answered_by()[victim]
    sending.join(60)

    def held() -> int | None:
        """Rows still waiting, when every one is claimed (the victim's, whose lease runs on)."""
        now = datetime.now(UTC)
        with db.session() as session:
            leases = list(
                session.scalars(
                    select(InboundEmail.lease_until).where(InboundEmail.status == "received")
                )
            )
        if len(relay.delivered) + len(leases) != count:
            return None
        return len(leases) if all(lease and lease > now for lease in leases) else None

    # Everything but what the victim held is answered (by the survivor, and by the process
    # `email serve` started in the victim's place); the victim's rows wait for their lease.
    def settled() -> bool:
        first = held()
        time.sleep(1.0)
        return first is not None and held() == first

    wait_for(settled, "all but the victim's", 120)
    assert (held() or 0) <= 2  # at most one per thread of the victim
    assert victim not in receiver.processors() and len(receiver.processors()) == 2
    expire_leases(db)  # the lease (a minute) runs out
    wait_for(lambda: len(relay.delivered) >= count, "the victim's mail, answered", 60)
    time.sleep(0.5)
    answered_once(db, relay, count)
    by = receiver.answered_by()
    # (the log is no record: the victim may have committed its last answer, unlogged)
    assert by[victim] == answered_before and by[survivor] > 0


def _read_or_empty(path: Path) -> str:
    """A thread can end between listing a process's tasks and reading one: it has no children."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""
