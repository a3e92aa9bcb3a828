"""The console's blueprint, ``/staff/``, with the guard and security headers in front of every
feature's own blueprint (auth, queue, tickets, dashboard, admin, live updates); and
``init_console(app)``, which wires it into an app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, g, request

from bot.channels.console import (
    admin_views,
    auth_views,
    dashboard_views,
    labels,
    language,
    misses_views,
    privacy_views,
    queue_views,
    socket_route,
    ticket_actions,
    ticket_views,
)
from bot.channels.console.guard import guard
from bot.channels.console.language import current_language
from bot.channels.console.security_headers import add_security_headers
from bot.channels.mail_status import mail_status
from bot.channels.runtime import runtime

HERE = Path(__file__).parent


def init_console(app: Flask) -> None:
    """The one call that wires the console into an app."""
    language.install(app)
    app.register_blueprint(console_blueprint())


def template_globals() -> dict[str, Any]:
    return {
        "lang": current_language(),
        "labels": labels,
        "company": runtime().kb.policy.company,
        "me": g.get("console_staff"),
        "mail": g.get("console_mail"),
    }


def note_mail_status() -> None:
    """Pages for logged-in staff warn while mail piles up with no relay to send it. Read here,
    before a page's own transaction: SQLite takes one writer at a time (BEGIN IMMEDIATE)."""
    if request.method == "GET" and g.get("console_staff") is not None:
        rt = runtime()
        g.console_mail = mail_status(rt.db, rt.config.smtp_url)


def console_blueprint() -> Blueprint:
    """A fresh parent blueprint per app (its children are module-level and shared)."""
    parent = Blueprint(
        "console",
        __name__,
        url_prefix="/staff",
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
        static_url_path="/static",
    )
    parent.before_request(guard)
    parent.before_request(note_mail_status)
    parent.after_request(add_security_headers)
    parent.context_processor(template_globals)
    for child in (
        auth_views.bp,
        queue_views.bp,
        ticket_views.bp,
        ticket_actions.bp,
        dashboard_views.bp,
        misses_views.bp,
        admin_views.bp,
        privacy_views.bp,
        socket_route.bp,
    ):
        parent.register_blueprint(child)
    return parent
