"""Dashboard numbers (per day, per product), the SVG plots, and the page on real rows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import event, select

from bot.channels.console import charts
from bot.channels.console.metrics import (
    TicketFact,
    build_report,
    missed_questions,
    percentile,
)
from bot.storage.models import EventRecord, Ticket
from tests.channels.console.conftest import Console, open_ticket, rt_of

ZONE = ZoneInfo("Europe/Amsterdam")
DAY = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([], 50, None),
        ([5.0], 90, 5.0),
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9.1),
    ],
)
def test_percentiles_interpolate_between_ranks(
    values: list[float], pct: float, expected: float | None
) -> None:
    assert percentile(values, pct) == (pytest.approx(expected) if expected is not None else None)


def test_first_response_times_and_breaches_against_the_target() -> None:
    now = DAY + timedelta(days=3)
    tickets = [
        TicketFact(DAY, "polder", DAY + timedelta(hours=2)),
        TicketFact(DAY, "polder", DAY + timedelta(hours=30)),  # answered late
        TicketFact(DAY, "mailmagnet", None),  # never answered, and 3 days old: a breach too
        TicketFact(now - timedelta(hours=1), "mailmagnet", None),  # unanswered, still in time
    ]
    report = build_report(
        tickets, start=DAY.date(), end=now.date(), now=now, target_hours=24, zone=ZONE
    )
    assert report.total.tickets == 4 and report.total.breaches == 2
    assert report.total.median == pytest.approx(16.0) and report.by_product[
        "polder"
    ].p90 == pytest.approx(27.2)
    assert report.by_product["mailmagnet"].median is None
    assert report.by_day[DAY.date()].tickets == 3


def test_ticket_days_are_counted_in_dutch_time() -> None:
    late_evening = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 on the 21st in Amsterdam
    report = build_report(
        [TicketFact(late_evening, None, None)],
        start=date(2026, 11, 20), end=date(2026, 11, 21), now=late_evening,
        target_hours=24, zone=ZONE,
    )  # fmt: skip
    assert report.by_day[date(2026, 11, 21)].tickets == 1
    assert report.by_day[date(2026, 11, 20)].tickets == 0


def test_missed_questions_are_grouped_and_ranked() -> None:
    events = [
        ("Hoe exporteer ik mijn boekingen?", "nl", DAY),
        ("hoe exporteer ik   mijn boekingen", "nl", DAY + timedelta(hours=1)),
        ("How do I export bookings?", "en", DAY),
        ("", "nl", DAY),
    ]
    ranked = missed_questions(events)
    assert [(q.text, q.count, q.language) for q in ranked] == [
        ("Hoe exporteer ik mijn boekingen?", 2, "nl"),
        ("How do I export bookings?", 1, "en"),
    ]
    assert ranked[0].last_seen == DAY + timedelta(hours=1)


def test_charts_are_well_formed_svg_with_escaped_labels() -> None:
    days = [date(2026, 11, d) for d in range(1, 8)]
    bars = charts.stacked_bars(
        "<b>title</b>", days, [charts.Series('a "quoted" <name>', "s-ok", [1, 2, 0, None, 5, 0, 1])]
    )
    line = charts.lines(
        "t", days, [charts.Series("median", "s-median", [None, 3.5, 30.0, None, 1, 2, None])],
        unit=" h", target=24, target_label="target <24h>",
    )  # fmt: skip
    for svg in (bars, line, charts.meter(0.42), charts.meter(None)):
        root = ElementTree.fromstring(str(svg))
        assert root.tag.endswith("svg")
        assert "<b>" not in str(svg) and "<name>" not in str(svg)
    assert len(re.findall(r"<rect ", str(bars))) == 4  # zero and missing days draw nothing
    assert len(re.findall(r"<circle ", str(line))) == 4 and 'class="target"' in str(line)


def test_the_dashboard_page_shows_the_numbers_and_the_missed_questions(
    app: Flask, console: Console
) -> None:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="nl")
    rt.conversations.post(
        started.public_id, started.token, "hoe koppel ik google agenda aan appointpress"
    )
    number, conversation_id, *_ = open_ticket(app)
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        ticket.first_response_at = ticket.opened_at + timedelta(hours=30)
        session.add(
            EventRecord(conversation_id=conversation_id, kind="faq_missed",
                        data={"query": "Kan ik de kleuren per dag instellen?", "language": "nl"})
        )  # fmt: skip
    html = console.get("/staff/dashboard/?days=7").text
    pattern = r'<span class="value">([^<]+)</span><span class="label">([^<]+)</span>'
    tiles = {label: value for value, label in re.findall(pattern, html)}
    assert tiles["gesprekken"] == "2"
    # one FAQ answer (pending: the customer may still write) and one ticket, so the only
    # settled conversation is handed off and nothing is durable yet
    assert tiles["duurzaam opgelost (7 dagen standgehouden)"] == "0,0%"
    assert tiles["bevestigd door de klant"] == "0,0%"
    assert tiles["mediaan eerste reactie"] == "30,0 h"
    assert tiles["boven de streeftijd van 24 uur"] == "1"
    assert "Kan ik de kleuren per dag instellen?" in html
    assert html.count('<svg class="chart"') == 4 and html.count('<svg class="ladder-bar"') == 1
    assert console.get("/staff/dashboard/?days=9999&product=nonsense").status_code == 200
    product_only = console.get("/staff/dashboard/?product=polder").text
    assert "Kan ik de kleuren per dag instellen?" not in product_only


def test_answers_to_the_bots_questions_are_not_listed_as_unanswered(
    app: Flask, console: Console
) -> None:
    """Issue 12, console #4: "weet ik niet, de nieuwste denk ik" (the customer answering the
    bot) showed up as a question the FAQ could not answer."""
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="nl")
    for text in (
        "Zijn jullie op zondag open?",  # a real question the FAQ has no answer to
        "weet ik niet, de nieuwste denk ik",
        "weet ik niet",
        "geen idee",
    ):
        rt.conversations.post(started.public_id, started.token, text)
    html = console.get("/staff/dashboard/?days=7").text
    missed = re.search(r'<table class="numbers missed">(.*?)</table>', html, re.S)
    assert missed and "Zijn jullie op zondag open?" in missed.group(1)
    for reply in ("weet ik niet", "geen idee"):
        assert reply not in missed.group(1)


def test_counts_on_the_dashboard_use_plural_forms(app: Flask, console: Console) -> None:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="nl")
    rt.conversations.post(started.public_id, started.token, "hoe koppel ik google agenda")
    html = console.get("/staff/dashboard/?days=7").text
    pattern = r'<span class="value">([^<]+)</span><span class="label">([^<]+)</span>'
    tiles = {label: value for value, label in re.findall(pattern, html)}
    assert tiles["gesprek"] == "1"  # not "1 gesprekken"
    assert tiles["tickets geopend"] == "0"
    assert "afgelopen 7 dagen" in html and "streeftijd: 24 uur" in html


def _talk(app: Flask, *texts: str, email: str | None = None) -> None:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="en", email=email)
    for text in texts:
        rt.conversations.post(started.public_id, started.token, text)


def _dashboard_queries(app: Flask, console: Console) -> tuple[int, str]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    engine = rt_of(app).db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        html = console.get("/staff/dashboard/?days=7").text
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements), html


def test_the_dashboard_reads_a_fixed_number_of_queries_whatever_the_conversations(
    app: Flask, console: Console
) -> None:
    calendar = "how do I connect google calendar to appointpress"
    _talk(app, calendar, "yes, thanks")
    _dashboard_queries(app, console)  # the first reading sums the closed days once
    few, _html = _dashboard_queries(app, console)
    for n in range(6):
        _talk(app, calendar, "yes, thanks")
        _talk(app, calendar, "no, that didn't help", f"k{n}@example.org")
        _talk(app, "the plugin stopped working")
    many, html = _dashboard_queries(app, console)
    assert many == few <= 15  # 15: which days have a current FAQ-entry summary (0011)
    assert 'id="ladder"' in html and "How do I connect AppointPress to Google Calendar?" in html
