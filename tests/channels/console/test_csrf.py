"""CSRF: every state-changing console route refuses a missing, forged or borrowed token, and a
request from another site, and changes nothing when it does."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from bot.storage.models import AuditEntry, SavedReply, TicketNote
from tests.channels.console.conftest import (
    PASSWORD,
    Console,
    csrf_in,
    make_staff,
    open_ticket,
    rt_of,
    staff_row,
    ticket_row,
)
from tests.channels.console.test_access import FORMS, prepare


def state_changing(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, url) of every console route that takes anything but GET."""
    ids = prepare(app)
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            methods = set(rule.methods or ()) - {"GET", "HEAD", "OPTIONS"}
            if (
                rule.rule.startswith("/staff")
                and methods
                and rule.endpoint != "console.auth.login_submit"
            ):
                found.append(
                    (rule.endpoint, url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments}))
                )
    return found


def fingerprint(app: Flask, number: str) -> tuple[Any, ...]:
    """What any of the actions would change."""
    ticket = ticket_row(app, number)
    with rt_of(app).db.session() as session:
        counts = tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (TicketNote, SavedReply)
        )
        actions = tuple(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    return (ticket.status, ticket.assignee_id, counts, [a for a in actions if a != "viewed_ticket"])


@pytest.mark.parametrize("attack", ["missing", "forged", "other_session", "cross_site"])
def test_every_state_changing_route_refuses_a_bad_token(app: Flask, attack: str) -> None:
    make_staff(app, "anna@nme.example", "Anna", "admin")
    make_staff(app, "piet@nme.example", "Piet")
    victim = Console(app.test_client())
    victim.login("anna@nme.example")
    other = Console(app.test_client())
    other.login("piet@nme.example")
    routes = state_changing(app)
    assert len(routes) >= 14  # every POST route but the login form (tested below)
    number = next(url.split("/")[3] for endpoint, url in routes if "actions" in endpoint)
    before = fingerprint(app, number)
    tokens = {"missing": None, "forged": "x" * 43, "other_session": other.csrf}
    for endpoint, url in routes:
        data = dict(FORMS.get(endpoint, {}))
        headers = {}
        if attack == "cross_site":
            data["csrf_token"] = victim.csrf  # even the right token does not help from elsewhere
            headers = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        elif tokens[attack] is not None:
            data["csrf_token"] = tokens[attack]
        response = victim.client.post(url, data=data, headers=headers)
        assert response.status_code == 403, f"{endpoint}: {response.status_code}"
    assert fingerprint(app, number) == before
    assert victim.get("/staff/").status_code == 200  # still logged in: nothing was changed


def test_the_csrf_token_also_works_as_a_header_for_scripts(app: Flask, console: Console) -> None:
    number, *_ = open_ticket(app)
    response = console.client.post(
        f"/staff/tickets/{number}/notes",
        data={"text": "via fetch"},
        headers={"X-CSRF-Token": console.csrf, "Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json == {"ok": True, "notice": "note"}


@pytest.mark.parametrize("token", ["missing", "forged", "another_browsers"])
def test_the_login_form_refuses_a_bad_token(app: Flask, agent: int, token: str) -> None:
    browser = app.test_client()
    other = app.test_client()
    browser.get("/staff/login")
    values = {"missing": None, "forged": "0" * 64, "another_browsers": None}
    if token == "another_browsers":
        values[token] = csrf_in(other.get("/staff/login").text)
    data = {"email": "piet@nme.example", "password": PASSWORD}
    if values[token]:
        data["csrf_token"] = values[token]
    response = browser.post("/staff/login", data=data)
    assert response.status_code == 400
    assert browser.get_cookie("supportbot_staff") is None
    assert staff_row(app, agent).last_login_at is None


def test_a_login_posted_from_another_site_is_refused(app: Flask, agent: int) -> None:
    browser = app.test_client()
    form = browser.get("/staff/login")
    response = browser.post(
        "/staff/login",
        data={"email": "piet@nme.example", "password": PASSWORD, "csrf_token": csrf_in(form.text)},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    assert browser.get_cookie("supportbot_staff") is None
