"""Logging in and out: sessions, lockout, session fixation, disabled accounts, cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from bot.app import create_app
from bot.helpdesk.staff.sessions import IDLE_MINUTES, SESSION_HOURS, load_session, start_session
from bot.storage.models import AuditEntry, StaffSession, StaffUser
from tests.channels.console.conftest import (
    PASSWORD,
    Console,
    csrf_in,
    make_staff,
    rt_of,
    staff_row,
)
from tests.conftest import make_config


def audit_actions(app: Flask) -> list[str]:
    with rt_of(app).db.session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_logging_in_opens_the_queue_and_is_audited(app: Flask, agent: int) -> None:
    console = Console(app.test_client())
    response = console.login("Piet@NME.example")  # emails are not case sensitive
    assert response.status_code == 303 and response.location == "/staff/"
    assert console.get("/staff/").status_code == 200
    assert staff_row(app, agent).last_login_at is not None
    assert audit_actions(app) == ["login"]


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("piet@nme.example", "wrong password!"),
        ("nobody@nme.example", PASSWORD),
        ("piet@nme.example", ""),
        ("piet@nme.example", PASSWORD + "x" * 2000),
        ("x" * 300 + "@nme.example", PASSWORD),
    ],
)
def test_a_wrong_login_says_the_same_whatever_was_wrong(
    app: Flask, agent: int, email: str, password: str
) -> None:
    console = Console(app.test_client())
    response = console.login(email, password)
    assert response.status_code == 400
    assert "Onjuist e-mailadres of wachtwoord." in response.text
    assert console.session_cookie() is None
    assert audit_actions(app) == ["login_failed"]


def test_a_disabled_account_cannot_log_in(app: Flask) -> None:
    make_staff(app, "oud@nme.example", "Oud", active=False)
    assert Console(app.test_client()).login("oud@nme.example").status_code == 400


def test_an_account_locks_after_too_many_attempts_even_with_the_right_password(
    app: Flask, agent: int
) -> None:
    attacker = Console(app.test_client())
    for _ in range(10):
        assert attacker.login("piet@nme.example", "guess guess guess").status_code == 400
    locked = Console(app.test_client()).login("piet@nme.example")
    assert locked.status_code == 429
    assert "Te veel inlogpogingen" in locked.text
    assert audit_actions(app)[-1] == "login_locked"
    # other accounts are not locked by it
    make_staff(app, "anna@nme.example", "Anna")
    assert Console(app.test_client()).login("anna@nme.example").status_code == 303


def test_one_address_is_limited_across_accounts(app: Flask) -> None:
    for n in range(30):
        response = Console(app.test_client()).login(f"user{n}@nme.example", "guess guess")
        assert response.status_code == 400
    make_staff(app, "piet@nme.example", "Piet")
    assert Console(app.test_client()).login("piet@nme.example").status_code == 429
    other_address = Console(app.test_client())
    other_address.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert other_address.login("piet@nme.example").status_code == 303


# -- the lockout and known browsers (issue 19 #5) ------------------------------------------------
def lock_out(app: Flask, email: str, address: str = "203.0.113.66") -> None:
    """An attacker somewhere else fails ten times: the account is locked for unknown browsers."""
    attacker = Console(app.test_client())
    attacker.client.environ_base["REMOTE_ADDR"] = address
    for _ in range(10):
        assert attacker.login(email, "guess guess guess").status_code == 400
    assert attacker.login(email, PASSWORD).status_code == 429


def known_browser(app: Flask, email: str) -> Console:
    """A browser that logged in to the account before, and logged out again."""
    browser = Console(app.test_client())
    assert browser.login(email).status_code == 303
    assert browser.post("/staff/logout").status_code == 303
    return browser


def device_cookie(console: Console) -> str | None:
    cookie = console.client.get_cookie("supportbot_staff_device")
    return cookie.value if cookie else None


def test_a_browser_that_logged_in_before_still_gets_in_during_a_lockout(
    app: Flask, agent: int
) -> None:
    laptop = known_browser(app, "piet@nme.example")
    lock_out(app, "piet@nme.example")
    new_browser = Console(app.test_client())
    assert new_browser.login("piet@nme.example").status_code == 429
    assert "Te veel inlogpogingen" in new_browser.login("piet@nme.example").text
    assert laptop.login("piet@nme.example").status_code == 303
    assert laptop.get("/staff/").status_code == 200
    with rt_of(app).db.session() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "login" and last.detail["browser"] == "known"


def test_a_known_browser_still_needs_the_password_and_has_its_own_limit(
    app: Flask, agent: int
) -> None:
    laptop = known_browser(app, "piet@nme.example")
    lock_out(app, "piet@nme.example")
    for _ in range(10):
        assert laptop.login("piet@nme.example", "wrong wrong wrong").status_code == 400
    assert laptop.login("piet@nme.example").status_code == 429  # this browser is locked now
    assert audit_actions(app)[-1] == "login_locked"


def test_another_known_browser_is_not_locked_by_the_first_ones_failures(
    app: Flask, agent: int
) -> None:
    laptop, phone = known_browser(app, "piet@nme.example"), known_browser(app, "piet@nme.example")
    for _ in range(10):
        laptop.login("piet@nme.example", "wrong wrong wrong")
    assert laptop.login("piet@nme.example").status_code == 429
    assert phone.login("piet@nme.example").status_code == 303


def test_a_device_cookie_only_helps_its_own_account(app: Flask, agent: int) -> None:
    make_staff(app, "anna@nme.example", "Anna")
    piets_laptop = known_browser(app, "piet@nme.example")
    lock_out(app, "anna@nme.example")
    assert piets_laptop.login("anna@nme.example").status_code == 429


@pytest.mark.parametrize("tamper", ["forged", "unsigned", "garbage"])
def test_a_made_up_device_cookie_counts_as_an_unknown_browser(
    app: Flask, agent: int, tamper: str
) -> None:
    real = device_cookie(known_browser(app, "piet@nme.example"))
    assert real
    payload, _, signature = real.partition(".")
    value = {
        "forged": payload + "." + "0" * len(signature),
        "unsigned": payload,
        "garbage": "ééé.%00",
    }[tamper]
    lock_out(app, "piet@nme.example")
    stranger = Console(app.test_client())
    stranger.client.set_cookie("supportbot_staff_device", value, path="/")
    assert stranger.login("piet@nme.example").status_code == 429


def test_logging_out_everywhere_also_forgets_the_known_browsers(app: Flask, agent: int) -> None:
    laptop = known_browser(app, "piet@nme.example")
    phone = Console(app.test_client())
    phone.login("piet@nme.example")
    assert phone.post("/staff/logout-everywhere").status_code == 303  # a lost laptop, say
    lock_out(app, "piet@nme.example")
    assert laptop.login("piet@nme.example").status_code == 429


def test_successful_logins_do_not_count_toward_the_address_limit(app: Flask, agent: int) -> None:
    """An office behind one address logs in all day without locking itself out."""
    for _ in range(35):
        assert Console(app.test_client()).login("piet@nme.example").status_code == 303
    for n in range(30):  # failures still count
        assert Console(app.test_client()).login(f"u{n}@nme.example", "x y z w v").status_code == 400
    assert Console(app.test_client()).login("piet@nme.example").status_code == 429


def test_the_device_cookie_is_httponly_strict_and_lasts_ninety_days(app: Flask, agent: int) -> None:
    client = app.test_client()
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"email": "piet@nme.example", "password": PASSWORD, "csrf_token": csrf_in(form.text)},
    )
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("supportbot_staff_device="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert f"Max-Age={90 * 86400}" in cookie


def test_login_gives_a_new_session_whatever_cookie_the_browser_brought(
    app: Flask, agent: int
) -> None:
    """Session fixation: a planted cookie (made up, or the attacker's own session) never becomes
    the victim's session."""
    make_staff(app, "mallory@nme.example", "Mallory")
    attacker = Console(app.test_client())
    attacker.login("mallory@nme.example")
    planted = attacker.session_cookie()
    for value in ("attacker-chosen-value", planted):
        victim = app.test_client()
        form = victim.get("/staff/login")
        victim.set_cookie("supportbot_staff", value or "", path="/")  # planted meanwhile
        response = victim.post(
            "/staff/login",
            data={
                "email": "piet@nme.example",
                "password": PASSWORD,
                "csrf_token": csrf_in(form.text),
            },
        )
        assert response.status_code == 303
        cookie = victim.get_cookie("supportbot_staff")
        fresh = cookie.value if cookie else None
        assert fresh and fresh != value
        replay = Console(app.test_client())
        replay.client.set_cookie("supportbot_staff", value or "", path="/")
        response = replay.get("/staff/session", headers={"Accept": "application/json"})
        assert response.status_code == 401 or response.json["name"] != "Piet"
    # the attacker's session the victim's browser carried was ended by the victim's login
    assert attacker.get("/staff/session", headers={"Accept": "application/json"}).status_code == 401


def test_a_disabled_accounts_open_session_stops_at_its_next_request(
    app: Flask, console: Console, admin: int, agent: int
) -> None:
    assert console.get("/staff/").status_code == 200
    boss = Console(app.test_client())
    boss.login("anna@nme.example")
    assert boss.post(f"/staff/admin/team/{agent}/disable").status_code == 303
    response = console.get("/staff/")
    assert response.status_code == 303 and "/staff/login" in response.location
    assert console.post("/staff/logout").status_code == 303  # refused: back to login
    with rt_of(app).db.session() as session:
        assert (
            session.scalars(select(StaffSession).where(StaffSession.staff_id == agent)).all() == []
        )


def test_disabling_in_the_database_alone_also_ends_the_session(
    app: Flask, console: Console, agent: int
) -> None:
    with rt_of(app).db.session() as session:
        user = session.get(StaffUser, agent)
        assert user is not None
        user.active = False
    assert console.get("/staff/", headers={"Accept": "application/json"}).status_code == 401


def test_logout_ends_this_session_only(app: Flask, agent: int) -> None:
    laptop, phone = Console(app.test_client()), Console(app.test_client())
    laptop.login("piet@nme.example")
    phone.login("piet@nme.example")
    cookie = laptop.session_cookie()
    assert laptop.post("/staff/logout").location == "/staff/login"
    assert laptop.session_cookie() is None
    stolen = Console(app.test_client())
    stolen.client.set_cookie("supportbot_staff", cookie or "", path="/")
    assert stolen.get("/staff/", headers={"Accept": "application/json"}).status_code == 401
    assert phone.get("/staff/").status_code == 200


def test_logout_everywhere_ends_every_session_of_the_account(app: Flask, agent: int) -> None:
    make_staff(app, "anna@nme.example", "Anna")
    laptop, phone, colleague = (Console(app.test_client()) for _ in range(3))
    laptop.login("piet@nme.example")
    phone.login("piet@nme.example")
    colleague.login("anna@nme.example")
    generation = staff_row(app, agent).session_generation
    assert phone.post("/staff/logout-everywhere").status_code == 303
    assert staff_row(app, agent).session_generation == generation + 1
    for device in (laptop, phone):
        assert device.get("/staff/", headers={"Accept": "application/json"}).status_code == 401
    assert colleague.get("/staff/").status_code == 200
    assert audit_actions(app)[-1] == "logout_everywhere"


def test_a_session_from_an_older_generation_is_refused(app: Flask, agent: int) -> None:
    """Even a session row that survived (restored backup, race) dies with an old generation."""
    now = datetime.now(UTC)
    with rt_of(app).db.session() as session:
        user = session.get(StaffUser, agent)
        assert user is not None
        token = start_session(session, user, now, ip=None, user_agent=None)
        user.session_generation += 1
    with rt_of(app).db.session() as session:
        assert load_session(session, token, now) is None


@pytest.mark.parametrize(
    ("later", "alive"),
    [
        (timedelta(minutes=IDLE_MINUTES - 1), True),
        (timedelta(minutes=IDLE_MINUTES + 1), False),
    ],
)
def test_an_idle_session_expires(app: Flask, agent: int, later: timedelta, alive: bool) -> None:
    now = datetime.now(UTC)
    with rt_of(app).db.session() as session:
        user = session.get(StaffUser, agent)
        assert user is not None
        token = start_session(session, user, now, ip=None, user_agent=None)
    with rt_of(app).db.session() as session:
        assert (load_session(session, token, now + later) is not None) is alive


def test_a_busy_session_still_ends_after_a_working_day(app: Flask, agent: int) -> None:
    now = datetime.now(UTC)
    with rt_of(app).db.session() as session:
        user = session.get(StaffUser, agent)
        assert user is not None
        token = start_session(session, user, now, ip=None, user_agent=None)
    moment = now
    while moment < now + timedelta(hours=SESSION_HOURS - 1):
        moment += timedelta(minutes=30)
        with rt_of(app).db.session() as session:
            assert load_session(session, token, moment) is not None
    with rt_of(app).db.session() as session:
        assert load_session(session, token, now + timedelta(hours=SESSION_HOURS, minutes=1)) is None


def test_cookies_are_httponly_samesite_and_not_secure_on_plain_http(app: Flask, agent: int) -> None:
    client = app.test_client()
    form = client.get("/staff/login")
    login_cookie = form.headers["Set-Cookie"]
    assert "HttpOnly" in login_cookie and "SameSite=Strict" in login_cookie
    response = client.post(
        "/staff/login",
        data={"email": "piet@nme.example", "password": PASSWORD, "csrf_token": csrf_in(form.text)},
    )
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("supportbot_staff=")
    )
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # PUBLIC_URL is http://127.0.0.1 in tests


def test_over_https_cookies_are_secure_with_the_host_prefix(
    tmp_path: Path, sqlite_url: str
) -> None:
    app = create_app(make_config(tmp_path, sqlite_url, public_url="https://support.nme.example"))
    make_staff(app, "piet@nme.example", "Piet")
    client = app.test_client()
    form = client.get("/staff/login", base_url="https://support.nme.example")
    assert form.headers["Set-Cookie"].startswith("__Host-supportbot_staff_login=")
    response = client.post(
        "/staff/login",
        base_url="https://support.nme.example",
        data={"email": "piet@nme.example", "password": PASSWORD, "csrf_token": csrf_in(form.text)},
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "supportbot_staff=" in c)
    assert cookie.startswith("__Host-supportbot_staff=")
    assert "Secure" in cookie and "Path=/" in cookie and "HttpOnly" in cookie
    device = next(c for c in response.headers.getlist("Set-Cookie") if "_device=" in c)
    assert device.startswith("__Host-supportbot_staff_device=")
    assert "Secure" in device and "SameSite=Strict" in device
    queue = client.get("/staff/", base_url="https://support.nme.example")
    assert queue.status_code == 200
    assert (
        "connect-src 'self' wss://support.nme.example" in queue.headers["Content-Security-Policy"]
    )
    rt_of(app).db.dispose()


def test_console_pages_carry_the_security_headers(app: Flask, console: Console) -> None:
    for path in ("/staff/", "/staff/login", "/staff/dashboard/"):
        headers = console.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cache-Control"] == "no-store"
    assert "<script>" not in console.get("/staff/").text  # no inline script anywhere
