"""Access control: every console route x every kind of visitor, from one table.

``RULES`` must name every ``/staff`` endpoint of the app: a new route without a row here fails
``test_every_console_route_has_a_rule``, and the app itself refuses a view without a declared
level (``access.py``). Each role is then tried on every route.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from bot.channels.console.access import level_of
from bot.clock import utcnow
from bot.storage.models import LearnedPhrasing, MissedGroup, SavedReply, StaffUser
from tests.channels.console.conftest import (
    PASSWORD,
    Console,
    csrf_in,
    make_staff,
    open_ticket,
    rt_of,
)
from tests.error_log import ErrorRecords

RULES: dict[str, str] = {
    "console.static": "public",
    "console.auth.login": "public",
    "console.auth.login_submit": "public",
    "console.auth.logout": "staff",
    "console.auth.logout_everywhere": "staff",
    "console.auth.whoami": "staff",
    "console.auth.language": "staff",
    "console.queue.index": "staff",
    "console.queue.rows": "staff",
    "console.tickets.show": "staff",
    "console.tickets.messages": "staff",
    "console.tickets.canned": "staff",
    "console.actions.claim": "staff",
    "console.actions.assign": "staff",
    "console.actions.status": "staff",
    "console.actions.note": "staff",
    "console.actions.reply": "staff",
    "console.actions.hand_back": "staff",
    "console.dashboard.index": "staff",
    "console.misses.index": "staff",
    "console.misses.teach": "staff",
    "console.misses.propose": "staff",
    "console.misses.ignore": "staff",
    "console.misses.remove_phrasing": "staff",
    "console.admin.team": "admin",
    "console.admin.disable": "admin",
    "console.admin.enable": "admin",
    "console.admin.end_sessions": "admin",
    "console.admin.audit_log": "admin",
    "console.admin.replies": "admin",
    "console.admin.add_reply": "admin",
    "console.admin.delete_reply": "admin",
    "console.customers.index": "admin",
    "console.customers.lookup": "admin",
    "console.customers.export": "admin",
    "console.customers.erase": "admin",
    "console.live.console_socket": "staff",
}

# form fields that make each POST a valid request, so "allowed" means the action really ran
FORMS: dict[str, dict[str, str]] = {
    "console.auth.language": {"language": "en"},
    "console.actions.claim": {"seen_assignee": ""},
    "console.actions.assign": {"assignee": ""},
    "console.actions.status": {"status": "waiting"},
    "console.actions.note": {"text": "a note"},
    "console.actions.reply": {"text": "hello", "seen_seq": "99", "seen_assignee": ""},
    "console.admin.add_reply": {"language": "nl", "title": "Hallo", "body": "Hallo!"},
    "console.misses.teach": {"text": "agenda koppelen", "entry": "nl/appointpress-days-off"},
    "console.misses.propose": {"text": "Kan ik een wachtlijst maken?"},
    "console.customers.lookup": {"email": "jan@klant.example"},
    "console.customers.export": {"email": "jan@klant.example"},
    "console.customers.erase": {"email": "jan@klant.example", "confirm": "jan@klant.example"},
}


def staff_endpoints(app: Flask) -> dict[str, tuple[str, set[str]]]:
    return {
        rule.endpoint: (rule.rule, set(rule.methods or ()) - {"HEAD", "OPTIONS"})
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff")
    }


def test_every_console_route_has_a_rule(app: Flask) -> None:
    endpoints = staff_endpoints(app)
    missing = sorted(set(endpoints) - set(RULES))
    assert not missing, f"add these console routes to RULES, deciding who may use them: {missing}"
    assert sorted(set(RULES) - set(endpoints)) == [], "RULES names routes that no longer exist"
    declared = {endpoint: level_of(app, endpoint) for endpoint in endpoints}
    assert declared == RULES


@pytest.mark.logs_errors("an undeclared console view is a programming error the guard logs")
def test_a_view_without_a_declared_level_is_refused(
    app: Flask, agent: int, bot_errors: ErrorRecords
) -> None:
    app.add_url_rule("/staff/sneaky", "console.sneaky", lambda: "customer data")
    console = Console(app.test_client())
    console.login("piet@nme.example")
    response = console.get("/staff/sneaky")
    assert response.status_code == 404 and "customer data" not in response.text
    assert "console endpoint console.sneaky has no access rule; refused" in bot_errors.text()


def target_url(app: Flask, endpoint: str, ids: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        return url_for(endpoint, **{name: ids[name] for name in rule.arguments})


def prepare(app: Flask) -> dict[str, Any]:
    """A ticket, a colleague to disable/enable, a saved reply to delete, missed questions, a
    taught phrasing to remove."""
    number, *_ = open_ticket(app)
    colleague = make_staff(app, "kees@nme.example", "Kees")
    with rt_of(app).db.session() as session:
        reply = SavedReply(language="nl", title="t", body="b")
        group = MissedGroup(language="nl", status="open", size=1)
        taught = LearnedPhrasing(entry_ref="nl/debug-log", text="logboek", created_at=utcnow())
        session.add_all([reply, group, taught])
        session.flush()
        reply_id, group_id, phrasing_id = reply.id, group.id, taught.id
    return {
        "number": number,
        "staff_id": colleague,
        "reply_id": reply_id,
        "group_id": group_id,  # decided by the first allowed action; the others get 409
        "phrasing_id": phrasing_id,
        "filename": "console.css",
    }


def visitor(app: Flask, role: str) -> Console:
    """A fresh client: anonymous, a logged-in agent or admin, or a session whose account was
    disabled after it logged in."""
    client = Console(app.test_client())
    if role == "anonymous":
        return client
    email = {"agent": "piet@nme.example", "admin": "anna@nme.example"}.get(role, "oud@nme.example")
    set_active(app, email, True)
    assert client.login(email).status_code == 303
    if role == "disabled":
        set_active(app, email, False)
    return client


def set_active(app: Flask, email: str, active: bool) -> None:
    with rt_of(app).db.session() as session:
        user = session.query(StaffUser).filter_by(email=email).one()
        user.active = active  # directly in the table: no session clean-up to help the check


def expected(level: str, role: str) -> str:
    if level == "public":
        return "allowed"
    if role in ("anonymous", "disabled"):
        return "login"
    if level == "admin" and role == "agent":
        return "forbidden"
    return "allowed"


def outcome(status: int, location: str | None) -> str:
    if status == 401 or (status == 303 and "/staff/login?next=" in (location or "")):
        return "login"
    if status == 403:
        return "forbidden"
    return "allowed" if status < 400 or status == 409 else f"error {status}"


# actions that end the visitor's own session go last, each with a session of its own
LAST = ("console.auth.logout", "console.auth.logout_everywhere")


@pytest.mark.parametrize("role", ["anonymous", "agent", "admin", "disabled"])
def test_each_role_reaches_exactly_what_its_rule_allows(app: Flask, role: str) -> None:
    make_staff(app, "piet@nme.example", "Piet")
    make_staff(app, "anna@nme.example", "Anna", "admin")
    make_staff(app, "oud@nme.example", "Oud")
    ids = prepare(app)
    client = visitor(app, role)
    wrong: list[str] = []
    order = sorted(RULES, key=lambda endpoint: endpoint in LAST)
    for endpoint in order:
        if endpoint in ("console.live.console_socket", "console.auth.login_submit"):
            continue  # the socket and the login form have tests of their own
        if endpoint == "console.auth.login" and role in ("agent", "admin"):
            continue  # a logged-in visitor is sent on to the queue
        url = target_url(app, endpoint, ids)
        if endpoint in LAST:
            client = visitor(app, role)
        for method in sorted(staff_endpoints(app)[endpoint][1]):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, FORMS.get(endpoint, {}))
            got = outcome(response.status_code, response.location)
            want = expected(RULES[endpoint], role)
            if got != want:
                wrong.append(f"{method} {url}: {got} ({response.status_code}), want {want}")
    assert wrong == []


@pytest.mark.parametrize("role", ["anonymous", "disabled"])
def test_without_a_live_session_json_clients_and_sockets_get_401(app: Flask, role: str) -> None:
    make_staff(app, "oud@nme.example", "Oud")
    number, *_ = open_ticket(app)
    client = visitor(app, role)
    for path in ("/staff/", f"/staff/tickets/{number}", "/staff/dashboard/", "/staff/session"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 401, path
        assert response.json == {"error": "unauthorized", "message": "log in to the staff console"}
        assert number not in response.text
    socket = client.get(
        "/staff/ws",
        headers={"Upgrade": "websocket", "Connection": "Upgrade", "Origin": "http://localhost"},
    )
    assert socket.status_code == 401


def test_a_browser_is_sent_to_the_login_page_and_back(app: Flask, agent: int) -> None:
    number, *_ = open_ticket(app)
    client = Console(app.test_client())
    response = client.get(f"/staff/tickets/{number}")
    assert response.status_code == 303
    assert response.location == f"/staff/login?next=/staff/tickets/{number}"
    form = client.get(response.location)
    logged_in = client.client.post(
        "/staff/login",
        data={
            "email": "piet@nme.example",
            "password": PASSWORD,
            "csrf_token": csrf_in(form.text),
            "next": f"/staff/tickets/{number}",
        },
    )
    assert logged_in.location == f"/staff/tickets/{number}"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/staff/", "/api/conversations", "/staff/\\evil", ""],
)
def test_login_never_redirects_off_the_console(app: Flask, agent: int, target: str) -> None:
    client = app.test_client()
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={
            "email": "piet@nme.example",
            "password": PASSWORD,
            "csrf_token": csrf_in(form.text),
            "next": target,
        },
    )
    assert response.location == "/staff/"


def test_the_console_socket_only_opens_from_the_console_origin(
    app: Flask, console: Console
) -> None:
    response = console.get(
        "/staff/ws",
        headers={"Upgrade": "websocket", "Connection": "Upgrade", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_customer_routes_do_not_open_staff_pages(app: Flask, agent: int) -> None:
    """A customer's conversation token is no key to the console."""
    number, _cid, public_id, token = open_ticket(app)
    client = app.test_client()
    for path in (f"/staff/tickets/{number}", "/staff/"):
        response = client.get(
            path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        assert response.status_code == 401
