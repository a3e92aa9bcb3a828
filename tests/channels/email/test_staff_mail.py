"""Staff replies by email: personal mail, threaded like the bot's, answered back into the thread."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import build_runtime
from bot.channels.email.service import email_channel, staff_mail
from bot.channels.runtime import Runtime
from bot.storage import repositories as repo
from bot.storage.models import Conversation
from tests.channels.email.conftest import mail, parsed
from tests.conftest import make_config

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

SHIPPED_HELPDESK = "support@example.com"  # faq_data/policy.yaml


@pytest.fixture
def runtime(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    built = build_runtime(make_config(tmp_path, database_url))
    yield built
    built.db.dispose()


def test_a_staff_reply_threads_to_the_customers_last_mail_without_auto_submitted(
    runtime: Runtime,
) -> None:
    channel = email_channel(runtime)
    first = channel.handle(mail(to=SHIPPED_HELPDESK), source="smtp")
    with runtime.db.session() as session:
        conversation = session.get(Conversation, first.conversation_id)
        assert conversation is not None
        ticket = repo.create_ticket(
            session,
            conversation,
            prefix="NME",
            reason="person",
            summary="x",
            due_at=NOW,
            details={},
        )
        row = staff_mail(runtime).queue(
            session, conversation.id, "Piet", "Probeer versie 2.2.", now=NOW
        )
        raw, number = row.raw, ticket.number
    reply = parsed(raw)
    assert reply["Auto-Submitted"] is None and reply["X-Auto-Response-Suppress"] is None
    assert reply["From"].addresses[0].display_name == "Piet (New Media Entertainment Support)"
    assert [a.addr_spec for a in reply["To"].addresses] == ["anna@klant.example"]
    assert reply["In-Reply-To"].strip() == "<m1@klant.example>"
    assert reply["Subject"] == f"Re: Vraag over de plugin [{number}]"
    body = reply.get_body(("plain",))
    assert body is not None and "Probeer versie 2.2." in body.get_content()
    ours = str(reply["Message-ID"]).strip()
    answer = channel.handle(
        mail(
            "Dank, dat werkt!",
            message_id="<m2@klant.example>",
            headers=(f"In-Reply-To: {ours}",),
            to=SHIPPED_HELPDESK,
        ),
        source="smtp",
    )
    assert answer.conversation_id == first.conversation_id


def test_a_widget_conversation_is_mailed_at_the_address_the_customer_gave(
    runtime: Runtime,
) -> None:
    started = runtime.conversations.start(channel="widget", email="bob@klant.example", greet=False)
    with runtime.db.session() as session:
        row = staff_mail(runtime).queue(
            session, started.conversation_id, "Piet", "Hallo Bob", now=NOW
        )
        raw = row.raw
    reply = parsed(raw)
    assert [a.addr_spec for a in reply["To"].addresses] == ["bob@klant.example"]
    assert reply["In-Reply-To"] is None
    assert reply["Subject"].startswith("Re: ")


def test_a_conversation_without_an_address_cannot_be_mailed(runtime: Runtime) -> None:
    started = runtime.conversations.start(channel="widget", greet=False)
    with runtime.db.session() as session, pytest.raises(ValueError, match="no email address"):
        staff_mail(runtime).queue(session, started.conversation_id, "Piet", "Hallo")


def test_a_bounced_address_gets_the_reply_stored_but_held_back(runtime: Runtime) -> None:
    started = runtime.conversations.start(channel="widget", email="weg@klant.example", greet=False)
    with runtime.db.session() as session:
        customer = repo.customer_by_email(session, "weg@klant.example")
        assert customer is not None
        customer.email_bounced_at = NOW
        row = staff_mail(runtime).queue(session, started.conversation_id, "Piet", "Hallo")
        assert row.status == "suppressed"
