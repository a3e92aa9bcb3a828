"""The per-socket frame budget: a flood is dropped before parsing, reported rarely, then cut off."""

from __future__ import annotations

from collections import Counter

from bot.channels.widget.frame_budget import FrameBudget, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_person_chatting_is_never_limited() -> None:
    clock = Clock()
    budget = FrameBudget(clock=clock)
    verdicts = []
    for _ in range(600):  # a message or typing frame every second for ten minutes
        verdicts.append(budget.take())
        clock.now += 1.0
    assert set(verdicts) == {Verdict.ACCEPT}


def test_a_burst_is_allowed_then_the_refill_rate() -> None:
    clock = Clock()
    budget = FrameBudget(per_second=10, burst=30, clock=clock)
    assert [budget.take() for _ in range(30)] == [Verdict.ACCEPT] * 30
    assert budget.take() is Verdict.WARN
    assert budget.take() is Verdict.DROP
    clock.now += 0.5
    assert Counter(budget.take() for _ in range(10))[Verdict.ACCEPT] == 5


def test_100_frames_a_second_are_warned_once_a_second_then_disconnected() -> None:
    clock = Clock()
    budget = FrameBudget(per_second=10, burst=30, patience=300, window_s=10, clock=clock)
    seen: Counter[Verdict] = Counter()
    while clock.now < 10:
        verdict = budget.take()
        seen[verdict] += 1
        if verdict is Verdict.DISCONNECT:
            break
        clock.now += 0.01
    assert seen[Verdict.DISCONNECT] == 1
    assert clock.now < 5  # cut off within seconds
    assert seen[Verdict.WARN] <= 5
    assert seen[Verdict.ACCEPT] <= 30 + 10 * clock.now + 1


def test_drops_are_forgiven_after_the_window() -> None:
    clock = Clock()
    budget = FrameBudget(per_second=1, burst=1, patience=5, window_s=10, clock=clock)
    for _ in range(6):
        assert budget.take() is not Verdict.DISCONNECT
    clock.now += 11
    assert [budget.take() for _ in range(6)][-1] is not Verdict.DISCONNECT
