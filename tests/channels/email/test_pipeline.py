"""The inbound pipeline end to end on a real database and the real engine (no SMTP here)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.email.pipeline import EmailChannel
from bot.channels.email.replying import engine_text
from bot.core.dialogue.engine import Engine
from bot.helpdesk.conversations import Conversations
from bot.mail.message_ids import verify_message_id
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, Message
from tests.channels.email.clock import Clock
from tests.channels.email.conftest import (
    HELPDESK,
    SECRET,
    inbound_rows,
    mail,
    outbox,
    parsed,
    settings,
)


def reply_to(db: Database, outbound_id: int | None) -> bytes:
    (row,) = [r for r in outbox(db) if r.id == outbound_id]
    return row.raw


def events(db: Database, kind: str) -> list[EventRecord]:
    with db.session() as session:
        return list(session.scalars(select(EventRecord).where(EventRecord.kind == kind)))


def test_a_question_gets_one_automatic_reply_with_our_headers(
    channel: EmailChannel, db: Database
) -> None:
    outcome = channel.handle(mail(), source="cli")
    assert outcome.replied, outcome
    reply = parsed(reply_to(db, outcome.outbound_id))
    assert reply["To"].addresses[0].addr_spec == "anna@klant.example"
    assert len(reply["To"].addresses) == 1 and reply["Cc"] is None
    assert reply["From"].addresses[0].addr_spec == HELPDESK
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert reply["In-Reply-To"].strip() == "<m1@klant.example>"
    assert "<m1@klant.example>" in reply["References"]
    assert reply["Subject"] == "Re: Vraag over de plugin"
    assert verify_message_id(str(reply["Message-ID"]).strip(), secret=SECRET, domain="nme.example")
    assert reply.get_content_type() == "multipart/alternative"
    text = reply.get_body(("plain",))
    html = reply.get_body(("html",))
    assert text is not None and html is not None
    assert text.get_content().startswith("##- ")
    assert reply["Content-Language"] in ("nl", "en")
    assert len(outbox(db)) == 1 and outbox(db)[0].status == "pending"


def test_an_automatic_reply_ignores_reply_to(channel: EmailChannel, db: Database) -> None:
    """RFC 3834 §4 (issue 19 #5): the sender, not a Reply-To anyone can write."""
    outcome = channel.handle(mail(headers=("Reply-To: desk@klant.example",)), source="cli")
    reply = parsed(reply_to(db, outcome.outbound_id))
    assert [a.addr_spec for a in reply["To"].addresses] == ["anna@klant.example"]


def test_a_reply_to_our_message_continues_the_same_conversation(
    channel: EmailChannel, db: Database
) -> None:
    first = channel.handle(mail(), source="cli")
    ours = str(parsed(reply_to(db, first.outbound_id))["Message-ID"]).strip()
    follow_up = mail(
        "Het gaat om versie 2.1.",
        subject="Re: Vraag over de plugin",
        message_id="<m2@klant.example>",
        headers=(f"In-Reply-To: {ours}", f"References: <m1@klant.example> {ours}"),
    )
    second = channel.handle(follow_up, source="cli")
    assert second.conversation_id == first.conversation_id
    with db.session() as session:
        texts = [
            m.text
            for m in repo.messages(session, first.conversation_id or 0)
            if m.role == "customer"
        ]
    assert texts == [
        "Vraag over de plugin\n\nHoe installeer ik de plugin?",
        "Het gaat om versie 2.1.",
    ]


def test_a_forged_reference_to_our_domain_starts_a_new_conversation(
    channel: EmailChannel,
) -> None:
    first = channel.handle(mail(), source="cli")
    forged = f"<bot.c{first.conversation_id}.abc.{'0' * 32}@nme.example>"
    outcome = channel.handle(
        mail("Nog een vraag", message_id="<m9@klant.example>", headers=(f"In-Reply-To: {forged}",)),
        source="cli",
    )
    assert outcome.conversation_id != first.conversation_id


def _with_ticket(db: Database, conversation_id: int) -> str:
    with db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        ticket = repo.create_ticket(
            session,
            conversation,
            prefix="NME",
            reason="person",
            summary="x",
            due_at=conversation.created_at,
            details={},
        )
        assert ticket.number
        return ticket.number


def test_the_ticket_tag_threads_only_for_the_conversations_own_customer(
    channel: EmailChannel, db: Database
) -> None:
    first = channel.handle(mail(), source="cli")
    number = _with_ticket(db, first.conversation_id or 0)
    own = channel.handle(
        mail("Nog iets", subject=f"Re: vraag [{number}]", message_id="<m3@klant.example>"),
        source="cli",
    )
    assert own.conversation_id == first.conversation_id
    stranger = channel.handle(
        mail(
            "Ik wil meelezen",
            sender="eve@elders.example",
            subject=f"[{number.lower()}]",
            message_id="<e1@elders.example>",
        ),
        source="cli",
    )
    assert stranger.conversation_id not in (None, first.conversation_id)
    (rejected,) = events(db, "email_ticket_tag_rejected")
    assert rejected.data["tag"] == number and rejected.conversation_id == stranger.conversation_id
    reply = parsed(reply_to(db, own.outbound_id))
    assert reply["Subject"].endswith(f"[{number}]")


def test_an_out_of_office_answer_to_our_mail_is_stored_in_its_conversation_unanswered(
    channel: EmailChannel, db: Database
) -> None:
    first = channel.handle(mail(), source="cli")
    ours = str(parsed(reply_to(db, first.outbound_id))["Message-ID"]).strip()
    ooo = mail(
        "Ik ben tot maandag afwezig.",
        subject="Automatisch antwoord: Re: Vraag over de plugin",
        message_id="<ooo@klant.example>",
        headers=(f"In-Reply-To: {ours}",),
    )
    outcome = channel.handle(ooo, source="cli")
    assert (outcome.outcome, outcome.reason) == ("suppressed", "out_of_office")
    assert outcome.conversation_id == first.conversation_id
    assert len(outbox(db)) == 1
    with db.session() as session:
        last = repo.messages(session, first.conversation_id or 0)[-1]
        assert last.text == "Ik ben tot maandag afwezig."
        assert last.payload["email"]["suppressed"] == "out_of_office"
    (event,) = events(db, "email_suppressed")
    assert event.conversation_id == first.conversation_id
    row = inbound_rows(db)[-1]
    assert (row.status, row.outcome, row.reason) == (
        "processed",
        "suppressed",
        "out_of_office",
    )


def test_bulk_mail_that_threads_nowhere_is_kept_without_a_conversation(
    channel: EmailChannel, db: Database
) -> None:
    newsletter = mail(
        "Onze aanbiedingen!",
        sender="news@shop.example",
        headers=("List-Unsubscribe: <mailto:u@shop.example>", "Precedence: bulk"),
    )
    outcome = channel.handle(newsletter, source="cli")
    assert (outcome.outcome, outcome.conversation_id) == ("suppressed", None)
    assert outbox(db) == []
    with db.session() as session:
        assert repo.count_conversations(session) == 0
    assert inbound_rows(db)[0].raw == newsletter


def test_more_than_three_replies_an_hour_to_one_address_are_held_back(
    channel: EmailChannel, db: Database, clock: Clock
) -> None:
    outcomes = [
        channel.handle(
            mail(f"Vraag {n}", subject=f"Vraag {n}", message_id=f"<q{n}@klant.example>"),
            source="cli",
        )
        for n in range(4)
    ]
    assert [o.replied for o in outcomes] == [True, True, True, False]
    assert outcomes[3].reason == "rate_limited"
    with db.session() as session:
        stored = session.scalars(select(Message).where(Message.role == "customer")).all()
        assert [m.text for m in stored][-1] == "Vraag 3"
    clock.advance(hours=1, seconds=1)
    later = channel.handle(
        mail("Vraag 4", subject="Vraag 4", message_id="<q4@klant.example>"), source="cli"
    )
    assert later.replied


def test_one_conversation_gets_at_most_three_automatic_replies_an_hour(
    channel: EmailChannel, db: Database
) -> None:
    first = channel.handle(mail(), source="cli")
    ours = str(parsed(reply_to(db, first.outbound_id))["Message-ID"]).strip()
    outcomes = [
        channel.handle(
            mail(
                f"Aanvulling {n}",
                message_id=f"<a{n}@klant.example>",
                headers=(f"In-Reply-To: {ours}", f"Reply-To: collega{n}@klant.example"),
            ),
            source="cli",
        )
        for n in range(3)
    ]
    assert [o.conversation_id for o in outcomes] == [first.conversation_id] * 3
    assert [o.replied for o in outcomes] == [True, True, False]
    assert outcomes[2].reason == "rate_limited"


def test_a_message_that_is_only_quoted_text_gets_no_engine_turn_but_a_request_to_write_above(
    channel: EmailChannel, db: Database
) -> None:
    quoted = mail("> Hoe installeer ik de plugin?\n> Groet, Anna", subject="Re: vraag")
    outcome = channel.handle(quoted, source="cli")
    assert (outcome.outcome, outcome.reason) == ("replied", "all_quoted")
    with db.session() as session:
        messages = repo.messages(session, outcome.conversation_id or 0)
        assert [m.role for m in messages] == ["customer"]
        assert messages[0].payload["email"]["suppressed"] == "all_quoted"
    assert events(db, "email_all_quoted")


def test_a_customer_writing_while_staff_own_the_conversation_reopens_the_ticket(
    channel: EmailChannel, db: Database, engine: Engine
) -> None:
    first = channel.handle(mail(), source="cli")
    number = _with_ticket(db, first.conversation_id or 0)
    with db.session() as session:
        conversation = session.get(Conversation, first.conversation_id)
        assert conversation is not None and conversation.ticket is not None
        from bot.core.dialogue.state import ConversationState

        state = engine.staff_claimed(ConversationState.from_dict(conversation.state))
        conversation.state, conversation.status = state.to_dict(), state.status
        conversation.ticket.status = "resolved"
    outcome = channel.handle(
        mail(
            "Het werkt nog steeds niet.", subject=f"Re: [{number}]", message_id="<w1@klant.example>"
        ),
        source="cli",
    )
    assert outcome.conversation_id == first.conversation_id
    with db.session() as session:
        ticket = repo.ticket_for(session, first.conversation_id or 0)
        assert ticket is not None and ticket.status == "open"
    assert events(db, "email_customer_replied")


def test_a_message_stored_before_a_crash_is_processed_once_on_restart(
    channel: EmailChannel, db: Database, conversations: Conversations, clock: Clock
) -> None:
    stored = channel.receive(mail(), source="smtp", envelope_sender="anna@klant.example")
    # the process dies here: the 250 was sent, processing never ran
    restarted = EmailChannel(db, conversations, settings(), clock=clock)
    (outcome,) = restarted.process_due()
    assert outcome.replied and outcome.inbound_id == stored.id
    assert restarted.process_due() == []
    assert restarted.process(stored.id).outbound_id == outcome.outbound_id  # reported, not redone
    assert len(outbox(db)) == 1


def test_a_processor_that_died_holding_the_message_leaves_it_to_the_next(
    channel: EmailChannel, db: Database, clock: Clock
) -> None:
    from bot.channels.email import inbox

    stored = channel.receive(mail(), source="smtp")
    assert inbox.claim(db, stored.id, clock())  # ...and then the process is killed
    assert channel.process_due() == []
    clock.advance(seconds=inbox.LEASE.total_seconds() + 1)
    (outcome,) = channel.process_due()
    assert outcome.replied
    assert len(outbox(db)) == 1


def test_a_second_copy_with_the_same_message_id_is_not_answered_again(
    channel: EmailChannel, db: Database
) -> None:
    first = channel.handle(mail(), source="smtp")
    copy = mail().replace(b"Subject:", b"X-Scanned: yes\r\nSubject:")
    second = channel.handle(copy, source="imap")
    assert first.replied and second.outcome == "duplicate"
    assert len(outbox(db)) == 1 and len(inbound_rows(db)) == 2


def test_print_mode_keeps_the_reply_out_of_the_send_queue(
    db: Database, conversations: Conversations, clock: Clock
) -> None:
    printing = EmailChannel(db, conversations, settings(), clock=clock, print_only=True)
    outcome = printing.handle(mail(), source="cli")
    assert outcome.replied
    assert [r.status for r in outbox(db)] == ["printed"]


def test_the_reply_speaks_the_customers_language(channel: EmailChannel, db: Database) -> None:
    dutch = channel.handle(mail("Hoe installeer ik de plugin op mijn website?"), source="cli")
    english = channel.handle(
        mail(
            "How do I install the plugin on my website?",
            sender="bob@customer.example",
            subject="Installing",
            message_id="<en1@customer.example>",
        ),
        source="cli",
    )
    for outcome, language, disclosure, marker in (
        (dutch, "nl", "Dit is een automatisch antwoord", "Typ uw antwoord boven deze regel"),
        (english, "en", "This is an automated reply", "Please type your reply above this line"),
    ):
        reply = parsed(reply_to(db, outcome.outbound_id))
        body = reply.get_body(("plain",))
        assert body is not None
        assert reply["Content-Language"] == language
        assert disclosure in body.get_content() and marker in body.get_content()


@pytest.mark.parametrize(
    ("body", "subject", "first", "expected"),
    [
        (
            "Wat moet ik doen?",
            "Witte pagina na update",
            True,
            "Witte pagina na update\n\nWat moet ik doen?",
        ),
        (
            "Wat moet ik doen?",
            "Re: AW: Witte pagina na update",
            True,
            "Witte pagina na update\n\nWat moet ik doen?",
        ),
        ("Wat moet ik doen?", "Witte pagina na update", False, "Wat moet ik doen?"),
        (
            "Witte pagina na update. Wat nu?",
            "witte  pagina na UPDATE",
            True,
            "Witte pagina na update. Wat nu?",
        ),
        ("Wat moet ik doen?", "Vraag", True, "Wat moet ik doen?"),
        ("Wat moet ik doen?", "", True, "Wat moet ik doen?"),
    ],
    ids=[
        "first-mail",
        "reply-prefixes-dropped",
        "follow-up",
        "already-in-body",
        "one-word",
        "none",
    ],
)
def test_the_subject_of_a_first_mail_is_read_with_its_body(
    body: str, subject: str, first: bool, expected: str
) -> None:
    assert engine_text(body, subject, first=first) == expected


@pytest.mark.parametrize("style", ["gmail", "outlook"])
def test_only_the_new_text_of_a_reply_quoting_our_mail_reaches_the_engine(
    channel: EmailChannel, db: Database, style: str
) -> None:
    first = channel.handle(mail(), source="cli")
    ours = parsed(reply_to(db, first.outbound_id))
    body = ours.get_body(("plain",))
    assert body is not None
    quoted = body.get_content()
    if style == "gmail":
        history = "Op do 26 nov. 2026 om 09:00 schreef New Media Entertainment Support <"
        history += f"{HELPDESK}>:\n\n" + "\n".join("> " + line for line in quoted.splitlines())
    else:
        history = (
            "________________________________\nVan: New Media Entertainment Support <"
            f"{HELPDESK}>\nVerzonden: donderdag 26 november 2026 09:00\nAan: Anna de Vries\n"
            f"Onderwerp: {ours['Subject']}\n\n{quoted}"
        )
    answer = mail(
        f"Het gaat om versie 2.1 van de plugin.\n\nGroet, Anna\n\n{history}",
        subject=str(ours["Subject"]), message_id="<m2@klant.example>",
        headers=(f"In-Reply-To: {str(ours['Message-ID']).strip()}",),
    )  # fmt: skip
    outcome = channel.handle(answer, source="cli")
    assert outcome.conversation_id == first.conversation_id
    with db.session() as session:
        last = [
            m for m in repo.messages(session, first.conversation_id or 0) if m.role == "customer"
        ]
    assert last[-1].text == "Het gaat om versie 2.1 van de plugin."


# Statements (BEGIN IMMEDIATE included on SQLite) to claim a first mail from a new customer
# and answer it from the FAQ (the answer and its event recorded): a round trip each on
# PostgreSQL, where the answering costs what its statements cost. There the turn's rows are
# one statement (``bot.storage.turn_rows``), and so are the reply's outbox row and the mail's
# outcome (``inbox.write_processed``).
STATEMENTS_TO_ANSWER = {"sqlite": 15, "postgresql": 9}
BODY = "Ik kan mijn licentie niet activeren op mijn nieuwe site."


def test_answering_a_first_mail_costs_a_known_number_of_statements(
    channel: EmailChannel, db: Database
) -> None:
    from sqlalchemy import event

    channel.handle(mail(message_id="<warm@klant.example>"), source="smtp")  # caches filled
    stored = channel.receive(mail(BODY, sender="bob@klant.example"), source="smtp")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        outcome = channel.process(stored.id)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert outcome.replied and any("INSERT INTO faq_answers" in s for s in statements)
    assert len(statements) <= STATEMENTS_TO_ANSWER[db.engine.dialect.name], statements
