"""``/staff/dashboard``: conversations, deflection, tickets and first response time per day and
per product, with the FAQ questions that found no answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from bot.channels.console import charts
from bot.channels.console.access import access
from bot.channels.console.dashboard_data import Period, load_report, missed
from bot.channels.console.guard import require_staff
from bot.channels.console.language import _, display_zone, ngettext
from bot.channels.console.metrics import Report
from bot.channels.runtime import runtime
from bot.channels.untrusted_input import parse_int
from bot.helpdesk.privacy.retention import Retention, last_purge

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

PERIODS = (7, 30, 90)


@bp.get("/")
@access("staff")
def index() -> Response:
    rt, staff = runtime(), require_staff()
    days = parse_int(request.args.get("days"))
    days_n = days if days in PERIODS else 30
    product = request.args.get("product", "")
    product = product if product in rt.kb.products else ""
    now = datetime.now(UTC)
    period = Period.last_days(days_n, now, display_zone())
    target = rt.kb.policy.response_hours
    with rt.db.session() as session:
        report = load_report(session, period, product or None, now=now, target_hours=target)
        questions = missed(session, period, product or None)
        purged = last_purge(session)
    html = render_template(
        "console/dashboard.html",
        staff=staff,
        report=report,
        questions=questions,
        plots=plots(report),
        products=rt.kb.products,
        product=product,
        days=days_n,
        periods=PERIODS,
        meter=charts.meter,
        retention=Retention.from_config(rt.config),
        last_purge=purged[0] if purged else None,
    )
    return make_response(html)


def plots(report: Report) -> dict[str, Any]:
    days = report.days
    buckets = [report.by_day[day] for day in days]
    deflected = [b.deflected for b in buckets]
    rest = [b.conversations - b.deflected for b in buckets]
    percent = [None if b.deflection is None else round(100 * b.deflection, 1) for b in buckets]
    return {
        "conversations": charts.stacked_bars(
            _("Conversations per day"),
            days,
            [
                charts.Series(_("answered by the FAQ"), "s-deflected", deflected),
                charts.Series(_("other"), "s-other", rest),
            ],
        ),
        "deflection": charts.lines(
            _("Deflection per day"),
            days,
            [charts.Series(_("deflection"), "s-deflected", percent)],
            unit="%",
            y_max=100,
        ),
        "tickets": charts.stacked_bars(
            _("Tickets opened per day"),
            days,
            [
                charts.Series(
                    _("answered within target"), "s-ok", [b.tickets - b.breaches for b in buckets]
                ),
                charts.Series(_("target missed"), "s-late", [b.breaches for b in buckets]),
            ],
        ),
        "response": charts.lines(
            _("First response time per day (hours)"),
            days,
            [
                charts.Series(_("median"), "s-median", [b.median for b in buckets]),
                charts.Series(_("90th percentile"), "s-p90", [b.p90 for b in buckets]),
            ],
            unit=" h",
            target=report.target_hours,
            target_label=ngettext(
                "target: %(num)s hour", "target: %(num)s hours", report.target_hours
            ),
        ),
    }
