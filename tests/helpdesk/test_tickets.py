"""Ticket use cases (bot.helpdesk.tickets) on SQLite and PostgreSQL: claim, reply through the
customer's channel, statuses, stale edits, hand back, and reopening when the customer writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import build_runtime
from bot.channels.email.service import email_channel
from bot.channels.runtime import Runtime
from bot.helpdesk.bus import STAFF_TOPIC, conversation_topic
from bot.helpdesk.errors import InvalidInput, NotFound
from bot.helpdesk.notices import NewMessages, Notice, QueueChange, TicketUpdate
from bot.helpdesk.posted_turn import PostedTurn
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.helpdesk.tickets import Actor, StaleEdit, TicketDesk
from bot.mail.mail_outcome import Outcome
from bot.storage.models import (
    AuditEntry,
    Conversation,
    EventRecord,
    Message,
    OutboundEmail,
    Ticket,
    TicketNote,
)
from tests.channels.email.conftest import mail, parsed
from tests.conftest import make_config

FAST = ScryptCost(2**10, 8, 1)


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    built = build_runtime(make_config(tmp_path, database_url))
    yield built
    built.db.dispose()


@pytest.fixture
def desk(rt: Runtime) -> TicketDesk:
    return rt.desk


def staff(rt: Runtime, name: str, *, active: bool = True) -> Actor:
    with rt.db.session() as session:
        user = add_staff(session, f"{name.lower()}@nme.example", name, "long enough pw", cost=FAST)
        user.active = active
        return Actor(user.id, name, "192.0.2.1")


@pytest.fixture
def piet(rt: Runtime) -> Actor:
    return staff(rt, "Piet")


@pytest.fixture
def kees(rt: Runtime) -> Actor:
    return staff(rt, "Kees")


class Widget:
    """A customer in the chat widget, with a ticket already open."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        started = rt.conversations.start(channel="widget", language="nl", email="jan@klant.example")
        self.public_id, self.token, self.id = (
            started.public_id,
            started.token,
            started.conversation_id,
        )
        turn = self.say("ik wil een medewerker spreken")
        self.number: str = turn.ticket.number

    def say(self, text: str) -> PostedTurn:
        return self.rt.conversations.post(self.public_id, self.token, text)


def ticket(rt: Runtime, number: str) -> Ticket:
    with rt.db.session() as session:
        row = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(row)
        return row


def conversation(rt: Runtime, conversation_id: int) -> Conversation:
    with rt.db.session() as session:
        row = session.get(Conversation, conversation_id)
        assert row is not None
        session.expunge(row)
        return row


def rows(rt: Runtime, model: Any, **where: Any) -> list[Any]:
    with rt.db.session() as session:
        query = select(model).filter_by(**where).order_by(model.id)
        found = list(session.scalars(query))
        for row in found:
            session.expunge(row)
        return found


def seen(rt: Runtime, number: str) -> dict[str, Any]:
    """What the ticket page carries in its reply form."""
    row = ticket(rt, number)
    return {
        "seen_seq": conversation(rt, row.conversation_id).message_count,
        "seen_assignee": row.assignee_id,
    }


def listen(rt: Runtime, topic: str) -> list[Notice]:
    heard: list[Notice] = []
    rt.bus.subscribe(topic, heard.append)
    return heard


# -- claim ---------------------------------------------------------------------------------
def test_claiming_silences_the_bot_at_once(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    desk.hand_back(customer.number, piet)
    assert customer.say("hoe koppel ik google agenda aan appointpress").route != "handoff"
    desk.claim(customer.number, piet, seen_assignee=None)
    assert conversation(rt, customer.id).status == "waiting_for_staff"
    assert ticket(rt, customer.number).assignee_id == piet.id
    first = customer.say("hoe stel ik herinneringen in?")
    second = customer.say("en de e-mailsjablonen?")
    assert first.route == "handoff" and len(first.messages) == 1  # acknowledged once
    assert second.route == "handoff" and second.messages == ()  # then quiet


def test_a_claim_is_refused_when_someone_else_claimed_since_loading(
    rt: Runtime, desk: TicketDesk, piet: Actor, kees: Actor
) -> None:
    customer = Widget(rt)
    desk.claim(customer.number, kees, seen_assignee=None)
    with pytest.raises(StaleEdit) as refused:
        desk.claim(customer.number, piet, seen_assignee=None)
    assert refused.value.by == "Kees" and refused.value.status == 409
    assert ticket(rt, customer.number).assignee_id == kees.id
    desk.claim(customer.number, piet, seen_assignee=kees.id)  # taken over knowingly
    assert ticket(rt, customer.number).assignee_id == piet.id


def test_assigning_needs_an_active_colleague(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    gone = staff(rt, "Oud", active=False)
    with pytest.raises(InvalidInput):
        desk.assign(customer.number, piet, gone.id)
    desk.assign(customer.number, piet, piet.id)
    desk.assign(customer.number, piet, None)
    assert ticket(rt, customer.number).assignee_id is None


def test_an_unknown_ticket_is_not_found(desk: TicketDesk, piet: Actor) -> None:
    with pytest.raises(NotFound):
        desk.claim("NME-999999", piet, seen_assignee=None)


# -- reply -----------------------------------------------------------------------------------
def test_a_reply_goes_live_when_the_customer_has_the_chat_open(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    customer = Widget(rt)
    heard = listen(rt, conversation_topic(customer.id))
    lease = rt.presence.connect(customer.id)
    try:
        delivery = desk.reply(customer.number, piet, "Hallo Jan!", **seen(rt, customer.number))
    finally:
        lease.release()
    assert delivery.via == "live"
    assert rows(rt, OutboundEmail) == []
    stored = rows(rt, Message, conversation_id=customer.id, role="staff")
    assert [(m.text, m.staff_id, m.seq) for m in stored] == [("Hallo Jan!", piet.id, delivery.seq)]
    assert NewMessages(delivery.seq) in heard
    assert TicketUpdate(customer.number, "waiting", by="staff", staff_id=piet.id) in heard


def test_a_reply_goes_by_email_when_the_customer_is_not_in_the_chat(
    rt: Runtime, piet: Actor
) -> None:
    customer = Widget(rt)
    desk = TicketDesk(
        rt.db, rt.bus, rt.presence, response_hours=rt.kb.policy.response_hours,
        mailer=rt.desk.mailer, mail_enabled=True,
    )  # fmt: skip
    delivery = desk.reply(customer.number, piet, "Probeer 3.4.2", **seen(rt, customer.number))
    assert (delivery.via, delivery.problem) == ("email", "")
    [outbound] = rows(rt, OutboundEmail)
    message = parsed(outbound.raw)
    assert (outbound.kind, outbound.recipient) == ("staff", "jan@klant.example")
    assert message["Auto-Submitted"] is None  # a person wrote this
    assert customer.number in message["Subject"]
    body = message.get_body(("plain",))
    assert body is not None and "Probeer 3.4.2" in body.get_content()


def test_without_outgoing_mail_a_reply_is_queued_but_not_called_sent(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    """Issue 12, widget #6: with no relay configured the mail waits in the outbox; the console
    must not say "Sent by email"."""
    assert rt.config.smtp_url == ""
    customer = Widget(rt)
    delivery = desk.reply(customer.number, piet, "Probeer 3.4.2", **seen(rt, customer.number))
    assert (delivery.via, delivery.problem) == ("email", "not_configured")
    [outbound] = rows(rt, OutboundEmail)
    assert outbound.status == "pending"  # it goes out once mail is set up


def test_a_reply_without_any_address_is_stored_for_the_chat(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    customer = Widget(rt)
    with rt.db.session() as session:  # as if the address had never been given
        row = session.get(Conversation, customer.id)
        assert row is not None
        row.customer_id = None
        row.state = {**row.state, "slots": {**row.state["slots"], "email": None}}
    delivery = desk.reply(customer.number, piet, "Hallo", **seen(rt, customer.number))
    assert (delivery.via, delivery.problem) == ("stored", "no_email")
    assert rows(rt, OutboundEmail) == []
    assert rt.conversations.messages_after(customer.id, delivery.seq - 1)[0]["text"] == "Hallo"


def test_an_email_ticket_is_answered_by_email_even_with_a_widget_open(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    to_us = rt.kb.policy.helpdesk_email  # mail that does not name the helpdesk is not answered
    outcome = email_channel(rt).handle(
        mail("Ik wil graag een medewerker spreken.", to=to_us), source="smtp"
    )
    conversation_id = outcome.conversation_id
    assert conversation_id is not None
    number = rows(rt, Ticket, conversation_id=conversation_id)[0].number
    lease = rt.presence.connect(conversation_id)
    try:
        delivery = desk.reply(number, piet, "Beste Anna, ...", **seen(rt, number))
    finally:
        lease.release()
    assert delivery.via == "email"
    staff_mail = [row for row in rows(rt, OutboundEmail) if row.kind == "staff"]
    assert [row.recipient for row in staff_mail] == ["anna@klant.example"]
    assert parsed(staff_mail[0].raw)["In-Reply-To"].strip() == "<m1@klant.example>"


def test_the_first_reply_sets_the_first_response_time_and_waits_for_the_customer(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    customer = Widget(rt)
    desk.reply(customer.number, piet, "Eerste antwoord", **seen(rt, customer.number))
    first = ticket(rt, customer.number)
    assert first.status == "waiting" and first.first_response_at is not None
    assert first.assignee_id == piet.id  # answering an unclaimed ticket takes it
    desk.reply(customer.number, piet, "Opgelost!", **seen(rt, customer.number), status="resolved")
    second = ticket(rt, customer.number)
    assert second.first_response_at == first.first_response_at
    assert second.status == "resolved" and second.resolved_at is not None


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 20_001, "nul\x00byte"])
def test_an_empty_or_oversized_reply_is_refused(
    rt: Runtime, desk: TicketDesk, piet: Actor, text: str
) -> None:
    customer = Widget(rt)
    with pytest.raises(InvalidInput):
        desk.reply(customer.number, piet, text, **seen(rt, customer.number))
    assert rows(rt, Message, conversation_id=customer.id, role="staff") == []


def test_a_reply_to_a_ticket_someone_else_claimed_since_loading_is_refused(
    rt: Runtime, desk: TicketDesk, piet: Actor, kees: Actor
) -> None:
    customer = Widget(rt)
    loaded = seen(rt, customer.number)
    desk.claim(customer.number, kees, seen_assignee=None)
    with pytest.raises(StaleEdit) as refused:
        desk.reply(customer.number, piet, "Ik help je!", **loaded)
    assert refused.value.by == "Kees"
    assert rows(rt, Message, conversation_id=customer.id, role="staff") == []
    assert rows(rt, OutboundEmail) == []
    # having seen Kees's claim, Piet may still add something: knowingly
    desk.reply(customer.number, piet, "Aanvulling", **seen(rt, customer.number))


def test_a_reply_after_a_colleagues_unread_reply_is_refused(
    rt: Runtime, desk: TicketDesk, piet: Actor, kees: Actor
) -> None:
    customer = Widget(rt)
    loaded = seen(rt, customer.number)
    desk.reply(customer.number, kees, "Antwoord van Kees", **loaded)
    with pytest.raises(StaleEdit) as refused:
        desk.reply(customer.number, piet, "Antwoord van Piet", **loaded)
    assert refused.value.reason == "answered" and refused.value.by == "Kees"
    customer.say("dank je, nog een vraag")  # a customer message does not block a reply
    desk.reply(customer.number, kees, "Graag gedaan", **loaded)  # your own earlier reply neither


# -- statuses, notes, hand back ---------------------------------------------------------------
def test_statuses_and_reopening_by_staff(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    desk.set_status(customer.number, piet, "resolved")
    resolved = ticket(rt, customer.number)
    assert resolved.resolved_at is not None
    desk.set_status(customer.number, piet, "open")
    reopened = ticket(rt, customer.number)
    assert reopened.status == "open" and reopened.resolved_at is None
    assert reopened.due_at > resolved.due_at  # a fresh promise to answer
    with pytest.raises(InvalidInput):
        desk.set_status(customer.number, piet, "closed")


@pytest.mark.parametrize("before", ["waiting", "resolved"])
def test_the_customer_writing_again_reopens_the_ticket(
    rt: Runtime, desk: TicketDesk, piet: Actor, before: str
) -> None:
    customer = Widget(rt)
    desk.reply(customer.number, piet, "Kijk eens hier", **seen(rt, customer.number), status=before)
    earlier_due = ticket(rt, customer.number).due_at
    heard = listen(rt, STAFF_TOPIC)
    turn = customer.say("Dat werkt nog steeds niet")
    assert turn.route == "handoff"  # the bot stays quiet: this is for staff
    after = ticket(rt, customer.number)
    assert after.status == "open" and after.resolved_at is None
    assert after.due_at > earlier_due
    kinds = [event.kind for event in rows(rt, EventRecord, conversation_id=customer.id)]
    assert "ticket_reopened" in kinds
    assert QueueChange("conversation", customer.id) in heard


class Mailer:
    """A customer writing to the helpdesk by email, with a ticket already open."""

    def __init__(self, rt: Runtime) -> None:
        self.rt, self.channel = rt, email_channel(rt)
        self.to_us = rt.kb.policy.helpdesk_email  # mail not naming the helpdesk is not answered
        asked = mail("Ik wil graag een medewerker spreken.", to=self.to_us)
        self.conversation_id = self.channel.handle(asked, source="smtp").conversation_id
        self.number = rows(rt, Ticket, conversation_id=self.conversation_id)[0].number

    def answer_staff(self, text: str) -> Outcome:
        """A reply to the staff member's mail."""
        ours = [row for row in rows(self.rt, OutboundEmail) if row.kind == "staff"][0].message_id
        headers = (f"In-Reply-To: {ours}",)
        reply = mail(text, message_id="<m2@klant.example>", headers=headers, to=self.to_us)
        return self.channel.handle(reply, source="smtp")


def test_an_email_reply_reopens_a_waiting_ticket(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    customer = Mailer(rt)
    number = customer.number
    desk.reply(number, piet, "Welke versie gebruik je?", **seen(rt, number))
    assert ticket(rt, number).status == "waiting"
    customer.answer_staff("Versie 3.4.2")
    assert ticket(rt, number).status == "open"


def test_an_email_reply_that_only_quotes_reopens_the_ticket_due_afresh(
    rt: Runtime, desk: TicketDesk, piet: Actor
) -> None:
    customer = Mailer(rt)
    number = customer.number
    desk.reply(number, piet, "Is het nu opgelost?", **seen(rt, number), status="resolved")
    earlier_due = ticket(rt, number).due_at
    heard = listen(rt, STAFF_TOPIC)
    outcome = customer.answer_staff("> Is het nu opgelost?")
    assert (outcome.outcome, outcome.reason) == ("quiet", "all_quoted")
    after = ticket(rt, number)
    assert after.status == "open" and after.resolved_at is None
    assert after.due_at > earlier_due  # the same fresh promise as a chat message gets
    kinds = [
        event.kind for event in rows(rt, EventRecord, conversation_id=customer.conversation_id)
    ]
    assert "ticket_reopened" in kinds and "email_customer_replied" in kinds
    assert QueueChange("ticket_changed", customer.conversation_id, number) in heard


def test_notes_are_kept_for_staff_only(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    desk.add_note(customer.number, piet, "Klant belt vaak; geduld.")
    assert [note.text for note in rows(rt, TicketNote)] == ["Klant belt vaak; geduld."]
    transcript = rt.conversations.transcript(customer.public_id, customer.token)
    assert "geduld" not in str(transcript)
    with pytest.raises(InvalidInput):
        desk.add_note(customer.number, piet, "  ")


def test_handing_back_lets_the_bot_answer_again(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    desk.claim(customer.number, piet, seen_assignee=None)
    desk.hand_back(customer.number, piet)
    assert conversation(rt, customer.id).status == "bot"
    assert ticket(rt, customer.number).status == "resolved"
    turn = customer.say("hoe koppel ik google agenda aan appointpress")
    assert turn.route == "faq" and turn.messages
    again = customer.say("ik wil een medewerker spreken")
    assert again.ticket.number == customer.number  # the same ticket, reopened
    assert ticket(rt, customer.number).status == "open"


def test_every_action_is_in_the_audit_log(rt: Runtime, desk: TicketDesk, piet: Actor) -> None:
    customer = Widget(rt)
    desk.claim(customer.number, piet, seen_assignee=None)
    desk.assign(customer.number, piet, piet.id)
    desk.add_note(customer.number, piet, "notitie")
    desk.reply(customer.number, piet, "antwoord", **seen(rt, customer.number))
    desk.set_status(customer.number, piet, "resolved")
    desk.hand_back(customer.number, piet)
    entries = rows(rt, AuditEntry)
    assert [e.action for e in entries] == [
        "claimed", "assigned", "note", "replied", "status", "handed_back",
    ]  # fmt: skip
    assert {(e.staff_id, e.ip) for e in entries} == {(piet.id, "192.0.2.1")}
    assert entries[3].detail["via"] == "email"
    assert entries[4].detail == {"before": "waiting", "after": "resolved"}


def test_due_times_follow_the_policy(rt: Runtime) -> None:
    customer = Widget(rt)
    row = ticket(rt, customer.number)
    hours = rt.kb.policy.response_hours
    assert row.due_at - row.opened_at == pytest.approx(
        timedelta(hours=hours), abs=timedelta(seconds=5)
    )
    assert row.opened_at <= datetime.now(UTC)
