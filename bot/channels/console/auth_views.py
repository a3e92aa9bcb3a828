"""Login, logout, "log out everywhere" and the language choice.

Login is rate limited per IP and per account, except for browsers that logged in to the account
before (``login_limits``, ``device_cookies``; shared by every worker when Redis is configured).
Every login starts a new session (a new random token; any session the browser brought along is
ended), so a planted cookie never becomes a logged-in one.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.channels.console import cookies, csrf, device_cookies
from bot.channels.console.access import access
from bot.channels.console.guard import client_ip, current_staff, require_staff, safe_next
from bot.channels.console.language import _, ngettext
from bot.channels.console.login_limits import begin_attempt
from bot.channels.runtime import runtime
from bot.clock import utcnow
from bot.helpdesk import audit
from bot.helpdesk.staff.accounts import check_login, find_staff, normalise_email
from bot.helpdesk.staff.accounts import end_all_sessions as end_sessions_of
from bot.helpdesk.staff.sessions import end_session, start_session
from bot.storage.models import StaffUser

bp = Blueprint("auth", __name__)

LOGIN_COOKIE_S = 3600


@bp.get("/login")
@access("public")
def login() -> Response:
    if current_staff() is not None:
        return redirect(safe_next(request.args.get("next")), 303)
    return login_page()


def login_page(error: str = "", status: int = 200, email: str = "") -> Response:
    nonce = cookies.read(cookies.LOGIN) or csrf.new_login_nonce()
    html = render_template(
        "console/login.html",
        error=error,
        email=email,
        csrf_token=csrf.login_token(nonce),
        next=safe_next(request.values.get("next")),
    )
    response = make_response(html, status)
    cookies.put(response, cookies.LOGIN, nonce, max_age=LOGIN_COOKIE_S)
    return response


@bp.post("/login")
@access("public")
def login_submit() -> Response:
    if not csrf.same_origin() or not csrf.login_token_matches(cookies.read(cookies.LOGIN)):
        return login_page(_("The login form expired. Please try again."), 400)
    email = normalise_email(request.form.get("email", ""))[:254]
    password = request.form.get("password", "")
    rt, ip, now = runtime(), client_ip(), utcnow()
    with rt.db.session() as session:
        account = find_staff(session, email)
        known = device_cookies.known_accounts(now.timestamp())
        entry = device_cookies.known_entry(account, known)
        attempt = begin_attempt(
            rt.limiter, ip=ip, email=email, device_nonce=entry.nonce if entry else None
        )
        account_id = account.id if account else None
        if attempt.wait:
            audit.record(session, account_id, "login_locked", ip=ip, email=email)
        else:
            user = check_login(session, email, password, now)
            if user is not None:
                attempt.succeeded()
                response = logged_in(session, user, known_browser=attempt.known_browser)
                device_cookies.remember(response, user, known, now.timestamp())
                return response
            browser = "known" if attempt.known_browser else "new"
            audit.record(session, account_id, "login_failed", ip=ip, email=email, browser=browser)
    if attempt.wait:
        minutes = max(1, round(attempt.wait / 60))
        message = ngettext(
            "Too many login attempts. Try again in %(num)s minute, or log in from a "
            "browser you have logged in with before.",
            "Too many login attempts. Try again in %(num)s minutes, or log in from a "
            "browser you have logged in with before.",
            minutes,
        )
        return login_page(message, 429, email)
    return login_page(_("Wrong email address or password."), 400, email)


def logged_in(session: Any, user: StaffUser, *, known_browser: bool) -> Response:
    end_session(session, cookies.read(cookies.SESSION))  # whatever the browser brought: gone
    token = start_session(
        session, user, utcnow(), ip=client_ip(), user_agent=request.headers.get("User-Agent")
    )
    audit.record(
        session, user.id, "login", ip=client_ip(), browser="known" if known_browser else "new"
    )
    response = redirect(safe_next(request.form.get("next")), 303)
    cookies.put_session(response, token)
    cookies.drop(response, cookies.LOGIN)
    return response


@bp.post("/logout")
@access("staff")
def logout() -> Response:
    staff = require_staff()
    with runtime().db.session() as session:
        end_session(session, cookies.read(cookies.SESSION))
        audit.record(session, staff.id, "logout", ip=client_ip())
    return logged_out()


@bp.post("/logout-everywhere")
@access("staff")
def logout_everywhere() -> Response:
    staff = require_staff()
    with runtime().db.session() as session:
        user = session.get(StaffUser, staff.id)
        if user is not None:
            end_sessions_of(session, user)
        audit.record(session, staff.id, "logout_everywhere", ip=client_ip())
    return logged_out()


def logged_out() -> Response:
    g.console_staff = None
    response = redirect(url_for("console.auth.login"), 303)
    cookies.drop(response, cookies.SESSION)
    return response


@bp.get("/session")
@access("staff")
def whoami() -> Response:
    """Who is logged in (the page asks when its socket drops: logged out, or just offline?)."""
    staff = require_staff()
    return jsonify({"id": staff.id, "name": staff.name, "role": staff.role})


@bp.post("/language")
@access("staff")
def language() -> Response:
    """The staff member's console language (empty: follow the browser)."""
    staff = require_staff()
    chosen = request.form.get("language") or None
    if chosen not in (None, *runtime().kb.policy.languages):
        chosen = None
    with runtime().db.session() as session:
        user = session.get(StaffUser, staff.id)
        if user is not None:
            user.language = chosen
    return redirect(safe_next(request.form.get("next")), 303)
