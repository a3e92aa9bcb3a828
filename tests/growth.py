"""How work grows with its input, measured in a way that load on the machine does not skew.

A wall-clock limit fails when other processes take the CPU. These helpers time the calling
thread's CPU (``time.thread_time``), best of several rounds, and compare an input with one
``factor`` times its size: linear work grows about ``factor``-fold, quadratic work ``factor``²-fold.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Linear work at 10x the input: about 10x the time. Up to 3x that is noise, constant costs
# or n log n; quadratic work would be 100x.
LINEAR_AT_10X = 30.0


def cpu_seconds(work: Callable[[], object], rounds: int = 3, min_round_s: float = 0.02) -> float:
    """CPU seconds of one call of `work`: each round repeats it until it is long enough to time."""
    calls, first = 1, _round(work, 1)
    while first < min_round_s and calls < 100_000:
        calls *= 10
        first = _round(work, calls)
    return min([first] + [_round(work, calls) for _ in range(rounds - 1)]) / calls


def growth(
    build: Callable[[int], T],
    work: Callable[[T], object],
    n: int,
    factor: int = 10,
    rounds: int = 3,
) -> float:
    """How many times longer `work` takes on ``build(n * factor)`` than on ``build(n)``."""
    small, large = build(n), build(n * factor)
    return cpu_seconds(lambda: work(large), rounds) / cpu_seconds(lambda: work(small), rounds)


def _round(work: Callable[[], object], calls: int) -> float:
    started = time.thread_time()
    for _ in range(calls):
        work()
    return time.thread_time() - started
