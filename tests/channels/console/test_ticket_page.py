"""The ticket page: what the bot collected (flagged against the product), the transcript, earlier
tickets, notes, canned replies, the reply form's promises, a refused stale reply, and every
customer-controlled field rendered as text."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from bot.storage.models import AuditEntry, Conversation, Customer, EventRecord, SavedReply, Ticket
from tests.channels.console.conftest import (
    Console,
    make_staff,
    open_ticket,
    rt_of,
    widget_ticket_without_email,
)

BUG = (
    "de plugin werkt niet meer",
    "AppointPress",
    "versie 3.4.2",
    "Bij het opslaan zie ik een wit scherm. WordPress 5.1, PHP 7.0",
)


def facts_block(html: str) -> str:
    found = re.search(r'<section class="card facts">(.*?)</section>', html, re.S)
    assert found
    return found.group(1)


def set_details(app: Flask, number: str, **slots: object) -> None:
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.details = {**ticket.details, **slots}


def bug_ticket(app: Flask) -> str:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="nl", email="jan@klant.example")
    turns = [rt.conversations.post(started.public_id, started.token, text) for text in BUG]
    ticket = turns[-1].ticket
    assert ticket is not None
    return str(ticket.number)


def test_the_page_shows_what_the_bot_collected_with_problems_flagged(
    app: Flask, console: Console
) -> None:
    number = bug_ticket(app)
    facts = facts_block(console.get(f"/staff/tickets/{number}").text)
    assert "AppointPress" in facts and "3.4.2" in facts
    assert "lager dan de vereiste 6.2" in facts  # WordPress 5.1 < requires 6.2
    assert "lager dan de vereiste 7.4" in facts  # PHP 7.0 < requires 7.4
    assert "verouderd" not in facts  # 3.4.2 is the latest
    set_details(app, number, version="3.1.0", third_party=["WooCommerce", "Yoast SEO"])
    with rt_of(app).db.session() as session:  # the conversation's later slots win; clear them
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        conversation = session.get(Conversation, ticket.conversation_id)
        assert conversation is not None
        slots = dict(conversation.state["slots"])
        slots.pop("version")
        conversation.state = {**conversation.state, "slots": slots}
    facts = facts_block(console.get(f"/staff/tickets/{number}").text)
    assert "verouderd: de nieuwste is 3.4.2" in facts
    assert "WooCommerce, Yoast SEO" in facts


def test_the_transcript_marks_who_said_what(app: Flask, console: Console) -> None:
    number = bug_ticket(app)
    console.post(f"/staff/tickets/{number}/notes", {"text": "Interne notitie"})
    html = console.get(f"/staff/tickets/{number}").text
    roles = re.findall(r'<li class="line role-(\w+)"', html)
    assert roles[:3] == ["bot", "customer", "bot"] and roles.count("customer") == len(BUG)
    assert '<span class="role">Klant</span>' in html and '<span class="role">Bot</span>' in html
    assert "Interne notitie" in html


def test_earlier_tickets_of_the_same_customer_are_listed(app: Flask, console: Console) -> None:
    first, *_ = open_ticket(app, email="jan@klant.example")
    second, *_ = open_ticket(app, email="JAN@klant.example")
    other, *_ = open_ticket(app, email="els@klant.example")
    html = console.get(f"/staff/tickets/{second}").text
    earlier = re.search(r'<ul class="earlier">(.*?)</ul>', html, re.S)
    assert earlier and first in earlier.group(1) and other not in earlier.group(1)


@pytest.mark.parametrize(
    ("setup", "promise"),
    [
        ("email", "het antwoord gaat per e-mail naar jan@klant.example"),
        ("online", "De klant heeft de chat open"),
        ("nothing", "heeft geen e-mailadres achtergelaten"),
    ],
)
def test_the_reply_form_says_where_the_reply_will_go(
    app: Flask, console: Console, setup: str, promise: str
) -> None:
    if setup == "nothing":
        number = widget_ticket_without_email(app)
    else:
        number, conversation_id, *_ = open_ticket(app)
        if setup == "online":
            rt_of(app).presence.connect(conversation_id)
    assert promise in console.get(f"/staff/tickets/{number}").text


def test_viewing_a_ticket_is_audited(app: Flask, console: Console, agent: int) -> None:
    number, *_ = open_ticket(app)
    console.get(f"/staff/tickets/{number}")
    with rt_of(app).db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "viewed_ticket")
        ).one()
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        assert (entry.staff_id, entry.ticket_id) == (agent, ticket.id)


def test_an_unknown_ticket_is_404(console: Console) -> None:
    assert console.get("/staff/tickets/NME-424242").status_code == 404
    assert console.post("/staff/tickets/NME-424242/claim").status_code == 404


def test_a_stale_reply_is_refused_with_a_clear_message_and_the_draft_kept(
    app: Flask, console: Console
) -> None:
    make_staff(app, "kees@nme.example", "Kees")
    number, *_ = open_ticket(app)
    page = console.get(f"/staff/tickets/{number}").text
    seen_seq = re.search(r'name="seen_seq" id="seen-seq" value="(\d+)"', page)
    assert seen_seq
    colleague = Console(app.test_client())
    colleague.login("kees@nme.example")
    assert (
        colleague.post(f"/staff/tickets/{number}/claim", {"seen_assignee": ""}).status_code == 303
    )
    refused = console.post(
        f"/staff/tickets/{number}/reply",
        {
            "text": "Mijn concept <b>antwoord</b>",
            "seen_seq": seen_seq.group(1),
            "seen_assignee": "",
        },
    )
    assert refused.status_code == 409
    assert "Kees heeft dit ticket opgepakt nadat je het opende" in refused.text
    assert "Mijn concept &lt;b&gt;antwoord&lt;/b&gt;</textarea>" in refused.text
    as_json = console.post(
        f"/staff/tickets/{number}/reply",
        {"text": "x", "seen_seq": seen_seq.group(1), "seen_assignee": ""},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 409 and as_json.json["error"] == "stale_edit"


def test_reply_through_the_console_reports_how_it_went(app: Flask, console: Console) -> None:
    number, conversation_id, *_ = open_ticket(app)
    page = console.get(f"/staff/tickets/{number}").text
    seen_seq = re.search(r'name="seen_seq" id="seen-seq" value="(\d+)"', page)
    assert seen_seq
    response = console.post(
        f"/staff/tickets/{number}/reply",
        {"text": "Hallo Jan", "seen_seq": seen_seq.group(1), "seen_assignee": "", "then": "open"},
    )
    # this app has no outgoing relay: the mail waits, and nobody is told it was sent
    assert response.location == f"/staff/tickets/{number}?notice=sent_email_not_configured"
    after = console.get(response.location).text
    assert "Per e-mail verstuurd." not in after
    assert "Opgeslagen, maar nog niet gemaild: uitgaande mail is niet ingesteld" in after
    assert "1 mail wacht in de outbox" in after  # the warning at the top, while mail waits
    assert '<span class="role">Medewerker</span>' in after and "Piet" in after
    fragment = console.get(f"/staff/tickets/{number}/messages?after={seen_seq.group(1)}").text
    assert fragment.count('<li class="line') == 1 and "Hallo Jan" in fragment


def test_canned_replies_offer_saved_replies_and_faq_answers_in_the_tickets_language(
    app: Flask, console: Console
) -> None:
    with rt_of(app).db.session() as session:
        session.add(SavedReply(language="en", title="Thanks for waiting", body="Thank you..."))
        session.add(SavedReply(language="nl", title="Bedankt voor je geduld", body="Dank..."))
    number, *_ = open_ticket(app, "I want to talk to a person", language="en")
    everything = console.get(f"/staff/tickets/{number}/canned").json
    assert everything["language"] == "en"
    titles = [item["title"] for item in everything["results"]]
    assert titles[0] == "Thanks for waiting" and "Bedankt voor je geduld" not in titles
    kinds = {item["kind"] for item in everything["results"]}
    assert kinds == {"saved", "faq"}
    found = console.get(f"/staff/tickets/{number}/canned?q=google calendar").json["results"]
    assert found and all("google" in (r["title"] + r["body"]).lower() for r in found)


# -- customer-controlled text is text --------------------------------------------------------
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload=window.__xss=3>',
    "{{ 7*7 }}{% raw %}",
]


def hostile_ticket(app: Flask, payload: str) -> str:
    """A ticket with ``payload`` in every field a customer controls."""
    number, conversation_id, *_ = open_ticket(app, f"ik wil een medewerker spreken {payload}")
    rt = rt_of(app)
    rt.conversations.post_trusted(conversation_id, f"nog een bericht {payload}")
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None and conversation.customer is not None
        customer: Customer = conversation.customer
        customer.name = f"Jan {payload}"
        conversation.subject = f"Onderwerp {payload}"
        ticket.summary = f"Samenvatting {payload}"[:300]
        ticket.details = {
            "product": payload, "version": payload, "wp_version": payload,
            "php_version": payload, "error_text": payload, "third_party": [payload, payload],
            "theme": payload, "details": payload, "name": payload,
        }  # fmt: skip
        conversation.state = {**conversation.state, "slots": {}}
        session.add(
            EventRecord(
                conversation_id=conversation_id,
                kind="faq_missed",
                data={"query": f"vraag {payload}", "language": "nl"},
            )
        )
    with rt.db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        rt.conversations.store_unanswered(
            session, conversation, f"mail {payload}",
            payload={"email": {"subject": f"Re: {payload}", "from": payload,
                               "suppressed": payload,
                               "attachments": [{"filename": payload, "size": 10}]}},
        )  # fmt: skip
    return number


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_and_script_from_customers_is_shown_as_text_everywhere(
    app: Flask, console: Console, admin: int, payload: str
) -> None:
    number = hostile_ticket(app, payload)
    boss = Console(app.test_client())
    boss.login("anna@nme.example")
    Console(app.test_client()).login(payload + "@x.example", "wrong password!")
    pages = {
        "queue": console.get("/staff/?status=any").text,
        "search": console.get("/staff/?status=any&q=Samenvatting").text,
        "rows": console.get("/staff/queue/rows?status=any").text,
        "ticket": console.get(f"/staff/tickets/{number}").text,
        "lines": console.get(f"/staff/tickets/{number}/messages?after=0").text,
        "dashboard": console.get("/staff/dashboard/").text,
        "audit": boss.get("/staff/admin/audit").text,
    }
    for name, html in pages.items():
        if "<" in payload:
            assert payload not in html, f"{name} shows the payload as markup"
        else:  # template syntax stays literal text: nothing evaluates it
            assert "Samenvatting 49" not in html and "Jan 49" not in html, name
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all('src="/staff/static/console.js"' in tag for tag in scripts), name
        assert not re.search(r"<[^>]+\son(error|load)=", html), name
    marker = "window.__xss" if "<" in payload else "{{ 7*7 }}"
    assert pages["ticket"].count(marker) >= 10  # it is all there, as text
