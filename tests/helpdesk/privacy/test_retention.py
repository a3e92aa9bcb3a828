"""Retention on SQLite and PostgreSQL, with a fake clock placed just before and just after each
boundary: conversations (365 days after their last activity), raw mail (90 days), leftovers.
A purge interrupted half-way leaves no half-done conversation; one beside a busy conversation
skips it instead of waiting (PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update

from bot.channels.email.service import email_channel
from bot.channels.runtime import Runtime
from bot.config import Config
from bot.core.shop.records import SubscriptionRecord
from bot.helpdesk.privacy.retention import Purge, Retention
from bot.helpdesk.subscriptions import upsert_subscription
from bot.storage import repositories as repo
from bot.storage.models import (
    AuditEntry,
    Conversation,
    Customer,
    EventRecord,
    InboundEmail,
    Message,
    OutboundEmail,
    Subscription,
    Ticket,
)
from tests.helpdesk.privacy.people import customer_mail

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
YEAR = timedelta(days=365)
RAW = timedelta(days=90)


def purge(rt: Runtime, *, days: int = 365, raw: int = 90) -> Any:
    return Purge(rt.db, Retention(days, raw), bus=rt.bus, clock=lambda: NOW, batch=3).run()


def chat(rt: Runtime, tag: str, *, ticket: bool = False) -> int:
    """A widget conversation of ``tag@klant.example`` (with a ticket, when asked)."""
    started = rt.conversations.start(channel="widget", language="nl", email=f"{tag}@klant.example")
    rt.conversations.post(started.public_id, started.token, f"Hoe installeer ik {tag}?")
    if ticket:
        rt.conversations.post(started.public_id, started.token, "ik wil een medewerker spreken")
    return started.conversation_id


def age(rt: Runtime, model: Any, row_id: int, **times: datetime) -> None:
    with rt.db.session() as session:
        session.execute(update(model).where(model.id == row_id).values(**times))


def last_active(rt: Runtime, conversation_id: int, when: datetime) -> None:
    age(rt, Conversation, conversation_id, updated_at=when, created_at=when)
    with rt.db.session() as session:
        session.execute(
            update(Ticket).where(Ticket.conversation_id == conversation_id).values(updated_at=when)
        )


def anonymised(rt: Runtime, conversation_id: int) -> bool:
    with rt.db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        texts = session.scalars(
            select(Message.text).where(Message.conversation_id == conversation_id)
        ).all()
        if conversation.anonymised_at is None:
            assert all(texts) and conversation.customer_id is not None, "untouched means whole"
            return False
        assert set(texts) == {""} and conversation.customer_id is None, "anonymised means all"
        return True


@pytest.mark.parametrize(("quiet_for", "gone"), [(YEAR - MINUTE, False), (YEAR + MINUTE, True)])
def test_a_conversation_goes_once_it_has_been_quiet_for_the_retention(
    rt: Runtime, quiet_for: timedelta, gone: bool
) -> None:
    conversation = chat(rt, "anna")
    last_active(rt, conversation, NOW - quiet_for)
    report = purge(rt)
    assert anonymised(rt, conversation) is gone
    assert report.removed.conversations == int(gone)


def test_an_open_ticket_keeps_its_conversation_and_a_recent_ticket_change_too(
    rt: Runtime,
) -> None:
    open_one, touched, resolved = (
        chat(rt, "o", ticket=True),
        chat(rt, "t", ticket=True),
        chat(rt, "r", ticket=True),
    )
    for conversation in (open_one, touched, resolved):
        last_active(rt, conversation, NOW - YEAR - MINUTE)
    with rt.db.session() as session:
        session.execute(
            update(Ticket)
            .where(Ticket.conversation_id.in_([touched, resolved]))
            .values(status="resolved", updated_at=NOW - YEAR - MINUTE)
        )
        session.execute(
            update(Ticket)
            .where(Ticket.conversation_id == touched)
            .values(updated_at=NOW - YEAR + MINUTE)
        )
    purge(rt)
    assert [anonymised(rt, c) for c in (open_one, touched, resolved)] == [False, False, True]


def test_raw_mail_goes_after_its_own_shorter_retention(rt: Runtime) -> None:
    channel = email_channel(rt)
    old = channel.handle(customer_mail("anna@klant.example", "Anna", "oud", "old"), source="smtp")
    new = channel.handle(customer_mail("bram@klant.example", "Bram", "nieuw", "new"), source="smtp")
    with rt.db.session() as session:
        session.execute(update(OutboundEmail).values(status="sent"))
        pending = OutboundEmail(
            conversation_id=old.conversation_id, kind="bot", recipient="anna@klant.example",
            envelope_from="support@example.com", message_id="<pending@example.com>",
            subject="Re", raw=b"still to send", status="pending", attempts=0,
        )  # fmt: skip
        session.add(pending)
        session.flush()
        pending_id = pending.id
        spam = InboundEmail(
            source="smtp", envelope_sender="x@spam.example", envelope_recipients=[], raw=b"spam",
            size=4, content_hash="0" * 64, status="processed", attempts=1,
        )  # fmt: skip
        session.add(spam)
        session.flush()
        spam_id = spam.id
    for row in (old.inbound_id, spam_id):
        age(rt, InboundEmail, row, received_at=NOW - RAW - MINUTE)
    age(rt, InboundEmail, new.inbound_id, received_at=NOW - RAW + MINUTE)
    for row in (old.outbound_id, pending_id):
        age(rt, OutboundEmail, row, created_at=NOW - RAW - MINUTE)
    age(rt, OutboundEmail, new.outbound_id, created_at=NOW - RAW + MINUTE)
    report = purge(rt)
    with rt.db.session() as session:
        raw_in = dict(session.execute(select(InboundEmail.id, InboundEmail.raw)).all())
        raw_out = dict(session.execute(select(OutboundEmail.id, OutboundEmail.raw)).all())
        texts = session.scalars(
            select(Message.text).where(Message.conversation_id == old.conversation_id)
        ).all()
    assert raw_in == {old.inbound_id: b"", new.inbound_id: raw_in[new.inbound_id]}
    assert raw_in[new.inbound_id] and spam_id not in raw_in
    assert raw_out[old.outbound_id] == b"" and raw_out[pending_id] == b"still to send"
    assert raw_out[new.outbound_id]
    assert any("oud" in t for t in texts), "the decoded text stays with its conversation"
    assert (report.raw_received, report.raw_sent, report.removed.mails_received) == (1, 1, 1)


def test_leftovers_go_after_the_retention(rt: Runtime) -> None:
    with rt.db.session() as session:
        lonely = repo.get_or_create_customer(session, "lonely@klant.example")
        recent = repo.get_or_create_customer(session, "recent@klant.example")
        session.flush()
        lonely_id, recent_id = lonely.id, recent.id
        for tag, expires in (("ended", NOW.date() - YEAR - timedelta(days=1)), ("runs", None)):
            upsert_subscription(
                session,
                SubscriptionRecord(
                    email=f"{tag}@klant.example", product="appointpress", status="active",
                    expires_at=expires, source="csv", external_id=tag,
                ),
            )  # fmt: skip
        old_event_id = repo.add_event(session, None, "email_suppressed", {"detail": "x@y.example"})
        new_event_id = repo.add_event(session, None, "email_suppressed", {"detail": "z@y.example"})
    age(rt, Customer, lonely_id, created_at=NOW - YEAR - MINUTE)
    age(rt, Customer, recent_id, created_at=NOW - YEAR + MINUTE)
    age(rt, EventRecord, old_event_id, created_at=NOW - YEAR - MINUTE)
    age(rt, EventRecord, new_event_id, created_at=NOW - YEAR + MINUTE)
    report = purge(rt)
    with rt.db.session() as session:
        assert session.scalars(select(Customer.id)).all() == [recent_id]
        assert session.scalars(select(Subscription.external_id)).all() == ["runs"]
        assert session.scalars(select(EventRecord.id)).all() == [new_event_id]
    assert (report.customers, report.subscriptions, report.other_events) == (1, 1, 1)


def test_a_second_purge_finds_nothing_and_each_run_is_in_the_audit_log(rt: Runtime) -> None:
    conversations = [chat(rt, f"klant{n}") for n in range(7)]  # more than one batch of 3
    for conversation in conversations:
        last_active(rt, conversation, NOW - YEAR - MINUTE)
    first, second = purge(rt), purge(rt)
    assert first.removed.conversations == 7 and all(anonymised(rt, c) for c in conversations)
    assert not any(second.counts().values())
    with rt.db.session() as session:
        runs = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention_purge")
        ).all()
        assert [run.detail["conversations"] for run in runs] == [7, 0]


def test_retention_zero_keeps_everything(rt: Runtime) -> None:
    conversation = chat(rt, "anna")
    last_active(rt, conversation, NOW - 10 * YEAR)
    assert not any(purge(rt, days=0, raw=0).counts().values())
    assert not anonymised(rt, conversation)


def test_an_interrupted_purge_leaves_no_half_done_conversation(rt: Runtime) -> None:
    first, second, third = chat(rt, "een"), chat(rt, "twee"), chat(rt, "drie")
    for conversation in (first, second, third):
        last_active(rt, conversation, NOW - YEAR - MINUTE)
    with rt.db.session() as session:
        token_before = session.get(Conversation, second).token_hash  # type: ignore[union-attr]
    with fail_updates_of_messages(rt, second):  # the database refuses half-way through
        with pytest.raises(Exception, match="purge interrupted"):
            purge(rt)
    assert anonymised(rt, first) and not anonymised(rt, second) and not anonymised(rt, third)
    with rt.db.session() as session:
        assert session.get(Conversation, second).token_hash == token_before  # type: ignore[union-attr]
    purge(rt)
    assert anonymised(rt, second) and anonymised(rt, third)


class fail_updates_of_messages:  # noqa: N801 - used as a context manager
    """A trigger that aborts any update of one conversation's messages (a real database fault)."""

    def __init__(self, rt: Runtime, conversation_id: int) -> None:
        self.rt, self.conversation_id = rt, conversation_id

    def __enter__(self) -> None:
        statements = (
            [
                "CREATE TRIGGER purge_fault BEFORE UPDATE ON messages "
                f"WHEN OLD.conversation_id = {self.conversation_id} "
                "BEGIN SELECT RAISE(ABORT, 'purge interrupted'); END"
            ]
            if self.rt.db.is_sqlite
            else [
                "CREATE FUNCTION purge_fault() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'purge interrupted'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER purge_fault BEFORE UPDATE ON messages FOR EACH ROW "
                f"WHEN (OLD.conversation_id = {self.conversation_id}) "
                "EXECUTE FUNCTION purge_fault()",
            ]
        )
        with self.rt.db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))

    def __exit__(self, *exc: object) -> None:
        statements = (
            ["DROP TRIGGER purge_fault"]
            if self.rt.db.is_sqlite
            else ["DROP TRIGGER purge_fault ON messages", "DROP FUNCTION purge_fault()"]
        )
        with self.rt.db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))


def test_a_conversation_in_use_is_skipped_not_waited_for(rt: Runtime) -> None:
    if rt.db.is_sqlite:
        pytest.skip("SQLite runs one writer at a time; row locks are PostgreSQL's")
    busy, quiet = chat(rt, "bezig"), chat(rt, "stil")
    for conversation in (busy, quiet):
        last_active(rt, conversation, NOW - YEAR - MINUTE)
    with rt.db.session() as holder:  # a customer's message being handled right now
        assert repo.lock_conversation(holder, busy) is not None
        report = purge(rt)
    assert report.removed.conversations == 1
    assert anonymised(rt, quiet) and not anonymised(rt, busy)
    assert purge(rt).removed.conversations == 1 and anonymised(rt, busy)


def test_the_retention_settings_reach_the_purge() -> None:
    retention = Retention.from_config(Config(retention_days=30, raw_mail_retention_days=7))
    assert retention.conversation_cutoff(NOW) == NOW - timedelta(days=30)
    assert retention.raw_mail_cutoff(NOW) == NOW - timedelta(days=7)
    assert Retention(0, 0).conversation_cutoff(NOW) is None
