"""What the widget socket's protocol costs per turn over the stored turn, without a socket.

``websocket_load.py`` measures the whole live path (gunicorn, simple-websocket's threads, the
kernel, the client) next to its floor; this isolates the part that is ours: a ``message`` frame
through ``WidgetSession.on_text`` (the frame budget, parsing, the shared rate limits, the
``typing`` frame, ``Conversations.post``, the ``turn`` frame built and JSON-encoded as the
socket runner does, the turn's own bus notice coming back) against ``Conversations.post`` on the
same runtime. One thread, fresh conversations for each row, the two rows alternating so drift on
a shared machine hits both; every row runs ``--repeats`` times.

Run: .venv/bin/python bench/socket_protocol.py [--turns 60] [--repeats 5]
     [--database-url postgresql://...] [--redis-url redis://...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from common import CHAT_QUESTIONS, print_table
from turn_floor import start_conversations

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.channels.widget.session import WidgetSession
from bot.config import Config


def encode(frame: dict[str, Any]) -> None:
    json.dumps(frame, ensure_ascii=False, separators=(",", ":"))  # as bot.channels.sockets


def floor_ms(rt: Runtime, turns: int) -> float:
    conversations = start_conversations(rt, turns)
    started = time.perf_counter()
    for n, (public_id, token) in enumerate(conversations):
        rt.conversations.post(
            public_id, token, CHAT_QUESTIONS[n % len(CHAT_QUESTIONS)], client_id=f"c{n}"
        )
    return (time.perf_counter() - started) * 1000 / turns


def socket_ms(rt: Runtime, turns: int) -> float:
    sessions = []
    for public_id, token in start_conversations(rt, turns):
        session = WidgetSession(rt, encode, client_ip="192.0.2.1")
        session.on_text(json.dumps({"type": "auth", "conversation_id": public_id, "token": token}))
        assert session.conversation_id is not None, "authentication failed"
        sessions.append(session)
    started = time.perf_counter()
    for n, session in enumerate(sessions):
        frame = {
            "type": "message",
            "text": CHAT_QUESTIONS[n % len(CHAT_QUESTIONS)],
            "client_id": f"c{n}",
        }
        session.on_text(json.dumps(frame))
    elapsed = (time.perf_counter() - started) * 1000 / turns
    for session in sessions:
        session.release()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=60, help="turns per row and run")
    parser.add_argument("--repeats", type=int, default=5, help="runs of every row")
    parser.add_argument("--database-url", default="", help="default: a new SQLite file")
    parser.add_argument("--redis-url", default="", help="the bus, limits and presence in Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socket-protocol-") as tmp:
        env = {
            "SUPPORTBOT_DATABASE_URL": args.database_url or f"sqlite:///{Path(tmp) / 'db.sqlite'}",
            "SUPPORTBOT_INSTANCE_DIR": str(Path(tmp) / "instance"),
            "SUPPORTBOT_RATE_PER_IP": "100000000",  # one address drives every conversation
            "SUPPORTBOT_RATE_PER_CONVERSATION": "100000",
            "SUPPORTBOT_RETENTION_DAYS": "0",
        }
        if args.redis_url:
            env["SUPPORTBOT_REDIS_URL"] = args.redis_url
        rt = build_runtime(Config.from_env(env), migrate=True)
        floor_ms(rt, 5)  # warm up: the first turns load what later ones reuse
        floors, sockets = [], []
        for run in range(args.repeats):
            if run % 2:
                sockets.append(socket_ms(rt, args.turns))
                floors.append(floor_ms(rt, args.turns))
            else:
                floors.append(floor_ms(rt, args.turns))
                sockets.append(socket_ms(rt, args.turns))
        rt.bus.close()
        rt.db.dispose()
    floor, socket = statistics.median(floors), statistics.median(sockets)
    pairs = [s / f for f, s in zip(floors, sockets, strict=True)]
    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(
        f"\nSocket protocol per turn, {database}{' + Redis' if args.redis_url else ''}, "
        f"{args.turns} turns per run, {args.repeats} runs per row (median; each run listed)"
    )
    print_table(
        ["path", "ms per turn", "runs", "÷ floor (median of the runs' ratios)"],
        [
            ["floor: Conversations.post", f"{floor:.2f}", runs(floors), ""],
            [
                "WidgetSession.on_text (message frame)",
                f"{socket:.2f}",
                runs(sockets),
                f"{statistics.median(pairs):.3f} ({min(pairs):.2f}-{max(pairs):.2f})",
            ],
        ],
    )


def runs(values: list[float]) -> str:
    return " / ".join(f"{value:.1f}" for value in values)


if __name__ == "__main__":
    main()
