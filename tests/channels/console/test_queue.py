"""The queue: sorted by due time, filters, search, pages, live-refresh rows, and 10,000 tickets
(a fixed number of queries, a fast page) on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, insert

from bot.channels.console.queue import PER_PAGE, QueueFilters
from bot.storage.models import Conversation, Customer, Message, Ticket
from tests.channels.console.conftest import Console, rt_of

NOW = datetime.now(UTC)
PRODUCTS = ("appointpress", "mailmagnet", "polder")
_NUMBER = re.compile(r'<tr data-number="([A-Z]+-\d+)"')


def seed(app: Flask, count: int, *, assignee: int | None = None) -> None:
    """``count`` tickets in bulk: varied status, product, channel, language, assignee, due."""
    customers, conversations, messages, tickets = [], [], [], []
    for n in range(1, count + 1):
        customers.append({"id": n, "email": f"klant{n}@voorbeeld.example", "name": f"Klant {n}"})
        channel = ("widget", "email")[n % 2]
        language = ("nl", "nl", "en")[n % 3]
        conversations.append(
            {
                "id": n, "public_id": f"p{n}", "token_hash": "0" * 64, "channel": channel,
                "customer_id": n, "language": language, "status": "waiting_for_staff",
                "state": {}, "subject": f"Onderwerp {n}", "message_count": 2,
                "created_at": NOW, "updated_at": NOW, "product": PRODUCTS[n % 3],
            }
        )  # fmt: skip
        messages += [
            {"conversation_id": n, "seq": 1, "role": "customer", "text": f"vraag nummer {n}",
             "payload": {}, "created_at": NOW},
            {"conversation_id": n, "seq": 2, "role": "bot", "text": "ticket geopend",
             "payload": {}, "created_at": NOW},
        ]  # fmt: skip
        tickets.append(
            {
                "id": n, "number": f"NME-{1000 + n}", "conversation_id": n,
                "status": ("open", "open", "waiting", "resolved")[n % 4], "reason": "person",
                "summary": f"Probleem {n}", "product": PRODUCTS[n % 3], "channel": channel,
                "language": language, "details": {},
                "assignee_id": assignee if assignee and n % 5 == 0 else None,
                "opened_at": NOW - timedelta(hours=30), "updated_at": NOW,
                "due_at": NOW + timedelta(minutes=n * 97 % 3000 - 600),
                "resolved_at": NOW if n % 4 == 3 else None,
            }
        )  # fmt: skip
    with rt_of(app).db.session() as session:
        for model, data in (
            (Customer, customers), (Conversation, conversations), (Message, messages),
            (Ticket, tickets),
        ):  # fmt: skip
            for start in range(0, len(data), 2000):
                session.execute(insert(model), data[start : start + 2000])
    if rt_of(app).db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
        with rt_of(app).db.engine.begin() as connection:
            for table in ("customers", "conversations", "tickets"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count + 1})"
                )
            connection.exec_driver_sql("ANALYZE customers, conversations, messages, tickets")


def numbers(html: str) -> list[str]:
    return _NUMBER.findall(html)


@contextmanager
def counted_selects(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = rt_of(app).db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_open_tickets_come_sorted_by_due_time_overdue_first(app: Flask, console: Console) -> None:
    seed(app, 40)
    shown = numbers(console.get("/staff/").text)
    with rt_of(app).db.session() as session:
        due = {t.number: t.due_at for t in session.query(Ticket).filter_by(status="open")}
    assert shown == sorted(due, key=lambda number: (due[number], int(number[4:])))
    html = console.get("/staff/").text
    assert "due-overdue" in html and "due-ok" in html


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ({"status": "waiting"}, lambda n: n % 4 == 2),
        ({"status": "resolved"}, lambda n: n % 4 == 3),
        ({"status": "active"}, lambda n: n % 4 in (0, 1, 2)),
        ({"status": "any"}, lambda n: True),
        ({"product": "polder"}, lambda n: n % 4 in (0, 1) and n % 3 == 2),
        ({"channel": "email"}, lambda n: n % 4 in (0, 1) and n % 2 == 1),
        ({"language": "en"}, lambda n: n % 4 in (0, 1) and n % 3 == 2),
        ({"view": "mine"}, lambda n: n % 4 in (0, 1) and n % 5 == 0),
        ({"view": "unassigned"}, lambda n: n % 4 in (0, 1) and n % 5 != 0),
        ({"status": "any", "q": "klant7@voorbeeld"}, lambda n: n == 7),  # customer
        ({"status": "any", "q": "Probleem 12"}, lambda n: n == 12),  # every word must match
        ({"status": "any", "q": "NUMMER 37"}, lambda n: n == 37),  # message text
        ({"status": "any", "q": "Onderwerp 29"}, lambda n: n == 29),
        ({"status": "any", "q": "100%_\\"}, lambda n: False),  # LIKE wildcards are literal
    ],
)
def test_filters_and_search(app: Flask, agent: int, query: dict[str, str], wanted: Any) -> None:
    seed(app, 40, assignee=agent)
    console = Console(app.test_client())
    console.login("piet@nme.example")
    shown = numbers(console.get("/staff/", query_string=query).text)
    assert sorted(shown) == sorted(f"NME-{1000 + n}" for n in range(1, 41) if wanted(n))


def test_unknown_filter_values_fall_back_to_defaults() -> None:
    filters = QueueFilters.from_args(
        {"view": "x", "status": "deleted", "product": "nope", "page": "-3", "q": " a   b "},
        products=["polder"],
        languages=["nl", "en"],
    )
    assert filters == QueueFilters(q="a b")
    assert filters.args(page=2) == {"q": "a b", "page": 2}


def test_the_queue_pages_and_clamps_the_page_number(app: Flask, console: Console) -> None:
    seed(app, 300)
    first = numbers(console.get("/staff/").text)
    second = numbers(console.get("/staff/?page=2").text)
    last = numbers(console.get("/staff/?page=999").text)
    assert len(first) == len(second) == PER_PAGE and not set(first) & set(second)
    assert 0 < len(last) <= PER_PAGE and not set(last) & set(first)
    assert "Pagina 1 van 3" in console.get("/staff/").text


def test_the_rows_fragment_is_what_the_page_shows(app: Flask, console: Console) -> None:
    seed(app, 20)
    page = console.get("/staff/?product=mailmagnet").text
    rows = console.get("/staff/queue/rows?product=mailmagnet")
    assert rows.status_code == 200 and "<html" not in rows.text
    assert numbers(rows.text) == numbers(page)


@pytest.mark.slow
def test_ten_thousand_tickets_load_fast_with_a_fixed_number_of_queries(
    app: Flask, console: Console
) -> None:
    seed(app, 10_000)
    for path in ("/staff/", "/staff/?page=20", "/staff/?view=unassigned&product=polder",
                 "/staff/?status=any&q=klant9999", "/staff/?status=resolved"):  # fmt: skip
        console.get(path)  # warm up
        with counted_selects(app) as selects:
            started = time.perf_counter()
            response = console.get(path)
            elapsed = time.perf_counter() - started
        print(f"{path}: {elapsed * 1000:.0f} ms, {len(selects)} SELECTs")
        assert response.status_code == 200
        assert elapsed < 1.5, f"{path} took {elapsed:.2f} s"
        assert len(selects) <= 5, selects  # session, count, page, view counts (+1 spare)
    assert len(numbers(console.get("/staff/").text)) == PER_PAGE
    assert "5.000" in console.get("/staff/").text  # of 5,000 open tickets, in Dutch notation
    empty = console.get("/staff/?q=nothing-matches-this")
    assert numbers(empty.text) == []
