"""Reading a ticket: the page, new transcript lines (for live updates), canned replies."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, jsonify, make_response, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console.access import access
from bot.channels.console.canned import search_canned
from bot.channels.console.guard import client_ip, require_staff
from bot.channels.console.ticket_page import lines_of, load_ticket_page
from bot.channels.runtime import runtime
from bot.channels.untrusted_input import parse_int
from bot.helpdesk import audit
from bot.storage import repositories as repo
from bot.storage.models import StaffUser, Ticket

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

MAX_QUERY = 200


def render_ticket(number: str, *, error: str = "", draft: str = "", status: int = 200) -> Response:
    """The ticket page; an action that was refused passes its message and the staff's draft."""
    rt, staff = runtime(), require_staff()
    with rt.db.session() as session:
        page = load_ticket_page(session, rt.kb, number)
        if page is None:
            abort(404)
        audit.record(session, staff.id, "viewed_ticket", ticket_id=page.ticket.id, ip=client_ip())
        html = render_template(
            "console/ticket.html",
            page=page,
            staff=staff,
            online=rt.presence.is_online(page.conversation.id),
            now=datetime.now(UTC),
            response_hours=rt.kb.policy.response_hours,
            error=error,
            draft=draft,
            notice=request.args.get("notice", ""),
        )
    return make_response(html, status)


@bp.get("/<number>")
@access("staff")
def show(number: str) -> Response:
    return render_ticket(number)


@bp.get("/<number>/messages")
@access("staff")
def messages(number: str) -> Response:
    """Transcript lines after ``after`` as HTML; the page appends them when the socket says."""
    after = parse_int(request.args.get("after", "0"))
    if after is None:
        abort(400, "after must be a message number (0 or more)")
    rt = runtime()
    with rt.db.session() as session:
        ticket = _ticket(session, number)
        fresh = repo.messages(session, ticket.conversation_id, after_seq=after)
        staff_ids = {m.staff_id for m in fresh if m.staff_id is not None}
        names = {
            user.id: user.name
            for user in (session.get(StaffUser, staff_id) for staff_id in staff_ids)
            if user is not None
        }
        html = render_template("console/_lines.html", lines=lines_of(fresh, names))
    return make_response(html, 200)


@bp.get("/<number>/canned")
@access("staff")
def canned(number: str) -> Response:
    """Saved replies and FAQ answers in the ticket's language that contain every word of ``q``."""
    rt = runtime()
    query = request.args.get("q", "")[:MAX_QUERY]
    with rt.db.session() as session:
        ticket = _ticket(session, number)
        found = search_canned(session, rt.kb, ticket.language, query, product=ticket.product)
    return jsonify({"language": ticket.language, "results": [c.to_dict() for c in found]})


def _ticket(session: Session, number: str) -> Ticket:
    ticket = session.scalars(select(Ticket).where(Ticket.number == number[:40])).first()
    if ticket is None:
        abort(404)
    return ticket
