"""The floor under the WebSocket benchmark: the stored turn itself (``Conversations.post`` on
the server's database, the same engine and settings), driven by as many threads as the
benchmark holds sockets, each asking, waiting for the answer and asking again.

What a socket adds on top of this is the live path's own cost (frames, JSON, the bus, the
socket's thread); ``websocket_load.py`` puts the two side by side in the same run.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping, Sequence

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.config import Config


def floor_runtime(server_env: Mapping[str, str]) -> Runtime:
    """The services a server with ``server_env`` runs with, in this process (no migration:
    the server did it)."""
    return build_runtime(Config.from_env(server_env), migrate=False)


def start_conversations(rt: Runtime, count: int) -> list[tuple[str, str]]:
    started = [
        rt.conversations.start(channel="widget", language="nl" if n % 2 else "en")
        for n in range(count)
    ]
    return [(s.public_id, s.token) for s in started]


def think_time(rng: random.Random, pace_s: float | None, stop: float) -> float | None:
    """The pause before the next question: none at the limit (``pace_s`` None), else random
    around ``pace_s``; None when the question would come after ``stop``."""
    if not pace_s:
        return 0.0
    pause = rng.expovariate(1 / pace_s)
    return None if time.monotonic() + pause >= stop else pause


def drive(
    rt: Runtime,
    conversations: Sequence[tuple[str, str]],
    questions: Sequence[str],
    seconds: float,
    pace_s: float | None,
) -> tuple[list[float], int]:
    """One thread per conversation, closed loop (paused ``pace_s`` on average when given):
    the latencies of the turns and the number that failed."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    start_line = threading.Barrier(len(conversations) + 1)

    def talk(index: int, public_id: str, token: str) -> None:
        rng = random.Random(index)
        mine: list[float] = []
        failed = 0
        start_line.wait()
        n = index
        while time.monotonic() < stop:
            pause = think_time(rng, pace_s, stop)
            if pause is None:
                break
            time.sleep(pause)
            started = time.perf_counter()
            try:
                rt.conversations.post(public_id, token, questions[n % len(questions)])
            except Exception:  # noqa: BLE001 - counted, as the socket rows count error frames
                failed += 1
                continue
            finally:
                n += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [
        threading.Thread(target=talk, args=(i, public_id, token), daemon=True)
        for i, (public_id, token) in enumerate(conversations)
    ]
    for thread in threads:
        thread.start()
    start_line.wait()
    for thread in threads:
        thread.join()
    return latencies, errors[0]
