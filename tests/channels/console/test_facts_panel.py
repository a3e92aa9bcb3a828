"""The ticket page as staff read it (issue 12, console #1 and #3): bot messages rendered as the
customer saw them, and the facts panel with what was read, from where, for this problem."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from sqlalchemy import select

from bot.helpdesk.posted_turn import PostedTurn
from bot.storage.models import Message, Ticket
from tests.channels.console.conftest import Console, rt_of
from tests.core.dialogue.test_provenance import SITE_HEALTH, TRACE


def conversation(app: Flask, language: str, *texts: str) -> tuple[str, PostedTurn]:
    """A widget conversation through the real engine; (ticket number, last turn)."""
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language=language, email="jan@klant.nl")
    turns = [rt.conversations.post(started.public_id, started.token, text) for text in texts]
    turn = turns[-1]
    assert turn.ticket, turn.route
    return str(turn.ticket.number), turn


def seq_of(app: Flask, number: str, text: str) -> int:
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        return int(
            session.scalars(
                select(Message.seq).where(
                    Message.conversation_id == ticket.conversation_id, Message.text == text
                )
            ).one()
        )


def facts(page: str) -> dict[str, str]:
    """The panel as ``{label: what is shown}``, tags stripped and whitespace squeezed."""
    block = re.search(r'<section class="card facts">(.*?)</section>', page, re.S)
    assert block
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block.group(1), re.S)
    return {label: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
            for label, value in pairs}  # fmt: skip


def test_each_fact_says_which_message_it_came_from(app: Flask, console: Console) -> None:
    last = "Bij het opslaan zie ik een wit scherm. WordPress 6.5, PHP 8.1."
    number, _turn = conversation(
        app, "nl", "de plugin werkt niet meer", "AppointPress", "versie 3.4.2", last
    )
    page = console.get(f"/staff/tickets/{number}").text
    shown = facts(page)
    told = seq_of(app, number, last)
    assert shown["PHP"] == f"8.1 uit bericht {told}"  # "PHP 8.1." was read, and from where
    assert shown["WordPress"].startswith("6.5 ") and f"uit bericht {told}" in shown["WordPress"]
    product = seq_of(app, number, "AppointPress")
    assert shown["Product"] == f"AppointPress uit bericht {product}"
    assert f'href="#m{told}"' in page and f'id="m{told}"' in page  # one click to the message
    assert shown["E-mail"] == "jan@klant.nl gegeven bij het begin van het gesprek"
    # the subject is the problem, not the last answer
    title = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert title and "de plugin werkt niet meer" in title.group(1)


def test_a_site_health_paste_and_its_error_are_named_and_the_error_is_the_error(
    app: Flask, console: Console
) -> None:
    paste = (
        f"Reminders are sent twice and now this error appears:\n{TRACE}\n"
        f"My site info:\n{SITE_HEALTH}"
    )
    number, _turn = conversation(app, "en", paste, "Updated, still a problem")
    page = console.get(f"/staff/tickets/{number}").text
    shown = facts(page)
    told = seq_of(app, number, paste)
    assert shown["WordPress"] == f"6.8 uit de geplakte Site Health-info (bericht {told})"
    assert shown["PHP"] == f"8.2.28 uit de geplakte Site Health-info (bericht {told})"
    error = shown["Foutmelding"]
    assert error.startswith("PHP Fatal error: Uncaught TypeError: count()")
    assert "class-reminders.php:212" in error
    assert "Reminders are sent twice" not in error and "My site info" not in error
    assert error.endswith(f"uit de geplakte foutmelding (bericht {told})")
    updated = seq_of(app, number, "Updated, still a problem")
    assert shown["Versie"] == f"3.4.2 uit bericht {updated}"


def test_a_mentioned_error_is_not_passed_off_as_the_error_text(
    app: Flask, console: Console
) -> None:
    number, _turn = conversation(app, "nl", "ik wil een medewerker spreken")
    with rt_of(app).db.session() as session:  # as an earlier brain stored a mere mention
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.details = {**ticket.details, "error_text": "Ik krijg een kritieke fout na de update",
                          "sources": {"error_text": "error:2"}}  # fmt: skip
    shown = facts(console.get(f"/staff/tickets/{number}").text)
    assert shown["Foutmelding"] == (
        "⚠ er werd een foutmelding genoemd, maar de tekst ervan niet gegeven "
        "uit de geplakte foutmelding (bericht 2)"
    )


def test_tickets_from_before_sources_were_kept_still_show_their_facts(
    app: Flask, console: Console
) -> None:
    number, _turn = conversation(app, "nl", "ik wil een medewerker spreken")
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.details = {"product": "polder", "php_version": "8.1", "sources": "garbage"}
        ticket.conversation.state = {**ticket.conversation.state, "slots": {"email": None}}
    shown = facts(console.get(f"/staff/tickets/{number}").text)
    assert shown["PHP"] == "8.1" and shown["Product"] == "Polder"


def test_bot_messages_are_rendered_as_the_customer_saw_them(app: Flask, console: Console) -> None:
    number, _turn = conversation(
        app, "nl", "AppointPress 3.1 stuurt elke herinnering twee keer",
        "Bijgewerkt, probleem is er nog", "WordPress 6.5, PHP 8.2",
        "Bij het opslaan zie ik een wit scherm",
    )  # fmt: skip
    page = console.get(f"/staff/tickets/{number}").text
    transcript = re.search(r'<ol class="transcript"[^>]*>(.*?)</ol>', page, re.S)
    assert transcript
    lines = transcript.group(1).split('<li class="line ')[1:]
    bot_lines = [line for line in lines if line.startswith("role-bot")]
    assert bot_lines
    rendered = "".join(bot_lines)
    assert "**" not in rendered  # no raw Markdown
    assert "<li><strong>3.4.2</strong>: Fix: reminder emails" in rendered  # a list, in bold
    assert '<div class="text rendered">' in rendered
    fragment = console.get(f"/staff/tickets/{number}/messages?after=0").text
    assert fragment.count('<div class="text rendered">') == len(bot_lines)  # live lines too


@pytest.mark.parametrize(
    "stored",
    [
        '<p>ok</p><script>window.__x=1</script><img src=x onerror="window.__x=2">',
        '<a href="javascript:window.__x=3">x</a><iframe src="https://evil.example"></iframe>',
    ],
)
def test_stored_bot_html_is_sanitised_again(app: Flask, console: Console, stored: str) -> None:
    number, _turn = conversation(app, "nl", "ik wil een medewerker spreken")
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        bot = session.scalars(
            select(Message).where(
                Message.conversation_id == ticket.conversation_id, Message.role == "bot"
            )
        ).first()
        assert bot is not None
        bot.html = stored
    page = console.get(f"/staff/tickets/{number}").text
    assert "<script>window" not in page and "onerror=" not in page
    assert "javascript:" not in page and "<iframe" not in page


def test_a_ticket_takes_the_language_and_product_of_the_turn_that_opened_it(
    app: Flask, console: Console
) -> None:
    """The conversation row is saved after the ticket is made: the ticket once took the
    previous turn's language (the widget's guess) and product."""
    number, turn = conversation(app, "nl", "I want to talk to a person about MailMagnet")
    assert turn.state.language == "en"
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        assert (ticket.language, ticket.product) == ("en", "mailmagnet")
    assert console.get(f"/staff/tickets/{number}/canned?q=").json["language"] == "en"


def test_a_billing_request_after_an_answered_question_is_its_own_ticket(
    app: Flask, console: Console
) -> None:
    number, turn = conversation(
        app, "en", "How do I connect Google Calendar to AppointPress?", "Yes thanks",
        "I was charged twice for my subscription, I want to talk to a person",
    )  # fmt: skip
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.product is None
        assert "charged twice" in ticket.summary
