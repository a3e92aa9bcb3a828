"""Inbound mail is a row before anything else: stored once, claimed once, retried, given up."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, event, func, select

from bot.channels.email import inbox
from bot.storage.db import Database
from bot.storage.models import InboundEmail

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MAIL = (
    b"From: Anna de Vries <anna@klant.example>\r\n"
    b"To: support@nme.example\r\n"
    b"Subject: =?utf-8?q?Foutmelding_na_update?=\r\n"
    b"Message-ID: <abc@klant.example>\r\n"
    b"\r\n"
    b"Mijn plugin werkt niet meer.\r\n"
)


def rows(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(InboundEmail)) or 0


def test_stored_message_is_committed_with_its_bytes_and_envelope(db: Database) -> None:
    stored = inbox.store_inbound(
        db,
        MAIL,
        source="smtp",
        envelope_sender="anna@klant.example",
        recipients=["support@nme.example"],
    )
    assert not stored.duplicate
    with db.sessions() as session:  # a fresh session: the row is committed
        row = session.get(InboundEmail, stored.id)
        assert row is not None
        assert row.raw == MAIL and row.size == len(MAIL)
        assert (row.envelope_sender, row.envelope_recipients) == (
            "anna@klant.example",
            ["support@nme.example"],
        )
        assert (row.message_id, row.from_addr, row.subject) == (
            "<abc@klant.example>",
            "anna@klant.example",
            "Foutmelding na update",
        )
        assert row.status == "received"


@pytest.mark.parametrize(
    "again",
    [
        MAIL,
        b"Received: from mx.example by mx2.example; Thu, 26 Nov 2026 10:00:00 +0100\r\n"
        b"\tfolded continuation\r\nReturn-Path: <anna@klant.example>\r\n" + MAIL,
        b"Delivered-To: support@nme.example\nX-Original-To: support@nme.example\n" + MAIL,
    ],
    ids=["same-bytes", "relay-trace-added", "delivery-headers-added"],
)
def test_a_redelivered_message_is_stored_once(db: Database, again: bytes) -> None:
    first = inbox.store_inbound(db, MAIL, source="smtp")
    second = inbox.store_inbound(db, again, source="imap")
    assert second == inbox.Stored(first.id, True)
    assert rows(db) == 1


def test_a_different_message_is_stored_separately(db: Database) -> None:
    inbox.store_inbound(db, MAIL, source="smtp")
    other = inbox.store_inbound(db, MAIL.replace(b"niet meer", b"weer"), source="smtp")
    assert not other.duplicate
    assert rows(db) == 2


def test_the_same_message_from_many_receivers_at_once_is_one_row(db: Database) -> None:
    results: list[inbox.Stored] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(inbox.store_inbound(db, MAIL, source="smtp"))
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len({r.id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    assert rows(db) == 1


def test_storing_and_claiming_are_one_statement_each_and_one_round_trip_on_postgresql(
    db: Database,
) -> None:
    # The SMTP client waits for the store; every processor for its claim. On PostgreSQL each is
    # one statement in autocommit (no BEGIN and COMMIT round trips); on SQLite one statement
    # after its BEGIN IMMEDIATE (in the process: no round trip to save).
    seen: list[tuple[str, bool]] = []

    def record(connection: Connection, cursor: object, statement: str, *args: object) -> None:
        autocommit = bool(getattr(connection.connection.dbapi_connection, "autocommit", False))
        seen.append((statement.split()[0], autocommit))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        stored = inbox.store_inbound(db, MAIL, source="smtp")
        assert inbox.claim(db, stored.id, NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    if db.is_sqlite:
        assert seen == [("BEGIN", False), ("INSERT", False), ("BEGIN", False), ("UPDATE", False)]
    else:
        assert seen == [("INSERT", True), ("UPDATE", True)]


def test_only_one_processor_claims_a_row_until_its_lease_runs_out(db: Database) -> None:
    stored = inbox.store_inbound(db, MAIL, source="smtp")
    assert inbox.claim(db, stored.id, NOW)
    assert not inbox.claim(db, stored.id, NOW + timedelta(minutes=1))
    assert inbox.due(db, NOW + timedelta(minutes=1)) == []
    later = NOW + inbox.LEASE + timedelta(seconds=1)
    assert inbox.due(db, later) == [stored.id]  # the processor died: the row is due again
    assert inbox.claim(db, stored.id, later)


def test_every_claim_runs_the_one_statement_built_once(db: Database) -> None:
    """A claim per mail: its update is built once, with the row, the time and the lease bound
    per call; the lease still keeps a claimed row from everyone else until it runs out."""
    first, second = (
        inbox.store_inbound(db, MAIL.replace(b"abc@", f"c{n}@".encode()), source="smtp").id
        for n in range(2)
    )
    run: list[object] = []

    def record(connection: Connection, clause: object, *args: object) -> None:
        run.append(clause)

    event.listen(db.engine, "before_execute", record)
    try:
        assert inbox.claim(db, first, NOW) and inbox.claim(db, second, NOW)
        assert not inbox.claim(db, first, NOW + inbox.LEASE - timedelta(seconds=1))
    finally:
        event.remove(db.engine, "before_execute", record)
    updates = [c for c in run if str(c).startswith("UPDATE")]
    assert len(updates) == 3 and updates[0] is updates[1] is updates[2]
    assert inbox.claim(db, first, NOW + inbox.LEASE + timedelta(seconds=1))  # ran out: free
    with db.session() as session:
        row = session.get(InboundEmail, first)
        assert row is not None and row.attempts == 2
        assert row.lease_until == NOW + 2 * inbox.LEASE + timedelta(seconds=1)


def test_claim_next_takes_the_oldest_free_row_once(db: Database) -> None:
    first, second, third = (
        inbox.store_inbound(db, MAIL.replace(b"abc@", f"m{n}@".encode()), source="smtp").id
        for n in range(3)
    )
    assert inbox.claim(db, first, NOW)  # a processor holds the oldest
    assert inbox.claim_next(db, NOW) == second
    assert inbox.claim_next(db, NOW) == third
    assert inbox.claim_next(db, NOW) is None  # all held, none answered yet
    later = NOW + inbox.LEASE + timedelta(seconds=1)
    assert inbox.claim_next(db, later) == first  # its processor died: free again
    with db.session() as session:
        row = session.get(InboundEmail, first)
        assert row is not None and row.attempts == 2 and row.lease_until == later + inbox.LEASE


def test_processors_claiming_at_once_each_take_different_rows(db: Database) -> None:
    ids = [
        inbox.store_inbound(db, MAIL.replace(b"abc@", f"m{n}@".encode()), source="smtp").id
        for n in range(24)
    ]
    claimed: list[int] = []
    lock = threading.Lock()

    def processor() -> None:
        while (row_id := inbox.claim_next(db, NOW)) is not None:
            with lock:
                claimed.append(row_id)

    threads = [threading.Thread(target=processor) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == ids  # each row once, none left out


def test_a_processed_row_is_never_claimed_again(db: Database) -> None:
    stored = inbox.store_inbound(db, MAIL, source="smtp")
    with db.session() as session:
        row = session.get(InboundEmail, stored.id)
        assert row is not None
        row.status = "processed"
    assert not inbox.claim(db, stored.id, NOW)
    assert inbox.claim_next(db, NOW) is None
    assert inbox.due(db, NOW + timedelta(days=1)) == []


def test_a_row_that_keeps_failing_waits_longer_then_is_given_up(db: Database) -> None:
    stored = inbox.store_inbound(db, MAIL, source="smtp")
    now, waits = NOW, []
    for attempt in range(1, inbox.MAX_ATTEMPTS + 1):
        assert inbox.claim(db, stored.id, now)
        given_up = inbox.record_failure(db, stored.id, f"boom {attempt}", now)
        assert given_up == (attempt == inbox.MAX_ATTEMPTS)
        with db.session() as session:
            row = session.get(InboundEmail, stored.id)
            assert row is not None
            if row.lease_until:
                waits.append(row.lease_until - now)
                now = row.lease_until + timedelta(seconds=1)
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    with db.session() as session:
        row = session.get(InboundEmail, stored.id)
        assert row is not None
        assert (row.status, row.error) == ("failed", f"boom {inbox.MAX_ATTEMPTS}")
    assert inbox.due(db, now + timedelta(days=30)) == []


@pytest.mark.parametrize(
    ("raw", "message_id", "subject"),
    [
        (b"Subject: no id\r\n\r\nbody", None, "no id"),
        (b"Message-ID: <" + b"x" * 600 + b"@long.example>\r\n\r\nbody", None, None),
        (b"\x00\x01garbage without headers", None, None),
        (b"Subject: " + "Ünïcode raw".encode() + b"\r\n\r\n", None, "Ünïcode raw"),
    ],
    ids=["no-message-id", "overlong-message-id", "garbage", "raw-utf8-subject"],
)
def test_any_bytes_are_stored_with_what_can_be_read(
    db: Database, raw: bytes, message_id: str | None, subject: str | None
) -> None:
    stored = inbox.store_inbound(db, raw, source="smtp")
    with db.session() as session:
        row = session.get(InboundEmail, stored.id)
        assert row is not None
        assert (row.raw, row.message_id, row.subject) == (raw, message_id, subject)
