"""The review queue of missed questions, ``/staff/misses/``: groups of questions the bot could
not answer, and staff's decision on each (teach, propose a new entry, ignore), audited."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from bot.channels.console.access import access
from bot.channels.console.canned import search_faq
from bot.channels.console.guard import client_ip, require_staff
from bot.channels.console.language import _
from bot.channels.runtime import runtime
from bot.clock import utcnow
from bot.core.knowledge.models import FaqEntry
from bot.helpdesk import audit
from bot.helpdesk.errors import NotFound
from bot.helpdesk.learning.phrasings import TeachingRefused, taught_phrasings, unlearn
from bot.helpdesk.learning.review import (
    COUNTED_UP_TO,
    AlreadyDecided,
    Decision,
    GroupView,
    decide,
    review_page,
)
from bot.storage.models.learning import GROUP_STATUSES

log = logging.getLogger(__name__)
bp = Blueprint("misses", __name__, url_prefix="/misses")

MAX_QUERY = 200
NEAREST = 3


def reasons() -> dict[str, str]:
    return {
        "no_match": _("no FAQ answer"),
        "declined": _("suggestions declined"),
        "not_helped": _("the answer did not help"),
        "not_understood": _("not understood"),
    }


def tabs() -> dict[str, str]:
    return {
        "open": _("To review"),
        "proposed": _("Proposed entries"),
        "taught": _("Taught"),
        "ignored": _("Ignored"),
    }


@bp.get("/")
@access("staff")
def index() -> Response:
    rt = runtime()
    status = request.args.get("status", "open")
    status = status if status in GROUP_STATUSES else "open"
    language = request.args.get("language", "")
    language = language if language in rt.kb.policy.languages else ""
    searched = request.args.get("group", "")
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    with rt.db.session() as session:
        page = review_page(session, status, language or None)
        phrasings = taught_phrasings(session) if status == "taught" else []
    # Entries to teach to are looked up for the one group staff search for (the ranking
    # costs milliseconds per group; a page of groups must not pay it thirty times).
    choices = {
        group.id: entry_choices(group, query)
        for group in page.groups
        if status == "open" and str(group.id) == searched
    }
    html = render_template(
        "console/misses.html",
        page=page,
        counted_up_to=COUNTED_UP_TO,
        choices=choices,
        searched=searched,
        query=query,
        language=language,
        languages=rt.kb.policy.languages,
        products=rt.kb.products,
        reasons=reasons(),
        tabs=tabs(),
        entries={entry.ref: entry for entry in rt.kb.faq},
        phrasings=phrasings,
    )
    return make_response(html)


def entry_choices(group: GroupView, query: str) -> list[FaqEntry]:
    """The entries offered for teaching: the FAQ search's results (the canned replies' search)
    for ``query``, or without one the nearest entries by the bot's own ranking."""
    kb = runtime().kb
    if query:
        found = search_faq(kb, group.language, query, product=group.product)
        return [e for c in found if (e := kb.faq_entry(group.language, c.key[4:])) is not None]
    faq = runtime().engine.services.faq
    nearest = faq.ranked(group.phrasing, group.language, product=group.product, limit=NEAREST)
    return [match.entry for match in nearest if match.entry.kind == "faq"]


@bp.post("/<row_id:group_id>/teach")
@access("staff")
def teach(group_id: int) -> Response:
    return _decide(group_id, "taught", "miss_taught")


@bp.post("/<row_id:group_id>/propose")
@access("staff")
def propose(group_id: int) -> Response:
    return _decide(group_id, "proposed", "miss_proposed")


@bp.post("/<row_id:group_id>/ignore")
@access("staff")
def ignore(group_id: int) -> Response:
    return _decide(group_id, "ignored", "miss_ignored")


@bp.post("/phrasings/<row_id:phrasing_id>/remove")
@access("staff")
def remove_phrasing(phrasing_id: int) -> Response:
    """A colleague takes back a taught phrasing; every worker stops using it."""
    rt, me = runtime(), require_staff()
    with rt.db.session() as session:
        removed = unlearn(session, phrasing_id, me.id, utcnow())
        if removed is None:
            abort(404)
        audit.record(
            session, me.id, "phrasing_removed", ip=client_ip(), entry=removed.entry_ref,
            phrasing=removed.id,
        )  # fmt: skip
    return redirect(url_for("console.misses.index", status="taught"), 303)


def _decide(group_id: int, decision: Decision, action: str) -> Response:
    rt, me = runtime(), require_staff()
    entry = request.form.get("entry", "")[:200]
    product = request.form.get("product", "")[:100] or None
    try:
        with rt.db.session() as session:
            group = decide(
                session, rt.kb, group_id, decision, me.id, utcnow(),
                text=request.form.get("text", "")[:2000], entry_ref=entry, product=product,
            )  # fmt: skip
            audit.record(
                session, me.id, action, ip=client_ip(), group=group.id, entry=group.entry_ref
            )
    except NotFound:
        abort(404)
    except AlreadyDecided as exc:
        abort(409, str(exc))
    except TeachingRefused as exc:
        log.info("console: %s refused for missed group %s: %s", decision, group_id, exc)
        abort(400, str(exc))
    return redirect(url_for("console.misses.index", status=request.args.get("status", "open")), 303)
