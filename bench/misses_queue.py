"""The review queue of missed questions at scale: its page and the grouping of a new miss.

    .venv/bin/python bench/misses_queue.py [--conversations N] [--runs R] [--postgres URL]

Seeds N conversations (default 100,000), each with one missed question, grouped as a busy shop's
are (a few hundred questions asked again and again, a long tail asked once), 30% of the groups
decided (taught, proposed, ignored). Rows, each against a baseline measured in the same run on
the same database engine with no conversations at all:
- the queue page (``GET /staff/misses/``, logged in, through the Flask app): median and slowest
  of R runs, and the SELECTs it issued;
- its "taught" tab;
- recording a new miss (``record_miss``: the grouping lookup among recent open groups), rolled
  back so every run sees the same data.
The acceptance: the page in under 200 ms with the same few queries at 100,000 conversations.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import REPO, print_table  # noqa: I001 - puts the checkout on sys.path
from flask import Flask
from sqlalchemy import event, insert, text

from bot.app import create_app
from bot.channels.runtime import Runtime
from bot.config import Config
from bot.core.learning.misses import Miss
from bot.core.learning.similarity import similarity_key
from bot.helpdesk.learning.misses import record_miss
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.helpdesk.staff.sessions import start_session
from bot.storage.models import Conversation, MissedGroup, MissedQuestion

NOW = datetime.now(UTC)
POPULAR = 400  # questions many customers ask (Zipf-like counts)
CHUNK = 5000
WORDS = (
    "boeking agenda factuur licentie thema formulier nieuwsbrief betaling herinnering mail "
    "kalender update import export wachtlijst kleur lettertype raspberry server tijdzone"
).split()


def question(rng: random.Random, n: int) -> str:
    """A made-up question; popular ones repeat word for word."""
    words = random.Random(n).sample(WORDS, 4)
    return f"Hoe werkt {words[0]} met {words[1]} en {words[2]} bij {words[3]} nummer {n}?"


def seed(rt: Runtime, count: int) -> None:
    rng = random.Random(13)
    groups: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    conversations: list[dict[str, Any]] = []
    group_of: dict[int, int] = {}
    tag = uuid.uuid4().hex[:6]
    for n in range(1, count + 1):
        popular = rng.random() < 0.3
        topic = int(rng.paretovariate(1.2)) % POPULAR if popular else POPULAR + n
        when = NOW - timedelta(minutes=count - n)
        conversations.append(
            {"id": n, "public_id": f"{tag}-{n}", "token_hash": "x" * 64, "channel": "widget",
             "language": "nl", "status": "bot", "state": {}, "message_count": 2,
             "created_at": when, "updated_at": when}
        )  # fmt: skip
        if topic not in group_of:
            status = rng.choices(["open", "taught", "proposed", "ignored"], [70, 10, 10, 10])[0]
            group_of[topic] = len(groups) + 1
            groups.append(
                {"id": len(groups) + 1, "language": "nl", "product": None, "status": status,
                 "size": 0, "no_match": 0, "declined": 0, "not_helped": 0, "not_understood": 0,
                 "seed_id": n, "first_seen": when, "last_seen": when, "entry_ref": None,
                 "text": None if status == "open" else question(rng, topic),
                 "decided_by": None, "decided_at": None if status == "open" else when}
            )  # fmt: skip
        group = groups[group_of[topic] - 1]
        group["size"] += 1
        group["no_match"] += 1
        group["last_seen"] = when
        text_ = question(rng, topic)
        misses.append(
            {"id": n, "group_id": group["id"], "conversation_id": n, "reason": "no_match",
             "text": text_, "similarity_key": similarity_key(text_, "nl"), "entry_ref": None,
             "created_at": when}
        )  # fmt: skip
    with rt.db.engine.begin() as connection:
        for table, rows in (
            (Conversation, conversations), (MissedGroup, groups), (MissedQuestion, misses)
        ):  # fmt: skip
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(table), rows[start : start + CHUNK])
        if rt.db.engine.dialect.name == "postgresql":
            for table in ("conversations", "missed_groups", "missed_questions"):  # ids given
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}))")
                )  # fmt: skip
            connection.execute(text("ANALYZE conversations, missed_groups, missed_questions"))
        else:
            connection.execute(text("ANALYZE"))


@contextmanager
def counted(rt: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    event.listen(rt.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", count)


def page_times(app: Flask, rt: Runtime, path: str, runs: int) -> tuple[list[float], int]:
    with rt.db.session() as session:
        user = add_staff(
            session, f"bench-{uuid.uuid4().hex[:6]}@nme.example", "Bench", "pw long enough",
            cost=ScryptCost(2**10, 8, 1),
        )  # fmt: skip
        token = start_session(session, user, datetime.now(UTC), ip=None, user_agent=None)
    client = app.test_client()
    client.set_cookie("supportbot_staff", token)
    assert client.get(path).status_code == 200  # warm: templates compiled, pool connected
    times, queries = [], 0
    for _ in range(runs):
        with counted(rt) as statements:
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(statements)
    return times, queries


def record_times(rt: Runtime, runs: int) -> list[float]:
    times = []
    for n in range(runs):
        with rt.db.sessions() as session, session.begin():
            conversation_id = session.execute(
                insert(Conversation).values(
                    public_id=f"rec-{uuid.uuid4().hex}", token_hash="x", channel="widget",
                    language="nl", status="bot", state={}, message_count=0,
                    created_at=NOW, updated_at=NOW,
                ).returning(Conversation.id)
            ).scalar_one()  # fmt: skip
            miss = Miss(f"Werkt de wachtlijst ook met de kalender {n}?", "nl", "no_match")
            started = time.perf_counter()
            record_miss(session, conversation_id, miss, NOW)
            session.flush()
            times.append((time.perf_counter() - started) * 1000)
            session.rollback()
    return times


def measure(url: str, tmp: Path, count: int, runs: int) -> dict[str, Any]:
    config = Config(
        data_dir=REPO / "faq_data", database_url=url, instance_dir=tmp, secret_key="bench",
        semantic=False,
    )  # fmt: skip
    app = create_app(config)
    rt: Runtime = app.extensions["supportbot"]
    if count:
        seed(rt, count)
    found: dict[str, Any] = {}
    found["page"], found["page_queries"] = page_times(app, rt, "/staff/misses/", runs)
    found["taught"], found["taught_queries"] = page_times(
        app, rt, "/staff/misses/?status=taught", runs
    )
    found["record"] = record_times(rt, runs)
    rt.db.dispose()
    return found


def rows(
    backend: str, count: int, big: dict[str, Any], empty: dict[str, Any]
) -> list[list[object]]:
    def cell(samples: list[float]) -> str:
        return f"{statistics.median(samples):.1f} / {max(samples):.1f} ms"

    table = []
    for key, name in (
        ("page", "queue page"),
        ("taught", '"taught" tab'),
        ("record", "record a miss"),
    ):
        queries = big.get(f"{key}_queries")
        table.append([
            backend, f"{name}, {count:,} conversations", cell(big[key]),
            "-" if queries is None else f"{queries} / {empty[f'{key}_queries']}",
            cell(empty[key]),
            f"{statistics.median(big[key]) / statistics.median(empty[key]):.2f}",
        ])  # fmt: skip
    return table


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine

    admin = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"bench_misses_{uuid.uuid4().hex[:8]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "SUPPORTBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
        help="base URL ('' to skip PostgreSQL)",
    )
    args = parser.parse_args()
    table: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, count in (("empty", 0), ("big", args.conversations)):
            url = f"sqlite:///{Path(tmp) / f'{name}.sqlite3'}"
            results[name] = measure(url, Path(tmp), count, args.runs)
        table += rows("SQLite", args.conversations, results["big"], results["empty"])
        if args.postgres:
            for name, count in (("empty", 0), ("big", args.conversations)):
                with postgres_schema(args.postgres) as url:
                    results[name] = measure(url, Path(tmp), count, args.runs)
            table += rows("PostgreSQL", args.conversations, results["big"], results["empty"])
    print_table(
        ["database", "measure", "median / slowest", "SELECTs (vs empty)",
         "baseline: no conversations", "ratio (medians)"],
        table,
    )  # fmt: skip


if __name__ == "__main__":
    main()
