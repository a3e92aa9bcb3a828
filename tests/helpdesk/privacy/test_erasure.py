"""Erasure (GDPR art. 17) on SQLite and PostgreSQL: afterwards the customer's address, name and
words are nowhere in the database, the dashboard's numbers are the same, the old token opens
nothing, a live socket is closed, and doing it again changes nothing."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from bot.channels.console.dashboard_data import Period, load_report
from bot.channels.console.metrics import Bucket
from bot.channels.email.service import email_channel
from bot.channels.runtime import Runtime
from bot.helpdesk.errors import InvalidInput, NotFound
from bot.helpdesk.ladder import Ladder
from bot.helpdesk.ladder_summary import load_ladder
from bot.helpdesk.privacy.erasure import Erasure, ErasureReport
from bot.helpdesk.privacy.identity import AddressError, Requester
from bot.helpdesk.tickets import TicketDesk
from bot.storage.models import AuditEntry, Conversation, Message, OutboundEmail, Ticket
from tests.helpdesk.privacy.conftest import SECRET
from tests.helpdesk.privacy.people import Person, customer_mail, every_value, found, staff_member

ADMIN = Requester(via="console", staff_id=None, ip="192.0.2.1")


def erase(rt: Runtime, address: str, requester: Requester = ADMIN) -> ErasureReport:
    return Erasure(rt.db, rt.bus, secret=SECRET).erase(address, requester)


def snapshot(rt: Runtime) -> list[tuple[str, str, Any, str]]:
    return sorted(every_value(rt), key=repr)


def totals(rt: Runtime) -> tuple[Bucket, Ladder]:
    """The dashboard's ticket figures and its resolution ladder for the last week."""
    now, zone = datetime.now(UTC), ZoneInfo("Europe/Amsterdam")
    with rt.db.session() as session:
        report = load_report(
            session, Period.last_days(7, now, zone), None, now=now, target_hours=24
        )
        ladder = load_ladder(
            session, now - timedelta(days=7), now + timedelta(minutes=1),
            now=now, window=timedelta(hours=72), zone=zone,
        )  # fmt: skip
    return report.total, ladder.total


def test_nothing_of_the_customer_is_left_anywhere(rt: Runtime, anna: Person, bram: Person) -> None:
    assert found(rt, anna.needles), "the search finds the customer before erasure"
    report = erase(rt, anna.address)
    assert report.found and report.removed.conversations == 2 and report.customers == 1
    assert found(rt, anna.needles) == []
    assert "messages.text" in found(rt, (bram.phrase,)), "another customer's data stays"
    assert "customers.email" in found(rt, (bram.address,))


def test_the_dashboard_numbers_stay_the_same(rt: Runtime, anna: Person, bram: Person) -> None:
    before, ladder_before = totals(rt)
    assert ladder_before.conversations == 4 and before.tickets == 2
    erase(rt, anna.address)
    after, ladder_after = totals(rt)
    assert (after.tickets, after.breaches) == (before.tickets, before.breaches)
    assert sorted(after.response_hours) == sorted(before.response_hours)
    assert (ladder_after.buckets, ladder_after.reasons, ladder_after.durable) == (
        ladder_before.buckets, ladder_before.reasons, ladder_before.durable,
    )  # fmt: skip


def test_the_old_token_gets_404(app: Flask, rt: Runtime, anna: Person) -> None:
    client = app.test_client()
    path, auth = f"/api/conversations/{anna.public_id}", {"Authorization": f"Bearer {anna.token}"}
    assert client.get(path, headers=auth).status_code == 200
    erase(rt, anna.address)
    response = client.get(path, headers=auth)
    assert response.status_code == 404 and response.json["error"] == "not_found"
    posted = client.post(f"{path}/messages", headers=auth, json={"text": "nog iets"})
    assert posted.status_code == 404


def test_a_live_widget_socket_is_told_and_closed(rt: Runtime, anna: Person) -> None:
    from bot.channels.widget.session import CLOSE_POLICY, WidgetSession

    frames: list[dict[str, Any]] = []
    hung_up: list[int] = []
    session = WidgetSession(rt, frames.append, client_ip="203.0.113.9", hang_up=hung_up.append)
    session.on_text(
        json.dumps({"type": "auth", "conversation_id": anna.public_id, "token": anna.token})
    )
    assert [f["type"] for f in frames] == ["ready"]
    erase(rt, anna.address)
    assert frames[-1] == {"type": "error", "error": "not_found", "message": "no such conversation"}
    assert session.closed and session.close_code == CLOSE_POLICY and hung_up == [CLOSE_POLICY]


def test_a_socket_that_missed_the_notice_closes_at_its_next_check(
    rt: Runtime, anna: Person
) -> None:
    from bot.channels.widget.session import CLOSE_POLICY, WidgetSession

    frames: list[dict[str, Any]] = []
    session = WidgetSession(rt, frames.append, client_ip="203.0.113.9")
    session.on_text(
        json.dumps({"type": "auth", "conversation_id": anna.public_id, "token": anna.token})
    )
    Erasure(rt.db, None, secret=SECRET).erase(anna.address, ADMIN)  # no bus: another process
    assert not session.closed
    session.on_timeout()
    assert session.closed and session.close_code == CLOSE_POLICY


def test_the_outbox_is_purged(rt: Runtime, anna: Person) -> None:
    with rt.db.session() as session:
        waiting = session.scalars(
            select(OutboundEmail).where(OutboundEmail.recipient == anna.address)
        ).all()
        assert waiting
        for row in waiting:
            row.status = "pending"
    erase(rt, anna.address)
    with rt.db.session() as session:
        assert session.scalars(select(OutboundEmail.id)).all() == []  # only Anna ever got mail


def test_erasing_twice_changes_nothing_and_says_when(rt: Runtime, anna: Person) -> None:
    erase(rt, anna.address)
    before = snapshot(rt)
    again = erase(rt, "ANNA@klant.example")
    assert not again.found and again.erased_before is not None
    assert snapshot(rt) == before


def test_an_unknown_address_changes_nothing(rt: Runtime, anna: Person) -> None:
    before = snapshot(rt)
    report = erase(rt, "nobody@klant.example")
    assert not report.found and report.erased_before is None
    assert snapshot(rt) == before
    with pytest.raises(AddressError):
        erase(rt, "not an address")
    assert snapshot(rt) == before


def test_the_audit_log_says_who_erased_whom_without_the_data(rt: Runtime, anna: Person) -> None:
    admin = staff_member(rt)
    erase(rt, anna.address, Requester(via="console", staff_id=admin.id, ip="192.0.2.7"))
    with rt.db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer_erased")
        ).one()
        assert entry.staff_id == admin.id and entry.ip == "192.0.2.7"
        assert entry.customer_id is not None
        assert entry.detail["conversations"] == 2 and entry.detail["ref"].startswith("hmac-")
        text = json.dumps(entry.detail).casefold()
        assert not any(n.casefold() in text for n in anna.needles)


def test_an_erased_ticket_takes_no_more_staff_text(rt: Runtime, anna: Person) -> None:
    erase(rt, anna.address)
    desk = TicketDesk(rt.db, rt.bus, rt.presence, response_hours=24)
    actor = staff_member(rt)
    with pytest.raises(InvalidInput):
        desk.add_note(anna.ticket, actor, "Belde nog een keer")
    with pytest.raises(InvalidInput):
        desk.reply(anna.ticket, actor, "Hallo?", seen_seq=10_000, seen_assignee=None)
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == anna.ticket)).one()
        assert ticket.status == "resolved" and ticket.summary == "" and ticket.details == {}


def test_a_reply_to_an_old_mail_after_erasure_starts_afresh(rt: Runtime, anna: Person) -> None:
    with rt.db.session() as session:
        our_id = session.scalars(
            select(OutboundEmail.message_id).where(OutboundEmail.kind == "bot")
        ).first()
    assert our_id
    erase(rt, anna.address)
    reply = customer_mail(anna.address, anna.name, "nieuwe vraag", "anna-2").replace(
        b"\r\n\r\n", f"\r\nIn-Reply-To: {our_id}\r\n\r\n".encode(), 1
    )
    outcome = email_channel(rt).handle(reply, source="smtp")
    with rt.db.session() as session:
        conversation = session.get(Conversation, outcome.conversation_id)
        assert conversation is not None and conversation.anonymised_at is None
        assert conversation.customer is not None and conversation.customer.email == anna.address


def test_erasure_while_the_customer_is_chatting(rt: Runtime, anna: Person) -> None:
    """Messages posted during the erasure either land before it (and are erased) or find the
    token revoked; afterwards no text of the customer is left in their conversations."""
    stop, errors, posted = threading.Event(), [], []

    def chat() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                rt.conversations.post(anna.public_id, anna.token, f"{anna.phrase} bericht {n}")
                posted.append(n)
            except NotFound:
                return
            except Exception as error:  # noqa: BLE001 - any other failure fails the test
                errors.append(repr(error))
                return

    chatter = threading.Thread(target=chat)
    chatter.start()
    try:
        while len(posted) < 2 and chatter.is_alive():
            threading.Event().wait(0.01)
        erase(rt, anna.address)
    finally:
        stop.set()
        chatter.join(30)
    assert errors == [] and posted
    with rt.db.session() as session:
        texts = session.scalars(
            select(Message.text).where(Message.conversation_id == anna.conversation_id)
        ).all()
    assert set(texts) == {""}
    assert found(rt, anna.needles) == []
