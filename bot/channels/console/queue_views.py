"""The queue: ``/staff/`` (the page) and ``/staff/queue/rows`` (its table, for live refresh)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from bot.channels.console.access import access
from bot.channels.console.guard import require_staff
from bot.channels.console.queue import QueueFilters, load_queue, view_counts
from bot.channels.runtime import runtime

bp = Blueprint("queue", __name__)


def queue_context() -> dict[str, Any]:
    rt, staff = runtime(), require_staff()
    filters = QueueFilters.from_args(
        request.args, products=list(rt.kb.products), languages=rt.kb.policy.languages
    )
    with rt.db.session() as session:
        page = load_queue(session, filters, staff.id)
        counts = view_counts(session, staff.id)
    return {
        "filters": filters,
        "page": page,
        "counts": counts,
        "staff": staff,
        "products": rt.kb.products,
        "languages": rt.kb.policy.languages,
        "now": datetime.now(UTC),
        "soon_s": rt.kb.policy.response_hours * 3600 // 4,
    }


@bp.get("/")
@access("staff")
def index() -> Response:
    return make_response(render_template("console/queue.html", **queue_context()))


@bp.get("/queue/rows")
@access("staff")
def rows() -> Response:
    return make_response(render_template("console/_queue_rows.html", **queue_context()))
