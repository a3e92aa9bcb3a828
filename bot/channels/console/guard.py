"""The console's request guard: who is asking, may they, and is a state change really theirs.

Runs before every console request: the endpoint's declared access level (``access.py``), the
session cookie (an expired, logged-out or disabled session counts as none), CSRF on every
state-changing method. Anonymous browsers are sent to the login page; JSON clients (and the
WebSocket handshake) get 401.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import abort, current_app, g, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response

from bot.channels.console import cookies, csrf
from bot.channels.console.access import allows, level_of
from bot.channels.console.language import pick_language
from bot.channels.runtime import runtime
from bot.clock import utcnow
from bot.helpdesk.staff.sessions import Staff, load_session
from bot.helpdesk.tickets import Actor

log = logging.getLogger(__name__)


def guard() -> Response | None:
    level = level_of(current_app, request.endpoint)
    if level is None:  # a console view without a rule: refuse, loudly
        log.error("console endpoint %s has no access rule; refused", request.endpoint)
        abort(404)
    if request.endpoint == "console.static":
        return None
    staff = current_staff()
    g.console_language = pick_language(staff.language if staff else None)
    if not allows(level, staff.role if staff else None):
        if staff is None:
            return unauthenticated()
        abort(403)
    if request.method not in csrf.SAFE_METHODS and level != "public":
        check_csrf(staff)
    return None


def current_staff() -> Staff | None:
    """The logged-in staff member of this request (looked up once per request)."""
    if "console_staff" not in g:
        token = cookies.read(cookies.SESSION)
        staff = None
        if token:
            with runtime().db.session() as session:
                staff = load_session(session, token, utcnow())
        g.console_staff = staff
    found = g.console_staff
    assert found is None or isinstance(found, Staff)
    return found


def require_staff() -> Staff:
    staff = current_staff()
    if staff is None:  # the guard ran first; this is for the type checker and for safety
        abort(401)
    return staff


def actor() -> Actor:
    staff = require_staff()
    return Actor(staff.id, staff.name, client_ip())


def client_ip() -> str:
    return (request.remote_addr or "unknown")[:64]


def check_csrf(staff: Staff | None) -> None:
    if staff is None or not csrf.same_origin() or not csrf.token_matches(staff.csrf_token):
        log.warning("console: CSRF check failed on %s %s", request.method, request.path)
        abort(403, "the form expired or did not come from the console; reload and try again")


def wants_json() -> bool:
    if request.headers.get("X-Requested-With") or request.headers.get("Upgrade"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def unauthenticated() -> Response:
    if wants_json():
        response = jsonify({"error": "unauthorized", "message": "log in to the staff console"})
        response.status_code = 401
        return response
    target = request.full_path if request.method == "GET" else url_for("console.queue.index")
    return redirect(url_for("console.auth.login", next=target.rstrip("?")), 303)


def safe_next(target: str | None) -> str:
    """Only a console path on this server: never an open redirect."""
    fallback = url_for("console.queue.index")
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/staff/"):
        return fallback
    return target
