"""``/staff/dashboard``: the resolution ladder per day, product, language and channel, tickets
and first response time, the FAQ entries' feedback and the questions that found no answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from bot.channels.console import charts, labels
from bot.channels.console.access import access
from bot.channels.console.dashboard_data import Period, load_report, missed
from bot.channels.console.guard import require_staff
from bot.channels.console.language import _, display_zone, ngettext
from bot.channels.console.metrics import Report
from bot.channels.runtime import runtime
from bot.channels.untrusted_input import parse_int
from bot.core.knowledge.models import KnowledgeBase
from bot.helpdesk.entry_summary import load_entry_figures
from bot.helpdesk.ladder import EntryFigures, LadderReport
from bot.helpdesk.ladder_summary import load_ladder
from bot.helpdesk.privacy.retention import Retention, last_purge

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

PERIODS = (7, 30, 90)
# The ladder's buckets in the charts, best first, with their console.css classes.
LADDER_CSS = {
    "confirmed": "s-confirmed",
    "assumed": "s-assumed",
    "handed_off": "s-handed-off",
    "abandoned": "s-abandoned",
    "pending": "s-pending",
}


@dataclass(frozen=True)
class EntryRow:
    figures: EntryFigures
    question: str


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
    window = timedelta(hours=rt.config.assumed_after_hours)
    with rt.db.session() as session:
        report = load_report(session, period, product or None, now=now, target_hours=target)
        ladder = load_ladder(
            session, period.since, period.until,
            now=now, window=window, zone=period.zone, product=product or None,
        )  # fmt: skip
        entries = load_entry_figures(
            session, period.since, period.until,
            zone=period.zone, product=product or None, limit=50,
        )  # fmt: skip
        questions = missed(session, period, product or None)
        purged = last_purge(session)
    html = render_template(
        "console/dashboard.html",
        staff=staff,
        report=report,
        ladder=ladder,
        entries=entry_rows(entries, rt.kb),
        buckets=labels.ladder_buckets(),
        reasons=labels.handoff_reasons(),
        channel_names=labels.channels(),
        language_names=labels.languages(),
        ladder_css=LADDER_CSS,
        assumed_hours=rt.config.assumed_after_hours,
        questions=questions,
        plots=plots(report, ladder),
        products=rt.kb.products,
        product=product,
        days=days_n,
        periods=PERIODS,
        meter=charts.meter,
        retention=Retention.from_config(rt.config),
        last_purge=purged[0] if purged else None,
    )
    return make_response(html)


def entry_rows(entries: list[EntryFigures], kb: KnowledgeBase) -> list[EntryRow]:
    """Each entry with its question as the knowledge base has it now (its id when gone)."""
    rows = []
    for figures in entries:
        entry = kb.faq_entry(figures.language, figures.faq_id)
        rows.append(EntryRow(figures, entry.question if entry else figures.faq_id))
    return rows


def ladder_series(ladder: LadderReport, days: list[Any]) -> list[charts.Series]:
    names = labels.ladder_buckets()
    per_day = [ladder.by["day"].get(day) for day in days]
    return [
        charts.Series(names[bucket], css, [item.buckets[bucket] if item else 0 for item in per_day])
        for bucket, css in LADDER_CSS.items()
    ]


def plots(report: Report, ladder: LadderReport) -> dict[str, Any]:
    days = report.days
    buckets = [report.by_day[day] for day in days]
    names = labels.ladder_buckets()
    durable = []
    for day in days:
        rate = ladder.by["day"][day].durable_rate if day in ladder.by["day"] else None
        durable.append(None if rate is None else round(100 * rate, 1))
    total = [
        charts.Series(names[bucket], css, [ladder.total.buckets[bucket]])
        for bucket, css in LADDER_CSS.items()
    ]
    return {
        "ladder_total": charts.ladder_bar(total),
        "ladder": charts.stacked_bars(
            _("How conversations ended, per day"), days, ladder_series(ladder, days)
        ),
        "durable": charts.lines(
            _("Durable resolution per day"),
            days,
            [charts.Series(_("durable"), "s-confirmed", durable)],
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
