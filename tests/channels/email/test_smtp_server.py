"""`email serve` receiving mail from smtplib, with a real relay on loopback for the replies."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.channels.email.outbox import OutboxSender
from bot.channels.email.pipeline import EmailChannel
from bot.channels.email.smtp_server import InboundServer, accepts
from bot.channels.email.smtp_transport import SmtpRelay
from bot.config import REPO_ROOT
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.storage.db import Database
from tests.channels.email.conftest import (
    HELPDESK,
    expire_leases,
    inbound_rows,
    mail,
    outbox,
    settings,
)
from tests.channels.email.relay import Relay, free_port


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = Relay().start()
    yield server
    server.stop()


def make_server(
    db: Database, engine: Engine, relay: Relay, max_bytes: int = 1 << 20
) -> InboundServer:
    channel = EmailChannel(db, Conversations(db, engine), settings())
    sender = OutboxSender(db, SmtpRelay.from_url(relay.url))
    return InboundServer(
        channel,
        "127.0.0.1",
        free_port(),
        max_bytes=max_bytes,
        accept=accepts((HELPDESK,)),
        sender=sender,
    )


@pytest.fixture
def server(db: Database, engine: Engine, relay: Relay) -> Iterator[InboundServer]:
    running = make_server(db, engine, relay)
    running.start()
    yield running
    running.stop()


def smtp(server: InboundServer) -> smtplib.SMTP:
    return smtplib.SMTP("127.0.0.1", server.port, timeout=30)


def test_mail_is_stored_before_the_250_and_then_answered_through_the_relay(
    server: InboundServer, db: Database, relay: Relay
) -> None:
    raw = mail()
    with smtp(server) as client:
        assert client.sendmail("anna@klant.example", [HELPDESK], raw) == {}
    (row,) = inbound_rows(db)  # committed by the time the client saw 250
    assert (row.raw, row.envelope_sender, row.envelope_recipients) == (
        raw,
        "anna@klant.example",
        [HELPDESK],
    )
    (reply,) = relay.wait_for(1)
    assert [a.addr_spec for a in reply["To"].addresses] == ["anna@klant.example"]
    assert relay.delivered[0].mail_from == HELPDESK


def test_a_message_over_the_size_limit_is_refused_with_552(
    server: InboundServer, db: Database
) -> None:
    too_big = mail(("x" * 70 + "\r\n") * 30_000)
    with smtp(server) as client:
        client.ehlo()
        client.mail("anna@klant.example")  # no SIZE given: the limit is found during DATA
        client.rcpt(HELPDESK)
        code, _ = client.data(too_big)
    assert code == 552
    with smtp(server) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("anna@klant.example", [HELPDESK], too_big)  # SIZE announced up front
    assert refused.value.smtp_code == 552
    assert inbound_rows(db) == []


@pytest.mark.parametrize(
    ("recipient", "accepted"),
    [
        (HELPDESK, True),
        ("Support@NME.example", True),
        ("support+nl@nme.example", True),
        ("sales@nme.example", False),
        ("support@elders.example", False),
    ],
)
def test_only_helpdesk_addresses_are_accepted(
    server: InboundServer, recipient: str, accepted: bool
) -> None:
    with smtp(server) as client:
        client.ehlo()
        client.mail("anna@klant.example")
        code, _ = client.rcpt(recipient)
    assert (code == 250) == accepted and (code == 550) != accepted


def test_mail_with_a_null_envelope_sender_is_stored_and_not_answered(
    server: InboundServer, db: Database, relay: Relay
) -> None:
    with smtp(server) as client:
        client.sendmail("<>", [HELPDESK], mail())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and inbound_rows(db)[0].status != "processed":
        time.sleep(0.05)
    (row,) = inbound_rows(db)
    assert (row.envelope_sender, row.outcome, row.reason) == ("", "suppressed", "null_sender")
    assert outbox(db) == [] and relay.delivered == []


def test_mail_stored_before_a_crash_is_answered_once_after_the_restart(
    db: Database, engine: Engine, relay: Relay
) -> None:
    channel = EmailChannel(db, Conversations(db, engine), settings())
    channel.receive(mail(), source="smtp", envelope_sender="anna@klant.example")  # 250, then crash
    for _ in range(2):  # restart, and restart again
        restarted = make_server(db, engine, relay)
        restarted.start()
        relay.wait_for(1)
        time.sleep(0.5)
        restarted.stop()
    assert len(relay.delivered) == 1
    assert [r.status for r in outbox(db)] == ["sent"]


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from bot.cli import main; main()",
            "email",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "supportbot email serve exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("email serve did not listen in time")


@pytest.mark.slow
def test_email_serve_killed_right_after_250_answers_every_mail_once_after_restart(
    database_url: str, db: Database, relay: Relay, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "SUPPORTBOT_DATABASE_URL": database_url,
        "SUPPORTBOT_SECRET_KEY": "test-secret",
        "SUPPORTBOT_INSTANCE_DIR": str(tmp_path / "instance"),
        "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
        "SUPPORTBOT_SMTP_URL": relay.url,
    }
    port = free_port()
    helpdesk = "support@example.com"  # the shipped policy.yaml
    process = _serve(port, env)
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            for n in range(3):
                raw = mail(
                    f"Vraag {n}",
                    sender=f"klant{n}@klant.example",
                    message_id=f"<k{n}@klant.example>",
                    to=helpdesk,
                )
                client.sendmail(f"klant{n}@klant.example", [helpdesk], raw)
        os.kill(process.pid, signal.SIGKILL)  # no clean shutdown, mid-processing at best
        process.wait(timeout=10)
        expire_leases(db)  # the killed processor's lease (a minute) runs out
        process = _serve(port, env)
        relay.wait_for(3, timeout=150)
        time.sleep(1.0)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    recipients = sorted(d.recipients[0] for d in relay.delivered)
    assert recipients == [f"klant{n}@klant.example" for n in range(3)]
    assert [r.status for r in inbound_rows(db)] == ["processed"] * 3
