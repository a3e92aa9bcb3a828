"""Licence keys in inbound mail: masked in every stored form, the MIME structure untouched."""

from __future__ import annotations

import base64
import quopri
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from bot.channels.email.key_masking import mask_raw_message
from bot.channels.email.pipeline import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.core.licence_keys import licence_key_hash
from bot.core.shop.records import SubscriptionRecord
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.subscriptions import SubscriptionFeed, upsert_subscription
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, InboundEmail, Message, OutboundEmail
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import START, mail, settings

KEY = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"
GROUPED = "X7K2-M9Q4-P3W8-L5N6"


def multipart(text_cte: str, body: str, attachment: bytes | None = None) -> bytes:
    """A text/plain + text/html message whose text part uses ``text_cte``."""
    message = EmailMessage()
    message["From"] = "Jan <jan@klant.example>"
    message["To"] = "support@nme.example"
    message["Subject"] = "Licentie werkt niet"
    message["Message-ID"] = "<k1@klant.example>"
    message.set_content(body, cte=text_cte)
    message.add_alternative(f"<p>{body}</p>", subtype="html")
    if attachment is not None:
        message.add_attachment(attachment, maintype="text", subtype="plain", filename="key.txt")
    return message.as_bytes()


def decoded_parts(raw: bytes) -> list[str]:
    message = message_from_bytes(raw, policy=policy.default)
    return [part.get_content() for part in message.walk() if not part.is_multipart()]


@pytest.mark.parametrize("cte", ["7bit", "8bit", "quoted-printable", "base64"])
def test_a_key_is_overwritten_in_every_transfer_encoding_and_the_rest_is_kept(cte: str) -> None:
    body = f"Hallo, mijn licentiesleutel is {KEY} en werkt niet meer sinds 3.4.2. Groet, Jan"
    raw = multipart(cte, body)
    masked = mask_raw_message(raw, [KEY])
    assert KEY.encode() not in masked
    parts = decoded_parts(masked)
    expected = body.replace(KEY, "*" * 28 + "a697")
    assert parts[0].strip() == expected and parts[1].strip() == f"<p>{expected}</p>"
    assert message_from_bytes(masked).get_boundary() == message_from_bytes(raw).get_boundary()


def test_a_key_split_by_a_quoted_printable_soft_break_is_overwritten() -> None:
    prefix = "x" * 60
    encoded = quopri.encodestring(f"{prefix} licentie {KEY} groet".encode())
    assert b"=\n" in encoded and KEY.encode() not in encoded  # the soft break cuts the key
    raw = (
        b"From: jan@klant.example\nSubject: hoi\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n" + encoded
    )
    masked = mask_raw_message(raw, [KEY])
    text = message_from_bytes(masked, policy=policy.default).get_content()
    assert KEY not in text and text.endswith(" licentie " + "*" * 28 + "a697 groet")


def test_a_base64_text_attachment_with_the_key_is_masked_too() -> None:
    raw = multipart("7bit", f"sleutel {KEY}", attachment=f"licence: {KEY}\n".encode())
    masked = mask_raw_message(raw, [KEY])
    message = message_from_bytes(masked, policy=policy.default)
    (attachment,) = [part for part in message.walk() if part.get_filename() == "key.txt"]
    assert attachment.get_content() == "licence: " + "*" * 28 + "a697\n"


@pytest.mark.parametrize("encoding", ["b", "q"])
def test_a_key_in_an_encoded_subject_word_is_masked(encoding: str) -> None:
    word = (
        base64.b64encode(f"Sleutel {GROUPED} ongeldig".encode()).decode()
        if encoding == "b"
        else f"Sleutel_{GROUPED}_ongeldig"
    )
    raw = f"From: jan@klant.example\nSubject: =?utf-8?{encoding}?{word}?=\n\nhoi\n".encode()
    masked = mask_raw_message(raw, [GROUPED])
    subject = str(message_from_bytes(masked, policy=policy.default)["Subject"])
    assert subject == "Sleutel ****-****-****-L5N6 ongeldig"


def test_other_text_that_merely_contains_the_key_letters_is_left_alone() -> None:
    raw = mail(f"licentie {KEY}; bestelling {KEY}99 en ref X{KEY}")
    masked = mask_raw_message(raw, [KEY])
    assert f"{KEY}99".encode() in masked and f"X{KEY}".encode() in masked
    assert masked.count(b"*" * 28 + b"a697") == 1


# -- through the pipeline ------------------------------------------------------------------------
@pytest.fixture
def keyed_channel(db: Database, engine: Engine, clock: Clock) -> EmailChannel:
    conversations = Conversations(db, engine, clock=clock, subscriptions=SubscriptionFeed())
    return EmailChannel(db, conversations, settings(), clock=clock)


def test_a_mailed_key_is_stored_masked_everywhere_and_its_subscription_recognised(
    keyed_channel: EmailChannel, db: Database
) -> None:
    with db.session() as session:
        upsert_subscription(
            session,
            SubscriptionRecord(
                email="shop@elsewhere.example",
                product="appointpress",
                status="active",
                expires_at=(START - timedelta(days=10)).date(),
                source="csv",
                external_id=licence_key_hash(KEY),
                licence_hash=licence_key_hash(KEY),
                licence_last4="A697",
            ),
        )
    raw = mail(
        "Goedemiddag,\n\nAppointPress 3.4.2 crasht bij het opslaan van een afspraak.\n"
        f"Mijn licentiesleutel is {KEY}.\n\nGroet, Anna",
        subject=f"AppointPress crasht, licentie {GROUPED}",
    )
    outcome = keyed_channel.handle(raw, source="cli")
    assert outcome.replied, outcome
    with db.session() as session:
        row = session.scalars(select(InboundEmail)).one()
        conversation = session.scalars(select(Conversation)).one()
        messages = session.scalars(select(Message).order_by(Message.seq)).all()
        reply = session.scalars(select(OutboundEmail)).one()
        events = session.scalars(select(EventRecord.kind)).all()
    stored = [row.raw, (row.subject or "").encode(), (conversation.subject or "").encode(),
              reply.raw, reply.subject.encode(), str(conversation.state).encode()]  # fmt: skip
    stored += [m.text.encode() + str(m.payload).encode() for m in messages]
    for blob in stored:
        assert KEY.encode() not in blob.lower() and GROUPED.encode() not in blob.upper()
    assert messages[0].text.count("••••A697") == 1 and "••••L5N6" in messages[0].text
    assert "subscription_recognised" in events and "licence_key_unknown" in events
    assert messages[1].route == "subscription_expired"
