"""The outbox against a real SMTP relay on loopback: once, in order, through outages and races."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, event, select

from bot.channels.email.inbox import store_inbound, write_processed
from bot.channels.email.outbox import LEASE, OutboxSender, backoff, outbound_row, queue_message
from bot.channels.email.smtp_transport import SmtpRelay
from bot.mail.address_headers import MAIL_POLICY
from bot.mail.compose import ThreadContext, compose_reply
from bot.mail.message_ids import sign_message_id
from bot.storage.db import Database
from bot.storage.models import Customer, InboundEmail, OutboundEmail
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import mail
from tests.channels.email.relay import Relay

START = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = Relay().start()
    yield server
    server.stop()


def queue(db: Database, recipient: str, n: int, clock: Clock) -> str:
    message = compose_reply(
        ThreadContext(recipient=recipient, subject=f"Vraag {n}"),
        sender="support@nme.example",
        text=f"Antwoord nummer {n}",
        message_id=sign_message_id("bot", f"c{n}", secret="s", domain="nme.example"),
        automated=True,
    )
    with db.session() as session:
        row = queue_message(
            session, message, kind="bot", envelope_from="support@nme.example", now=clock()
        )
        return row.message_id


def statuses(db: Database) -> Counter[str]:
    with db.session() as session:
        return Counter(session.scalars(select(OutboundEmail.status)))


def test_queued_mail_reaches_the_relay_once_and_is_marked_sent(db: Database, relay: Relay) -> None:
    clock = Clock(START)
    message_id = queue(db, "Anna@Klant.example", 1, clock)
    sender = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    assert len(sender.send_due().sent) == 1
    assert sender.send_due().sent == []
    (delivered,) = relay.delivered
    assert delivered.mail_from == "support@nme.example"
    assert delivered.recipients == ["anna@klant.example"]
    assert str(delivered.message["Message-ID"]).strip() == message_id
    assert statuses(db) == {"sent": 1}


def test_relay_killed_mid_run_and_restarted_every_mail_arrives_exactly_once(
    db: Database, relay: Relay
) -> None:
    clock = Clock(START)
    sender = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    stop = threading.Event()
    worker = threading.Thread(target=sender.run, args=(stop, 0.02), daemon=True)
    worker.start()
    try:
        expected = [queue(db, f"klant{n}@klant.example", n, clock) for n in range(8)]
        relay.wait_for(8)
        relay.stop()  # the relay dies while the worker keeps running
        expected += [queue(db, f"klant{n}@klant.example", n, clock) for n in range(8, 20)]
        _wait(lambda: statuses(db)["pending"] == 12 and _all_tried(db))
        assert len(relay.delivered) == 8
        relay.start()
        clock.advance(hours=5)  # past every backoff
        relay.wait_for(20)
        _wait(lambda: statuses(db) == {"sent": 20})
    finally:
        stop.set()
        worker.join(timeout=10)
    received = Counter(str(m["Message-ID"]).strip() for m in relay.messages())
    assert received == Counter(expected)


def test_two_senders_at_once_never_send_a_mail_twice(db: Database, relay: Relay) -> None:
    clock = Clock(START)
    expected = [queue(db, f"klant{n}@klant.example", n, clock) for n in range(30)]
    senders = [OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock) for _ in range(3)]
    threads = [threading.Thread(target=lambda s=s: s.send_due(limit=5)) for s in senders * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for sender in senders:
        sender.send_due(limit=100)
    received = Counter(str(m["Message-ID"]).strip() for m in relay.messages())
    assert received == Counter(expected)
    assert statuses(db) == {"sent": 30}


def test_a_sender_that_dies_holding_a_lease_leaves_the_mail_to_another(
    db: Database, relay: Relay
) -> None:
    clock = Clock(START)
    message_id = queue(db, "anna@klant.example", 1, clock)
    crashed = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    assert crashed.claim(10)  # ...and never delivers
    survivor = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    assert survivor.send_due().sent == []
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert len(survivor.send_due().sent) == 1
    assert [str(m["Message-ID"]).strip() for m in relay.messages()] == [message_id]


def test_a_delivery_is_two_reads_and_one_update_without_begin_and_commit_on_postgresql(
    db: Database, relay: Relay
) -> None:
    """Per mail: our leased row, the bounce mark, and after the relay's 250 the row marked sent;
    on PostgreSQL each its own round trip in autocommit (the claim stays one transaction)."""
    clock = Clock(START)
    for n in range(2):
        queue(db, f"klant{n}@klant.example", n, clock)
    seen: list[tuple[str, bool]] = []

    def record(connection: Connection, cursor: object, statement: str, *args: object) -> None:
        autocommit = bool(getattr(connection.connection.dbapi_connection, "autocommit", False))
        seen.append((statement.split()[0], autocommit))

    sender = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert len(sender.send_due().sent) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    per_mail = [("SELECT", True), ("SELECT", True), ("UPDATE", True)]
    if not db.is_sqlite:
        assert seen == [("SELECT", False), ("UPDATE", False), *per_mail, *per_mail]
    assert len(relay.delivered) == 2 and statuses(db) == {"sent": 2}
    assert sender.send_due().sent == []  # marked sent: never again


def test_recipient_refused_with_5xx_is_a_hard_bounce_and_stops_mail_to_it(
    db: Database, relay: Relay
) -> None:
    clock = Clock(START)
    relay.unknown.add("weg@klant.example")
    queue(db, "weg@klant.example", 1, clock)
    sender = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock)
    assert len(sender.send_due().failed) == 1
    with db.session() as session:
        customer = session.scalars(
            select(Customer).where(Customer.email == "weg@klant.example")
        ).one()
        assert customer.email_bounced_at == START
        assert "5.1.1" in (customer.bounce_reason or "")
    queue(db, "weg@klant.example", 2, clock)
    assert len(sender.send_due().suppressed) == 1
    assert relay.delivered == []
    assert statuses(db) == {"failed": 1, "suppressed": 1}


def test_unreachable_relay_retries_later_with_growing_waits(db: Database) -> None:
    clock = Clock(START)
    queue(db, "anna@klant.example", 1, clock)
    down = Relay()  # never started: connection refused
    sender = OutboxSender(db, SmtpRelay.from_url(down.url), clock=clock)
    waits = []
    for _ in range(4):
        assert len(sender.send_due().retrying) == 1
        with db.session() as session:
            row = session.scalars(select(OutboundEmail)).one()
            waits.append(row.next_attempt_at - clock())
        assert sender.send_due().retrying == []  # not due yet
        clock.advance(seconds=waits[-1].total_seconds())
    assert waits == [backoff(1), backoff(2), backoff(3), backoff(4)]
    assert waits[0] < waits[1] < waits[2] < waits[3]


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(minutes=1)),
        (4, timedelta(minutes=4)),
        (30, timedelta(hours=4)),
    ],
)
def test_backoff_doubles_and_is_capped(attempts: int, expected: timedelta) -> None:
    assert backoff(attempts) == expected


@pytest.mark.parametrize(
    ("url", "host", "port", "security", "user"),
    [
        ("smtp://relay.example", "relay.example", 25, "auto", ""),
        ("smtp+starttls://u%40x:p%2Fw@relay.example", "relay.example", 587, "starttls", "u@x"),
        ("smtps://bot:secret@relay.example:2465", "relay.example", 2465, "tls", "bot"),
    ],
)
def test_smtp_url_gives_host_port_security_and_login(
    url: str, host: str, port: int, security: str, user: str
) -> None:
    relay = SmtpRelay.from_url(url)
    assert (relay.host, relay.port, relay.security, relay.username) == (host, port, security, user)


@pytest.mark.parametrize("url", ["http://relay.example", "smtp://", "relay.example:25"])
def test_unusable_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="smtp"):
        SmtpRelay.from_url(url)


def _all_tried(db: Database) -> bool:
    with db.session() as session:
        pending = session.scalars(select(OutboundEmail).where(OutboundEmail.status == "pending"))
        return all(row.attempts >= 1 for row in pending)


def _wait(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_one_refused_recipient_does_not_stop_the_rest_of_the_batch(
    db: Database, relay: Relay
) -> None:
    clock = Clock(START)
    relay.unknown.add("weg@klant.example")
    ids = [queue(db, address, n, clock) for n, address in enumerate(
        ["a@klant.example", "weg@klant.example", "b@klant.example"]
    )]  # fmt: skip
    report = OutboxSender(db, SmtpRelay.from_url(relay.url), clock=clock).send_due()
    assert (len(report.sent), len(report.failed)) == (2, 1)
    received = [str(m["Message-ID"]).strip() for m in relay.messages()]
    assert received == [ids[0], ids[2]]


def test_a_reply_written_with_its_inbound_outcome_is_stored_as_a_queued_one(db: Database) -> None:
    """``inbox.write_processed`` inserts the reply past the unit of work (in the inbound row's
    update on PostgreSQL): the same row ``queue_message`` stores, and the outcome with it."""
    now = START
    inbound = store_inbound(db, mail(), source="cli").id
    rows = []
    for n, with_outcome in enumerate((False, True)):
        message = compose_reply(
            ThreadContext(recipient="Anna@Klant.example", subject="Vraag"),
            sender="support@nme.example",
            text="Antwoord",
            message_id=sign_message_id("bot", f"c{n}", secret="s", domain="nme.example"),
            automated=True,
        )
        with db.session() as session:
            if not with_outcome:
                stored = queue_message(
                    session, message, kind="bot", envelope_from="support@nme.example", now=now,
                    status="printed",
                )  # fmt: skip
            else:
                received = session.get(InboundEmail, inbound)
                assert received is not None
                session.expunge(received)
                received.status, received.outcome, received.processed_at = (
                    "processed",
                    "replied",
                    now,
                )
                stored = outbound_row(
                    message, kind="bot", envelope_from="support@nme.example", now=now,
                    inbound_id=inbound, status="printed",
                )  # fmt: skip
                write_processed(session, received, received.raw, received.subject, stored)
        row_id = stored.id
        with db.session() as session:
            row = session.get(OutboundEmail, row_id)
            assert row is not None
            columns = OutboundEmail.__table__.columns
            rows.append({c.key: getattr(row, c.key) for c in columns if c.key != "id"})
            assert row.raw == message.as_bytes(policy=MAIL_POLICY)
            assert row.message_id == str(message["Message-ID"])
    with db.session() as session:
        written = session.get(InboundEmail, inbound)
        assert written is not None and (written.status, written.outcome) == ("processed", "replied")
    queued, inserted = rows
    assert (queued.pop("inbound_email_id"), inserted.pop("inbound_email_id")) == (None, inbound)
    for row in rows:
        del row["raw"], row["message_id"]
    assert queued == inserted
    assert inserted["status"] == "printed" and inserted["recipient"] == "anna@klant.example"
