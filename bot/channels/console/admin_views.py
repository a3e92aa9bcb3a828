"""Admin pages: the team (disable, enable, end sessions), the audit log, saved replies.

Accounts are created on the command line (``supportbot staff add``), where the password is
typed once and never travels through a web form.
"""

from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from bot.channels.console.access import access
from bot.channels.console.guard import client_ip, require_staff
from bot.channels.runtime import runtime
from bot.channels.untrusted_input import parse_int
from bot.helpdesk import audit
from bot.helpdesk.staff.accounts import end_all_sessions as end_sessions_of
from bot.helpdesk.staff.accounts import set_active
from bot.storage.models import AuditEntry, SavedReply, StaffUser, Ticket

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PER_PAGE = 100
MAX_TITLE, MAX_BODY = 200, 20_000


@bp.get("/team")
@access("admin")
def team() -> Response:
    with runtime().db.session() as session:
        users = session.scalars(select(StaffUser).order_by(StaffUser.name)).all()
        html = render_template("console/admin_team.html", staff=require_staff(), users=users)
    return make_response(html)


def _change_account(staff_id: int, action: str) -> Response:
    me = require_staff()
    with runtime().db.session() as session:
        user = session.get(StaffUser, staff_id)
        if user is None:
            abort(404)
        if action == "account_disabled":
            if user.id == me.id:
                abort(400, "you cannot disable your own account")
            set_active(session, user, False)
        elif action == "account_enabled":
            set_active(session, user, True)
        else:
            end_sessions_of(session, user)
        audit.record(session, me.id, action, ip=client_ip(), account=user.id)
    return redirect(url_for("console.admin.team"), 303)


@bp.post("/team/<row_id:staff_id>/disable")
@access("admin")
def disable(staff_id: int) -> Response:
    return _change_account(staff_id, "account_disabled")


@bp.post("/team/<row_id:staff_id>/enable")
@access("admin")
def enable(staff_id: int) -> Response:
    return _change_account(staff_id, "account_enabled")


@bp.post("/team/<row_id:staff_id>/end-sessions")
@access("admin")
def end_sessions(staff_id: int) -> Response:
    return _change_account(staff_id, "sessions_ended")


@bp.get("/audit")
@access("admin")
def audit_log() -> Response:
    page = max(parse_int(request.args.get("page"), maximum=10_000) or 1, 1)
    with runtime().db.session() as session:
        total = session.scalar(select(func.count(AuditEntry.id))) or 0
        rows = session.execute(
            select(AuditEntry, StaffUser.name, Ticket.number)
            .outerjoin(StaffUser, StaffUser.id == AuditEntry.staff_id)
            .outerjoin(Ticket, Ticket.id == AuditEntry.ticket_id)
            .order_by(AuditEntry.id.desc())
            .limit(AUDIT_PER_PAGE)
            .offset((page - 1) * AUDIT_PER_PAGE)
        ).all()
        html = render_template(
            "console/admin_audit.html",
            staff=require_staff(),
            rows=rows,
            page=page,
            pages=max(1, -(-total // AUDIT_PER_PAGE)),
        )
    return make_response(html)


@bp.get("/replies")
@access("admin")
def replies() -> Response:
    with runtime().db.session() as session:
        saved = session.scalars(select(SavedReply).order_by(SavedReply.language, SavedReply.title))
        html = render_template(
            "console/admin_replies.html",
            staff=require_staff(),
            replies=list(saved),
            languages=runtime().kb.policy.languages,
        )
    return make_response(html)


@bp.post("/replies")
@access("admin")
def add_reply() -> Response:
    me = require_staff()
    title = " ".join(request.form.get("title", "").split())
    body = request.form.get("body", "").strip()
    language = request.form.get("language", "")
    if language not in runtime().kb.policy.languages or not title or not body:
        abort(400, "a saved reply needs a language, a title and a text")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        abort(400, "the title or text is too long")
    with runtime().db.session() as session:
        reply = SavedReply(language=language, title=title, body=body, created_by=me.id)
        session.add(reply)
        session.flush()
        audit.record(session, me.id, "saved_reply_added", ip=client_ip(), reply=reply.id)
    return redirect(url_for("console.admin.replies"), 303)


@bp.post("/replies/<row_id:reply_id>/delete")
@access("admin")
def delete_reply(reply_id: int) -> Response:
    me = require_staff()
    with runtime().db.session() as session:
        reply = session.get(SavedReply, reply_id)
        if reply is None:
            abort(404)
        session.delete(reply)
        audit.record(session, me.id, "saved_reply_deleted", ip=client_ip(), reply=reply_id)
    return redirect(url_for("console.admin.replies"), 303)
