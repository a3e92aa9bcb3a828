"""One calibration per knowledge base: computed once per process, and, with a
`CalibrationStore`, once per knowledge base across processes and restarts.

Calibrating is the slow part of building the FAQ index (minutes at 10,000 entries), and its
peak memory stays with the process that did it. The store is a port: the core only asks it for
the JSON saved under a key, saves JSON, and holds its lock while it calibrates, so that workers
booting at once calibrate once (`bot.storage.calibration_files` keeps them in files).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from threading import Lock
from typing import Protocol

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.calibration import Calibration
from bot.core.retrieval.calibration_codec import decode, encode

log = logging.getLogger(__name__)

# Part of every calibration's key. Bump it with any change that can change a calibrated gate
# for the same knowledge base: the held-out probes, the gate's model and its fitting, the
# fusion's weights, the rankers' scores (analysis, stemmers, synonyms, BM25, char-grams), or
# what a `Calibration` holds. Stored calibrations of other versions are then never read.
CALIBRATION_VERSION = 1

_cache: dict[str, dict[str, Calibration]] = {}
_lock = Lock()


class CalibrationStore(Protocol):
    """Where calibrations outlive the process, by key (a `fingerprint`)."""

    def load(self, key: str) -> object | None:
        """The JSON value saved under `key`; None when there is none or it cannot be read."""
        ...

    def save(self, key: str, value: object) -> None:
        """Keep `value` (JSON) under `key`; a failure is logged, never raised."""
        ...

    def exclusive(self, key: str) -> AbstractContextManager[None]:
        """Held by one process (of those sharing the store) at a time."""
        ...


def fingerprint(entries: Sequence[FaqEntry], *extra: object) -> str:
    """A hash of everything the scores depend on, and of the calibration's version."""
    digest = hashlib.sha256(f"calibration v{CALIBRATION_VERSION}\n".encode())
    for entry in entries:
        digest.update(repr(entry).encode())
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


def cached(
    key: str,
    compute: Callable[[], dict[str, Calibration]],
    store: CalibrationStore | None = None,
) -> dict[str, Calibration]:
    """Tests and workers build the same index many times; calibrate each knowledge base once
    per process, and with a `store` once for all processes sharing it."""
    with _lock:
        found = _cache.get(key)
    if found is None:
        found = compute() if store is None else stored(store, key, compute)
        with _lock:
            _cache[key] = found
    return found


def stored(
    store: CalibrationStore, key: str, compute: Callable[[], dict[str, Calibration]]
) -> dict[str, Calibration]:
    """The calibration saved under `key`, or computed (under the store's lock) and saved."""
    found = _read(store, key)
    if found is not None:
        return found
    with store.exclusive(key):
        found = _read(store, key)  # another process may have saved it while we waited
        if found is None:
            log.info("calibrating the answer gate (none saved for knowledge base %s)", key[:12])
            found = compute()
            store.save(key, encode(found))
    return found


def _read(store: CalibrationStore, key: str) -> dict[str, Calibration] | None:
    value = store.load(key)
    if value is None:
        return None
    try:
        return decode(value)
    except (ValueError, TypeError, KeyError) as exc:
        log.warning("saved calibration %s unusable (%s); calibrating again", key[:12], exc)
        return None
