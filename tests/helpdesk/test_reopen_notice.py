"""A customer writing to a resolved ticket reopens it, and the widget and console hear it live."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from bot.channels.runtime import runtime
from bot.helpdesk.bus import STAFF_TOPIC, conversation_topic
from bot.helpdesk.notices import Notice, QueueChange, TicketUpdate
from bot.storage.models import Ticket


def test_reopening_publishes_ticket_update_and_ticket_changed(sqlite_app: Flask) -> None:
    rt = runtime(sqlite_app)
    started = rt.conversations.start(channel="widget", language="en", email="ann@example.org")
    turn = rt.conversations.post(started.public_id, started.token, "I want to talk to a person")
    number = turn.ticket.number
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.status = "resolved"
    heard: list[tuple[str, Notice]] = []
    rt.bus.subscribe(conversation_topic(started.conversation_id), lambda n: heard.append(("c", n)))
    rt.bus.subscribe(STAFF_TOPIC, lambda n: heard.append(("s", n)))
    rt.conversations.post(started.public_id, started.token, "It is broken again")
    update = TicketUpdate(number, "open", by="customer", staff_id=None)
    assert ("c", update) in heard  # the customer's reply, not a colleague's change
    changed = QueueChange("ticket_changed", started.conversation_id, number)
    assert ("s", changed) in heard
    with rt.db.sessions() as session:
        assert session.scalars(select(Ticket.status).where(Ticket.number == number)).one() == "open"
