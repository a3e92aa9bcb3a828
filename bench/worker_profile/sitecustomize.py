"""A sampling profile and a log of garbage collections inside gunicorn's workers (no py-spy here).

Put this folder first on ``PYTHONPATH`` and set ``WORKER_PROFILE`` to a path prefix (not a
``SUPPORTBOT_`` name: ``LiveServer`` drops those from the environment); every process forked
afterwards (the workers) then writes ``<prefix>.<pid>.json`` every 2 s:

- ``gc``: each collection of generation 1 or 2, ``[wall time, generation, ms, objects
  collected, objects left in generation 2 after a full one]``;
- ``busy``: per 0.1 s, the threads running Python outside a blocking wait, by their first
  frame in ``bot/`` (every 5 ms, ``sys._current_frames``); ``stacks``: the commonest stacks.

Run (the tail of ``/ws`` at 1,000 sockets, issue 15):
  WORKER_PROFILE=/tmp/prof PYTHONPATH=bench/worker_profile:. .venv/bin/python
  bench/websocket_load.py --levels 1000 --repeats 1 --workers 2 --database-url ... --redis-url ...
"""

from __future__ import annotations

import collections
import gc
import json
import os
import sys
import threading
import time
from typing import Any

PREFIX = os.environ.get("WORKER_PROFILE", "")
WAITS = {"select", "poll", "wait", "_wait", "acquire", "sleep", "recv", "accept", "read",
         "readline", "recv_into", "get_message", "can_read", "readinto", "join", "get",
         "_wait_for_tstate_lock", "run_for_one", "wait_for", "_worker"}  # fmt: skip
collections_log: list[tuple[float, int, float, int, int]] = []
_started: list[float] = [0.0]


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
    elif info["generation"] >= 1:
        left = len(gc.get_objects(2)) if info["generation"] == 2 else 0
        ms = (time.perf_counter() - _started[0]) * 1000
        collections_log.append((time.time(), info["generation"], ms, info["collected"], left))


def _stack(frame: Any) -> list[str]:
    names = []
    while frame is not None and len(names) < 14:
        names.append(f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_code.co_name}")
        frame = frame.f_back
    return names


def _sample() -> None:
    me, path = threading.get_ident(), f"{PREFIX}.{os.getpid()}.json"
    busy: dict[float, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    stacks: collections.Counter[str] = collections.Counter()
    written = time.time()
    while True:
        time.sleep(0.005)
        now = time.time()
        bucket = busy[round(now, 1)]
        bucket["_samples"] += 1
        for ident, frame in sys._current_frames().items():
            if ident == me or frame.f_code.co_name in WAITS:
                continue
            names = _stack(frame)
            stacks[" < ".join(names)] += 1
            bucket[next((n for n in names if "bot" in n or "session" in n), names[0])] += 1
        if now - written > 2:
            written = now
            report = {"gc": collections_log, "stacks": stacks.most_common(200),
                      "busy": {str(k): dict(v) for k, v in busy.items()}}  # fmt: skip
            with open(path, "w") as handle:
                json.dump(report, handle)


def _in_child() -> None:
    gc.callbacks.append(_on_gc)
    threading.Thread(target=_sample, name="worker-profile", daemon=True).start()


if PREFIX:
    os.register_at_fork(after_in_child=_in_child)
