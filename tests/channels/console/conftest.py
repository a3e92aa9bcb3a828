"""Console fixtures: staff accounts, a logged-in test client, and tickets made by the real engine.

Password hashing uses a low scrypt cost here (the hash stores its parameters, so the code path
is the production one); the production cost is checked in ``test_passwords.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from bot.channels.runtime import Runtime, runtime
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.storage import repositories as repo
from bot.storage.models import Conversation, StaffUser, Ticket

FAST = ScryptCost(n=2**10, r=8, p=1)
PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def rt_of(app: Flask) -> Runtime:
    with app.app_context():
        return runtime()


def make_staff(
    app: Flask, email: str, name: str, role: str = "agent", *, active: bool = True
) -> int:
    with rt_of(app).db.session() as session:
        user = add_staff(session, email, name, PASSWORD, role=role, cost=FAST)
        user.active = active
        return user.id


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@dataclass
class Console:
    """A browser-like client of the console: cookies, and the CSRF token of its session."""

    client: FlaskClient
    csrf: str = ""

    def login(self, email: str, password: str = PASSWORD) -> TestResponse:
        form = self.client.get("/staff/login")
        response = self.client.post(
            "/staff/login",
            data={"email": email, "password": password, "csrf_token": csrf_in(form.text)},
        )
        if response.status_code == 303 and "/staff/login" not in response.location:
            self.csrf = csrf_in(self.client.get("/staff/").text)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def session_cookie(self) -> str | None:
        cookie = self.client.get_cookie("supportbot_staff")
        return cookie.value if cookie else None


@pytest.fixture
def agent(app: Flask) -> int:
    return make_staff(app, "piet@nme.example", "Piet")


@pytest.fixture
def admin(app: Flask) -> int:
    return make_staff(app, "anna@nme.example", "Anna", "admin")


@pytest.fixture
def console(app: Flask, agent: int) -> Console:
    logged_in = Console(app.test_client())
    assert logged_in.login("piet@nme.example").status_code == 303
    return logged_in


def open_ticket(
    app: Flask,
    text: str = "ik wil een medewerker spreken",
    *,
    email: str | None = "jan@klant.example",
    name: str | None = None,
    language: str = "nl",
) -> tuple[str, int, str, str]:
    """A widget conversation in which the engine opened a ticket: (number, conversation id,
    public id, token)."""
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language=language, email=email, name=name)
    turn = rt.conversations.post(started.public_id, started.token, text)
    assert turn.ticket, f"no ticket after {text!r}: {turn.route}"
    return turn.ticket.number, started.conversation_id, started.public_id, started.token


def ticket_row(app: Flask, number: str) -> Ticket:
    with rt_of(app).db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(ticket)
        return ticket


def conversation_row(app: Flask, conversation_id: int) -> Conversation:
    with rt_of(app).db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        session.expunge(conversation)
        return conversation


def staff_row(app: Flask, staff_id: int) -> StaffUser:
    with rt_of(app).db.session() as session:
        user = session.get(StaffUser, staff_id)
        assert user is not None
        session.expunge(user)
        return user


def widget_ticket_without_email(app: Flask) -> str:
    """A ticket on a widget conversation with no address at all (made directly)."""
    from datetime import UTC, datetime, timedelta

    with rt_of(app).db.session() as session:
        conversation, _token = repo.create_conversation(
            session, channel="widget", language="nl", state={"status": "waiting_for_staff"}
        )
        conversation.status = "waiting_for_staff"
        repo.append_message(session, conversation, "customer", "help, geen e-mail")
        ticket = repo.create_ticket(
            session, conversation, prefix="NME", reason="person", summary="help",
            due_at=datetime.now(UTC) + timedelta(hours=24), details={},
        )  # fmt: skip
        assert ticket.number is not None
        return ticket.number
