"""Turn latency of the dialogue engine and of a whole stored turn, over scripted conversations.

    .venv/bin/python bench/dialogue_latency.py [--rounds N]

Rows (each against a baseline measured in the same run, so the ratio survives a noisy machine):
- engine turn (pure ``Engine.handle``) vs one FAQ search (the retrieval it always does);
- with the semantic stage (when the extra is installed): all turns, and the turns the words
  answer with certainty (which must not wait for the model), against the words-only engine;
- stored turn (``Conversations.post``: lock, store, engine, events, commit) on SQLite vs a bare
  SQLite insert+commit of one row with the same settings (WAL, ``BEGIN IMMEDIATE``);
- the check every stored turn makes for phrasings taught on any worker (one query; nothing new
  taught) vs the stored turn itself: its share of a turn.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from common import REPO, print_table  # noqa: I001 - puts the checkout on sys.path
from sqlalchemy import text

from bot.app import build_runtime
from bot.config import Config
from bot.core.dialogue.turn import CustomerContext
from bot.core.events import TicketRequested
from bot.core.retrieval.decision import decide, lead_of
from bot.semantic.factory import extra_installed

SCRIPTS: list[tuple[str, list[str]]] = [
    (
        "nl",
        [
            "hallo",
            "de plugin werkt niet meer",
            "AppointPress",
            "versie 3.1",
            "bijgewerkt, probleem is er nog",
            "Bij opslaan een wit scherm. WordPress 6.6, PHP 8.2",
            "jan@example.org",
        ],
    ),
    (
        "en",
        [
            "how do I connect google calendar to appointpress",
            "no, that didn't help",
            "jan@example.org",
        ],
    ),
    ("nl", ["ik wil graag mijn factuur ontvangen", "kan ik jullie bellen?", "bedankt!"]),
    (
        "en",
        [
            "Since installing WP Rocket the AppointPress calendar is broken",
            "The problem is still there",
            "The problem is still there",
            "3.4.2",
            "It shows a blank page, WP 6.6 PHP 8.1",
        ],
    ),
    (
        "en",
        [
            "how do I change the permalink structure in wordpress",
            "can you build a custom CRM integration for us",
        ],
    ),
    (
        "nl",
        [
            "mijn reminder mails komen dubbel binnen bij appointpress 3.3.0",
            "geen idee",
            "ik wil een medewerker spreken",
        ],
    ),
]


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def engine_turns(runtime, rounds: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    engine = runtime.engine
    from bot.core.dialogue.state import ConversationState  # noqa: F401 - documents the input type

    turns, searches = [], []
    for _ in range(rounds):
        for language, messages in SCRIPTS:
            state = engine.new_state(language)
            for message in messages:
                started = time.perf_counter()
                turn = engine.handle(
                    state, message, runtime.conversations.clock(), CustomerContext()
                )
                if turn.event(TicketRequested):
                    turn = engine.ticket_opened(turn, "NME-1")
                turns.append((time.perf_counter() - started) * 1000)
                state = turn.state
                searches.append(
                    timed(lambda m=message, lang=language: engine.services.faq.search(m, lang))
                )
    return turns, searches


def stored_turns(runtime, rounds: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    conversations = runtime.conversations
    turns, inserts = [], []
    with runtime.db.engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE IF NOT EXISTS bench_baseline (id INTEGER PRIMARY KEY, body TEXT)")
        )
    for _ in range(rounds):
        for language, messages in SCRIPTS:
            started = conversations.start(channel="widget", language=language)
            for message in messages:
                turns.append(
                    timed(lambda m=message, s=started: conversations.post(s.public_id, s.token, m))
                )

                def insert(m: str = message) -> None:
                    with runtime.db.engine.begin() as connection:
                        connection.execute(
                            text("INSERT INTO bench_baseline (body) VALUES (:b)"), {"b": m}
                        )

                inserts.append(timed(insert))
    return turns, inserts


def phrasing_checks(runtime, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    """The per-turn check for taught phrasings, inside an open transaction as in a turn."""
    learned = runtime.conversations.answers.learned
    samples = []
    with runtime.db.session() as session:
        learned.refresh(session)  # the first indexes what there is; the rest only check
        for _ in range(count):
            samples.append(timed(lambda: learned.refresh(session)))
    return samples


def row(name: str, samples: list[float], baseline_name: str, baseline: list[float]) -> list[object]:
    p50, p95, p99 = percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)
    b50 = percentile(baseline, 50)
    return [
        name,
        len(samples),
        f"{p50:.2f}",
        f"{p95:.2f}",
        f"{p99:.2f}",
        baseline_name,
        f"{b50:.2f}",
        f"{p50 / b50:.1f}x" if p50 / b50 >= 0.1 else f"{p50 / b50:.3f}x",
    ]


def words_are_certain(runtime, message: str, state) -> bool:  # type: ignore[no-untyped-def]
    """Would the words alone answer this message with strict certainty (no model asked)?"""
    index = runtime.engine.services.faq
    ranked = index.candidates(message, state.language, product=state.slots.product)
    return decide(lead_of(ranked), index.gate(state.language), "strict") == "answer"


def semantic_turns(semantic, words, rounds: int) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Every turn with the stage on and off, and the turns the words answer with certainty."""
    found: dict[str, list[float]] = {"on": [], "off": [], "sure on": [], "sure off": []}
    for _ in range(rounds):
        for language, messages in SCRIPTS:
            states = {
                "on": semantic.engine.new_state(language),
                "off": words.engine.new_state(language),
            }
            for message in messages:
                sure = words_are_certain(words, message, states["off"])
                for name, runtime in (("on", semantic), ("off", words)):
                    started = time.perf_counter()
                    turn = runtime.engine.handle(
                        states[name], message, runtime.conversations.clock(), CustomerContext()
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    found[name].append(elapsed)
                    if sure:
                        found[f"sure {name}"].append(elapsed)
                    if turn.event(TicketRequested):
                        turn = runtime.engine.ticket_opened(turn, "NME-1")
                    states[name] = turn.state
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="times each script is replayed")
    args = parser.parse_args()
    cache = os.environ.get("SUPPORTBOT_EMBEDDING_CACHE") or str(REPO / "instance" / "embeddings")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(
            data_dir=REPO / "faq_data",
            database_url=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            instance_dir=Path(tmp),
            secret_key="bench",
            semantic=False,
        )
        runtime = build_runtime(config)
        turns, searches = engine_turns(runtime, args.rounds)
        stored, inserts = stored_turns(runtime, max(args.rounds // 4, 2))
        checks = phrasing_checks(runtime, len(stored))
        runtime.db.dispose()
        rows += [
            row("engine turn (Engine.handle)", turns, "one FAQ search", searches),
            row("stored turn, SQLite (Conversations.post)", stored, "bare insert+commit", inserts),
            row("taught-phrasing check, SQLite", checks, "stored turn, SQLite", stored),
        ]
        if extra_installed():
            semantic = build_runtime(replace(config, semantic=True, embedding_cache=cache))
            words = build_runtime(replace(config, database_url=config.database_url + "-words"))
            found = semantic_turns(semantic, words, max(args.rounds // 2, 2))
            semantic.db.dispose()
            words.db.dispose()
            rows += [
                row("engine turn, semantic stage on", found["on"], "same, stage off", found["off"]),
                row(
                    "... turns the words answer surely",
                    found["sure on"],
                    "same, stage off",
                    found["sure off"],
                ),
            ]
    print_table(
        [
            "measure",
            "turns",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "baseline (same run)",
            "baseline p50 ms",
            "ratio p50",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
