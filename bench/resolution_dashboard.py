"""The staff dashboard with the resolution ladder at 100,000 conversations: render time and
number of queries, on SQLite and PostgreSQL.

    .venv/bin/python bench/resolution_dashboard.py [--conversations N] [--runs R] [--postgres URL]

Seeds N conversations over the last 90 days (their ladder facts, two messages each, tickets for
the handed-off ones, FAQ answers, FAQ misses), then renders ``/staff/dashboard/?days=90`` (all N
in the period) R times through the real app as a logged-in colleague. Rows, each against a
baseline measured in the same run on the same rows:
- the whole page vs what the dashboard did before the ladder for its conversation tiles alone:
  one row per conversation into Python (created, product, customer wrote, FAQ answered, ticket);
- the ladder's grouped query alone vs the least any count of those conversations costs
  (``SELECT count(*)`` over the period);
- each other part of the page vs how the page read it before, on the same rows: the ticket
  figures (one row per ticket into ``build_report``), the per-entry figures (every FAQ answer
  of the period grouped), the missed questions (one row per event into ``missed_questions``).
Times are the median of R runs (min-max in brackets); queries are counted per page.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from common import REPO, print_table  # noqa: I001 - puts the checkout on sys.path
from flask import Flask
from sqlalchemy import Engine, event, exists, func, insert, select, text

from bot.app import create_app
from bot.channels.console.dashboard_data import Period, load_report, missed
from bot.channels.console.metrics import TicketFact, build_report, missed_questions
from bot.channels.runtime import runtime
from bot.config import Config
from bot.helpdesk.entry_summary import load_entry_figures
from bot.helpdesk.ladder import entry_figures, load_ladder_direct
from bot.helpdesk.ladder_summary import load_ladder
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, FaqAnswer, Message, Ticket

PASSWORD = "bench password, long enough"
PRODUCTS = ["appointpress", "mailmagnet", "polder", None]
FAQ_IDS = ["appointpress-google-calendar", "appointpress-reminders-not-sent", "invoice",
           "appointpress-wrong-time", "cancel-subscription", "changes-not-visible"]  # fmt: skip
# (outcome, ticket reason or None, weight): roughly what a support desk sees
OUTCOMES = [
    ("confirmed", None, 18), ("answer", None, 30), ("question", None, 14),
    ("handed_off", "person", 8), ("handed_off", "no_answer", 6), ("handed_off", "not_helped", 5),
    ("handed_off", "bug", 4), ("handed_off", "conflict_test_failed", 2), ("expired", None, 2),
    ("not_understood", None, 3), ("declined", None, 1), (None, None, 7),  # None: never wrote
]  # fmt: skip
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def seed(app: Flask, count: int, now: datetime) -> None:
    """``count`` conversations with their facts, inserted in batches (no engine turns)."""
    rt = runtime(app)
    rng = random.Random(13)
    choices = [(o, r) for o, r, w in OUTCOMES for _ in range(w)]
    with rt.db.engine.begin() as connection:
        next_id = 1
        for start in range(0, count, 5000):
            conversations, messages, tickets, answers, events = [], [], [], [], []
            for n in range(start, min(start + 5000, count)):
                outcome, reason = rng.choice(choices)
                created = now - timedelta(seconds=rng.uniform(0, 89 * 86400))
                at = created + timedelta(minutes=rng.uniform(1, 30))
                product = rng.choice(PRODUCTS)
                conversations.append({
                    "id": next_id, "public_id": f"b{n}", "token_hash": "x", "state": {},
                    "channel": rng.choice(["widget", "widget", "email", "api"]),
                    "language": rng.choice(["nl", "nl", "en"]), "status": "bot",
                    "product": product, "message_count": 2, "created_at": created,
                    "updated_at": at, "outcome": "handed_off" if reason else outcome,
                    "outcome_at": at if outcome else None, "handoff_reason": reason,
                    "reopened_at": at if rng.random() < 0.03 and outcome == "confirmed" else None,
                    "followed_up_at": at if rng.random() < 0.05 and outcome else None,
                })  # fmt: skip
                messages.append(
                    {
                        "conversation_id": next_id,
                        "seq": 1,
                        "role": "bot",
                        "text": "hallo",
                        "payload": {},
                        "created_at": created,
                    }
                )
                if outcome is not None:
                    messages.append(
                        {
                            "conversation_id": next_id,
                            "seq": 2,
                            "role": "customer",
                            "text": "vraag",
                            "payload": {},
                            "created_at": at,
                        }
                    )
                if reason:
                    first = at + timedelta(hours=rng.uniform(0.5, 40))
                    tickets.append({
                        "number": f"B-{n}", "conversation_id": next_id, "status": "open",
                        "reason": reason, "summary": "vraag", "product": product,
                        "channel": "widget", "language": "nl", "details": {}, "opened_at": at,
                        "due_at": at + timedelta(hours=24), "updated_at": at,
                        "first_response_at": first if first < now else None,
                    })  # fmt: skip
                if outcome in ("confirmed", "answer") or reason == "not_helped":
                    answers.append({
                        "conversation_id": next_id, "faq_id": rng.choice(FAQ_IDS),
                        "language": "nl", "answered_at": at,
                        "helpful": True if outcome == "confirmed" else (
                            False if reason == "not_helped" else None),
                        "ticket_after": reason == "not_helped",
                    })  # fmt: skip
                if reason == "no_answer":
                    events.append({"conversation_id": next_id, "kind": "faq_missed",
                                   "data": {"query": f"vraag {n % 400}", "language": "nl"},
                                   "created_at": at})  # fmt: skip
                next_id += 1
            for model, rows in (
                (Conversation, conversations),
                (Message, messages),
                (Ticket, tickets),
                (FaqAnswer, answers),
                (EventRecord, events),
            ):
                if rows:
                    connection.execute(insert(model), rows)  # fmt: skip
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval('conversations_id_seq', (SELECT max(id) FROM conversations))")
            )
            connection.execute(text("ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def timed(runs: int, action: Callable[[], object]) -> list[float]:
    action()  # warm: template compiled, caches filled
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def per_conversation_rows(app: Flask, since: datetime) -> int:
    """The baseline: the dashboard before the ladder read one row per conversation."""
    wrote = exists().where(Message.conversation_id == Conversation.id, Message.role == "customer")
    answered = exists().where(
        EventRecord.conversation_id == Conversation.id, EventRecord.kind == "faq_answered"
    )
    ticket = exists().where(Ticket.conversation_id == Conversation.id)
    query = select(Conversation.created_at, Conversation.product, wrote, answered, ticket).where(
        Conversation.created_at >= since
    )
    with runtime(app).db.session() as session:
        return len([tuple(row) for row in session.execute(query)])


def per_ticket_report(app: Flask, period: Period, now: datetime) -> object:
    """Before: one row per ticket of the period into Python, counted by ``build_report``."""
    query = select(Ticket.opened_at, Ticket.product, Ticket.first_response_at).where(
        Ticket.opened_at >= period.since, Ticket.opened_at < period.until
    )
    with runtime(app).db.session() as session:
        facts = [TicketFact(*row) for row in session.execute(query)]
    return build_report(facts, start=period.start, end=period.end, now=now, target_hours=24,
                        zone=period.zone)  # fmt: skip


def per_event_misses(app: Flask, period: Period) -> object:
    """Before: one row per missed question of the period, grouped in Python."""
    query = select(EventRecord.data, EventRecord.created_at).where(
        EventRecord.kind == "faq_missed",
        EventRecord.created_at >= period.since,
        EventRecord.created_at < period.until,
    )
    with runtime(app).db.session() as session:
        events = [(str(data.get("query", "")), str(data.get("language", "")), at)
                  for data, at in session.execute(query)]  # fmt: skip
    return missed_questions(events)


def parts(app: Flask, runs: int, now: datetime) -> list[list[object]]:
    """The page's other parts, each against how the page read it before."""
    rt = runtime(app)
    period = Period.last_days(90, now, ZoneInfo(rt.config.timezone))

    def read(part: Callable[[Any], object]) -> Callable[[], object]:
        def run() -> object:
            with rt.db.session() as session:
                return part(session)

        return run

    pairs = [
        ("ticket figures grouped in SQL",
         read(lambda s: load_report(s, period, None, now=now, target_hours=24)),
         "one row per ticket (before)", lambda: per_ticket_report(app, period, now)),
        ("FAQ entries from day summaries",
         read(lambda s: load_entry_figures(s, period.since, period.until, zone=period.zone)),
         "every answer grouped (before)",
         read(lambda s: entry_figures(s, period.since, period.until))),
        ("missed questions grouped in SQL", read(lambda s: missed(s, period, None)),
         "one row per event (before)", lambda: per_event_misses(app, period)),
    ]  # fmt: skip
    rows: list[list[object]] = []
    for name, ours, baseline_name, baseline in pairs:
        ours_ms, baseline_ms = timed(runs, ours), timed(runs, baseline)
        rows.append([name, span(ours_ms), "-", baseline_name, span(baseline_ms),
                     ratio(ours_ms, baseline_ms)])  # fmt: skip
    return rows


def measure(app: Flask, count: int, runs: int) -> list[list[object]]:
    rt = runtime(app)
    now = datetime.now(UTC)
    seed(app, count, now)
    with rt.db.session() as session:
        add_staff(session, "bench@nme.example", "Bench", PASSWORD, cost=ScryptCost(2**10, 8, 1))
    client = app.test_client()
    token = CSRF.search(client.get("/staff/login").text)
    assert token is not None
    login = {"email": "bench@nme.example", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/staff/login", data=login).status_code == 303

    def page() -> str:
        response = client.get("/staff/dashboard/?days=90")
        assert response.status_code == 200 and 'id="ladder"' in response.text
        return response.text

    since = now - timedelta(days=90)
    window = timedelta(hours=72)

    def ladder(read: Callable[..., object] = load_ladder) -> object:
        with rt.db.session() as session:
            return read(
                session, since, now, now=now, window=window, zone=ZoneInfo(rt.config.timezone)
            )

    def floor() -> object:
        query = select(func.count()).where(Conversation.created_at >= since)
        with rt.db.session() as session:
            return session.execute(query).scalar()

    began = time.perf_counter()
    with counted(rt.db.engine) as statements:
        page()  # the first reading sums the 89 closed days (as migration 0009's backfill does)
    first_ms = [(time.perf_counter() - began) * 1000]
    with counted(rt.db.engine) as statements:
        page()
    queries = len(statements)
    page_ms = timed(runs, page)
    rows_ms = timed(runs, lambda: per_conversation_rows(app, since))
    ladder_ms = timed(runs, ladder)
    direct_ms = timed(runs, lambda: ladder(load_ladder_direct))
    floor_ms = timed(runs, floor)
    return [
        ["dashboard page, 90 days", span(page_ms), queries,
         "one row per conversation (before)", span(rows_ms), ratio(page_ms, rows_ms)],
        ["ladder from day summaries", span(ladder_ms), "-", "ladder counted from every row",
         span(direct_ms), ratio(ladder_ms, direct_ms)],
        ["ladder from day summaries", span(ladder_ms), "-", "count(*) of the period",
         span(floor_ms), ratio(ladder_ms, floor_ms)],
        *parts(app, runs, now),
        ["first page after seeding (sums 89 days)", span(first_ms), "-",
         "one row per conversation (before)", span(rows_ms), ratio(first_ms, rows_ms)],
    ]  # fmt: skip


def span(samples: list[float]) -> str:
    return f"{statistics.median(samples):.0f} ms ({min(samples):.0f}-{max(samples):.0f})"


def ratio(ours: list[float], baseline: list[float]) -> str:
    return f"{statistics.median(ours) / statistics.median(baseline):.2f}"


def app_for(url: str, tmp: Path) -> Flask:
    config = Config(
        data_dir=REPO / "faq_data", database_url=url, instance_dir=tmp, secret_key="bench",
        semantic=False,
    )  # fmt: skip
    return create_app(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("SUPPORTBOT_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    n = args.conversations
    table: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = app_for(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp))
        table += [["SQLite", f"{n:,}", *row] for row in measure(app, n, args.runs)]
        runtime(app).db.dispose()
        if args.postgres:
            schema = f"bench_ladder_{uuid.uuid4().hex[:8]}"
            admin_db = Database(args.postgres)
            with admin_db.engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            separator = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{separator}options=-csearch_path%3D{schema}"
            try:
                app = app_for(url, Path(tmp))
                table += [["PostgreSQL", f"{n:,}", *row] for row in measure(app, n, args.runs)]
                runtime(app).db.dispose()
            finally:
                with admin_db.engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin_db.dispose()
    print_table(
        ["database", "conversations", "measure", "Supportbot", "queries",
         "baseline (same run)", "baseline", "ratio"],
        table,
    )  # fmt: skip


if __name__ == "__main__":
    main()
