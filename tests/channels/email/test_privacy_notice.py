"""The first automatic reply in a conversation links the privacy notice (``privacy_url`` in
policy.yaml), in the customer's language; later replies do not repeat it."""

from __future__ import annotations

from bot.channels.email.pipeline import EmailChannel
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.storage.db import Database
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import mail, outbox, parsed, settings

URLS = (("nl", "https://www.nme.example/privacy/"), ("en", "https://www.nme.example/en/privacy/"))


def bodies(db: Database, outbound_id: int | None) -> tuple[str, str]:
    (row,) = [r for r in outbox(db) if r.id == outbound_id]
    message = parsed(row.raw)
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


def channel_with(db: Database, engine: Engine, clock: Clock, **overrides: object) -> EmailChannel:
    return EmailChannel(
        db, Conversations(db, engine, clock=clock), settings(**overrides), clock=clock
    )


def test_the_first_reply_links_the_notice_and_the_next_one_does_not(
    db: Database, engine: Engine, clock: Clock
) -> None:
    channel = channel_with(db, engine, clock, privacy_urls=URLS)
    first = channel.handle(mail("Hoe installeer ik de plugin op mijn website?"), source="cli")
    plain, rich = bodies(db, first.outbound_id)
    assert "Zo gaan wij om met uw gegevens: https://www.nme.example/privacy/" in plain
    assert '<a href="https://www.nme.example/privacy/">' in rich
    ours = str(parsed([r for r in outbox(db) if r.id == first.outbound_id][0].raw)["Message-ID"])
    clock.advance(minutes=5)
    follow_up = mail(
        "Het gaat om versie 2.1.", subject="Re: Vraag over de plugin",
        message_id="<m2@klant.example>", headers=(f"In-Reply-To: {ours.strip()}",),
    )  # fmt: skip
    second = channel.handle(follow_up, source="cli")
    assert second.conversation_id == first.conversation_id and second.outbound_id
    plain, rich = bodies(db, second.outbound_id)
    assert "privacy" not in plain and "privacy" not in rich


def test_the_notice_speaks_the_customers_language(
    db: Database, engine: Engine, clock: Clock
) -> None:
    channel = channel_with(db, engine, clock, privacy_urls=URLS)
    english = channel.handle(
        mail(
            "How do I install the plugin on my website?", sender="bob@customer.example",
            subject="Installing", message_id="<en1@customer.example>",
        ),
        source="cli",
    )  # fmt: skip
    plain, _rich = bodies(db, english.outbound_id)
    assert "How we handle your data: https://www.nme.example/en/privacy/" in plain


def test_without_a_privacy_url_there_is_no_line(db: Database, engine: Engine, clock: Clock) -> None:
    channel = channel_with(db, engine, clock)
    outcome = channel.handle(mail("Hoe installeer ik de plugin op mijn website?"), source="cli")
    plain, rich = bodies(db, outcome.outbound_id)
    assert "gegevens:" not in plain and "privacy" not in rich
