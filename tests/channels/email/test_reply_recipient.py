"""Automatic answers go to the envelope sender (RFC 3834 §4), never to a Reply-To.

Issue 19 #5: with Reply-To honoured, anyone could have the bot mail a chosen address with a
subject of their choosing. The per-recipient limit counts the address the mail really goes to.
"""

from __future__ import annotations

from bot.channels.email.pipeline import EmailChannel
from bot.mail.compose import AUTOMATED_SUBJECT_CHARS
from tests.channels.email.conftest import mail, outbox, parsed


def test_reply_to_is_not_where_an_automatic_answer_goes(channel: EmailChannel) -> None:
    raw = mail(headers=("Reply-To: victim@elders.example",))
    outcome = channel.handle(raw, source="cli")
    assert outcome.replied
    (reply,) = outbox(channel.db)
    assert reply.recipient == "anna@klant.example"
    assert [a.addr_spec for a in parsed(reply.raw)["To"].addresses] == ["anna@klant.example"]


def test_the_envelope_sender_wins_over_from_and_return_path(channel: EmailChannel) -> None:
    raw = mail(headers=("Return-Path: <srs0=ab=cd=klant.example=anna@forwarder.example>",))
    channel.handle(raw, source="smtp", envelope_sender="anna+bounces@klant.example")
    (reply,) = outbox(channel.db)
    assert reply.recipient == "anna+bounces@klant.example"


def test_return_path_is_used_when_the_server_did_not_record_an_envelope(
    channel: EmailChannel,
) -> None:
    channel.handle(mail(headers=("Return-Path: <anna@mail.klant.example>",)), source="imap")
    (reply,) = outbox(channel.db)
    assert reply.recipient == "anna@mail.klant.example"


def test_the_rate_limit_counts_the_final_address(channel: EmailChannel) -> None:
    """Four senders, one envelope: the fourth answer in an hour would be the fourth to it."""
    outcomes = [
        channel.handle(
            mail(
                f"Vraag nummer {n} over de plugin",
                sender=f"Person {n} <p{n}@klant.example>",
                subject=f"Vraag {n}",
                message_id=f"<r{n}@klant.example>",
                headers=("Reply-To: someone-else@klant.example",),
            ),
            source="smtp",
            envelope_sender="target@elders.example",
        )
        for n in range(4)
    ]
    assert [o.replied for o in outcomes] == [True, True, True, False]
    assert outcomes[3].reason == "rate_limited"
    assert {r.recipient for r in outbox(channel.db)} == {"target@elders.example"}


def test_an_automatic_subject_repeats_only_the_start_of_theirs(channel: EmailChannel) -> None:
    words = "Buy cheap watches at http://spam.example " * 10
    channel.handle(mail(subject=words), source="cli")
    (reply,) = outbox(channel.db)
    subject = parsed(reply.raw)["Subject"]
    assert len(subject) <= len("Re: ") + AUTOMATED_SUBJECT_CHARS
