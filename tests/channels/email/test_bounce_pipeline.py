"""Delivery failures of our own mail: threaded to their conversation, dead addresses marked."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.email.pipeline import EmailChannel
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Customer
from tests.channels.email.conftest import mail, outbox, parsed


def dsn(message_id: str, recipient: str, *, action: str = "failed", status: str = "5.1.1") -> bytes:
    """A Postfix-style multipart/report about one of our messages."""
    return f"""\
Return-Path: <>
From: MAILER-DAEMON@mx.klant.example (Mail Delivery System)
To: support@nme.example
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Message-ID: <dsn-{status}-{action}@mx.klant.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.klant.example

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected

--B
Content-Type: text/rfc822-headers

From: New Media Entertainment Support <support@nme.example>
To: {recipient}
Subject: Re: Vraag over de plugin
Message-ID: {message_id}

--B--
""".replace("\n", "\r\n").encode()


def customer(db: Database, address: str) -> Customer | None:
    with db.session() as session:
        return session.scalars(select(Customer).where(Customer.email == address)).first()


def our_reply(channel: EmailChannel, db: Database) -> tuple[int, str]:
    outcome = channel.handle(mail(), source="cli")
    (row,) = outbox(db)
    return outcome.conversation_id or 0, str(parsed(row.raw)["Message-ID"]).strip()


def test_a_hard_bounce_of_our_reply_marks_the_address_and_holds_back_its_mail(
    channel: EmailChannel, db: Database
) -> None:
    conversation_id, ours = our_reply(channel, db)
    outcome = channel.handle(dsn(ours, "anna@klant.example"), source="smtp")
    assert (outcome.outcome, outcome.reason) == ("bounce", "hard_bounce")
    assert outcome.conversation_id == conversation_id
    marked = customer(db, "anna@klant.example")
    assert marked is not None and marked.email_bounced_at is not None
    assert "5.1.1" in (marked.bounce_reason or "")
    assert [r.status for r in outbox(db)] == ["suppressed"]  # the pending reply is held back
    with db.session() as session:
        last = repo.messages(session, conversation_id)[-1]
        assert last.role == "system" and "anna@klant.example" in last.text


def test_a_delay_notice_marks_nothing(channel: EmailChannel, db: Database) -> None:
    _, ours = our_reply(channel, db)
    outcome = channel.handle(
        dsn(ours, "anna@klant.example", action="delayed", status="4.4.1"), source="smtp"
    )
    assert (outcome.outcome, outcome.reason) == ("bounce", "soft_bounce")
    marked = customer(db, "anna@klant.example")
    assert marked is not None and marked.email_bounced_at is None
    assert [r.status for r in outbox(db)] == ["pending"]


def test_a_bounce_for_an_address_we_never_mailed_marks_nothing(
    channel: EmailChannel, db: Database
) -> None:
    outcome = channel.handle(dsn("<x@elders.example>", "iemand@elders.example"), source="smtp")
    assert outcome.outcome == "bounce" and outcome.conversation_id is None
    assert customer(db, "iemand@elders.example") is None


def test_a_customer_who_writes_again_after_a_bounce_is_answered_again(
    channel: EmailChannel, db: Database
) -> None:
    _, ours = our_reply(channel, db)
    channel.handle(dsn(ours, "anna@klant.example"), source="smtp")
    again = channel.handle(
        mail("Nieuw adres werkt weer", message_id="<n1@klant.example>"), source="smtp"
    )
    assert again.replied
    cleared = customer(db, "anna@klant.example")
    assert cleared is not None and cleared.email_bounced_at is None


def test_a_bounce_naming_an_address_we_mailed_marks_it_whatever_the_case_or_message(
    channel: EmailChannel, db: Database
) -> None:
    our_reply(channel, db)  # to anna@klant.example
    outcome = channel.handle(dsn("<x@elders.example>", "Anna@Klant.example"), source="smtp")
    assert (outcome.outcome, outcome.reason) == ("bounce", "hard_bounce")
    assert outcome.conversation_id is None  # not a bounce of our mail: no conversation
    marked = customer(db, "anna@klant.example")
    assert marked is not None and marked.email_bounced_at is not None
