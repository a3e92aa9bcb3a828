"""One calibration per knowledge base and process: tests and workers build the same index many
times, and calibrating is the slow part of building it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from threading import Lock

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.calibration import Calibration

_cache: dict[str, dict[str, Calibration]] = {}
_lock = Lock()


def fingerprint(entries: Sequence[FaqEntry], *extra: object) -> str:
    """A hash of everything the scores depend on."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(repr(entry).encode())
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def cached(key: str, compute: Callable[[], dict[str, Calibration]]) -> dict[str, Calibration]:
    """Tests and workers build the same index many times; calibrate each knowledge base once."""
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = compute()
        with _lock:
            _cache[key] = found
    return found
