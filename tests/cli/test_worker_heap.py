"""A worker's boot heap is set aside from the garbage collector once its app is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.cli.worker_heap import settle_boot_heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process's heap goes back to the collector


def test_settling_freezes_what_the_boot_left(unfrozen: None) -> None:
    kept = [object() for _ in range(10)]  # noqa: F841 - alive through the call
    assert gc.get_freeze_count() == 0
    settle_boot_heap()
    assert gc.get_freeze_count() > 0
    assert gc.get_count()[0] < 100  # collected first: the young generation starts empty
