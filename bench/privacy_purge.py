"""The retention purge: how fast it anonymises, and what it costs a customer chatting meanwhile.

    .venv/bin/python bench/privacy_purge.py [--conversations N] [--rounds R] [--postgres URL]

Rows, each against a baseline measured in the same run (the ratio survives a noisy machine):
- purge: conversations anonymised per second by ``Purge.run`` (one transaction per
  conversation: lock, empty texts, scrub events and ticket, delete mail) vs the least such a
  transaction can do (empty the messages and the conversation's data, commit);
- chat turns (``Conversations.post``) while a purge of the same size runs in another thread vs
  the same turns with nothing else running.
Every round seeds a fresh set of old conversations; the table shows the median of the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import REPO, print_table  # noqa: I001 - puts the checkout on sys.path
from sqlalchemy import text, update

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.config import Config
from bot.helpdesk.privacy.retention import Purge, Retention
from bot.storage import repositories as repo
from bot.storage.models import Conversation

OLD = datetime.now(UTC) - timedelta(days=400)
CHAT = ["hoe installeer ik appointpress", "de plugin werkt niet meer", "AppointPress", "3.1"]


def seed(rt: Runtime, count: int) -> list[int]:
    """``count`` quiet conversations, each with a customer, 10 messages, events, some a ticket."""
    ids = []
    tag = uuid.uuid4().hex[:8]
    with rt.db.session() as session:
        for n in range(count):
            customer = repo.get_or_create_customer(session, f"klant{n}-{tag}@example.org", "Klant")
            conversation, _ = repo.create_conversation(
                session, channel="widget", language="nl", state={"slots": {"email": "x"}},
                customer=customer,
            )  # fmt: skip
            for m in range(10):
                repo.append_message(
                    session, conversation, "customer" if m % 2 else "bot", f"tekst {m} " * 20
                )
            repo.add_event(
                session, conversation.id, "faq_missed", {"query": "vraag", "language": "nl"}
            )
            if n % 3 == 0:
                repo.create_ticket(
                    session, conversation, prefix="B", reason="person", summary="help",
                    due_at=OLD, details={"email": "x"},
                )  # fmt: skip
            ids.append(conversation.id)
        session.flush()
        session.execute(update(Conversation).where(Conversation.id.in_(ids)).values(updated_at=OLD))
        session.execute(
            text("UPDATE tickets SET status = 'resolved', updated_at = :old"), {"old": OLD}
        )
    return ids


def bare_anonymise(rt: Runtime, ids: list[int]) -> None:
    for conversation_id in ids:
        with rt.db.session() as session:
            session.execute(
                text("UPDATE messages SET text = '', html = NULL WHERE conversation_id = :c"),
                {"c": conversation_id},
            )
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(subject=None, customer_id=None, anonymised_at=datetime.now(UTC))
            )


def turns(rt: Runtime, count: int, stop: threading.Event | None = None) -> list[float]:
    samples: list[float] = []
    while len(samples) < count or (stop is not None and not stop.is_set()):
        started = rt.conversations.start(channel="widget", language="nl")
        for message in CHAT:
            began = time.perf_counter()
            rt.conversations.post(started.public_id, started.token, message)
            samples.append((time.perf_counter() - began) * 1000)
    return samples


def purge_then_stop(purge: Purge, stop: threading.Event) -> None:
    try:
        purge.run()
    finally:
        stop.set()


def p(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure(rt: Runtime, count: int, rounds: int) -> dict[str, list[float]]:
    purge = Purge(rt.db, Retention(365, 90), clock=lambda: datetime.now(UTC))
    found: dict[str, list[float]] = {
        k: [] for k in ("purge", "bare", "alone50", "alone99", "busy50", "busy99")
    }
    for _ in range(rounds):
        seed(rt, count)
        began = time.perf_counter()
        report = purge.run()
        found["purge"].append(report.removed.conversations / (time.perf_counter() - began))
        ids = seed(rt, count)
        began = time.perf_counter()
        bare_anonymise(rt, ids)
        found["bare"].append(count / (time.perf_counter() - began))
        alone = turns(rt, 40)
        found["alone50"].append(p(alone, 50))
        found["alone99"].append(p(alone, 99))
        seed(rt, count)
        stop = threading.Event()
        purger = threading.Thread(target=purge_then_stop, args=(purge, stop))
        purger.start()
        busy = turns(rt, 40, stop)
        purger.join()
        found["busy50"].append(p(busy, 50))
        found["busy99"].append(p(busy, 99))
    return found


def rows(backend: str, count: int, found: dict[str, list[float]]) -> list[list[object]]:
    med = {key: statistics.median(values) for key, values in found.items()}
    return [
        [backend, f"purge {count} conversations", f"{med['purge']:.0f} conv/s",
         "bare update per conversation", f"{med['bare']:.0f} conv/s",
         f"{med['purge'] / med['bare']:.2f}"],
        [backend, "chat turn p50 / p99 during the purge",
         f"{med['busy50']:.1f} / {med['busy99']:.1f} ms", "same turns, no purge",
         f"{med['alone50']:.1f} / {med['alone99']:.1f} ms",
         f"{med['busy50'] / med['alone50']:.2f}"],
    ]  # fmt: skip


def runtime_for(url: str, tmp: Path) -> Runtime:
    config = Config(
        data_dir=REPO / "faq_data", database_url=url, instance_dir=tmp, secret_key="bench",
        rate_per_conversation=100_000, rate_per_ip=100_000,
    )  # fmt: skip
    return build_runtime(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("SUPPORTBOT_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    table: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        rt = runtime_for(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Path(tmp))
        table += rows("SQLite", args.conversations, measure(rt, args.conversations, args.rounds))
        rt.db.dispose()
        if args.postgres:
            schema = f"bench_purge_{uuid.uuid4().hex[:8]}"
            admin = runtime_for(args.postgres, Path(tmp)).db
            with admin.engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            separator = "&" if "?" in args.postgres else "?"
            url = f"{args.postgres}{separator}options=-csearch_path%3D{schema}"
            try:
                rt = runtime_for(url, Path(tmp))
                table += rows(
                    "PostgreSQL", args.conversations, measure(rt, args.conversations, args.rounds)
                )
                rt.db.dispose()
            finally:
                with admin.engine.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print_table(
        ["database", "measure", "Supportbot", "baseline (same run)", "baseline", "ratio"], table
    )


if __name__ == "__main__":
    main()
