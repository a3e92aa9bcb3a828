"""The answer gate's calibrations in files: the core's `CalibrationStore`.

One small JSON file per knowledge base (``<key>.json`` in the folder of
``SUPPORTBOT_CALIBRATION_CACHE``, default ``instance/calibration``), written atomically (a
temporary file, then a rename). The key also holds a hash of the retrieval code
(``bot/core/retrieval``, and ``bot/semantic``, which embeds the texts), so a changed ranker
never reads a gate calibrated for the old one, even if nobody bumped ``CALIBRATION_VERSION``.
The lock is ``flock`` on ``<key>.lock``: workers booting at once wait for the first to
calibrate, then read its file. A file that cannot be read, parsed or written is logged and
calibrated again; it never stops a start. Deleting the folder's files is always safe.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from bot.config import Config

log = logging.getLogger(__name__)
BOT = Path(__file__).resolve().parent.parent
RETRIEVAL_CODE = (BOT / "core" / "retrieval", BOT / "semantic")


class CalibrationFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def from_config(cls, config: Config) -> Self:
        folder = config.calibration_cache
        return cls(Path(folder) if folder else config.instance_dir / "calibration")

    def path(self, key: str) -> Path:
        return self.folder / f"{self._name(key)}.json"

    def load(self, key: str) -> object | None:
        path = self.path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("calibration cache %s unreadable (%s); calibrating again", path, exc)
            return None
        try:
            value: object = json.loads(text)
        except ValueError as exc:
            log.warning("calibration cache %s is not JSON (%s); calibrating again", path, exc)
            return None
        return value

    def save(self, key: str, value: object) -> None:
        path = self.path(key)
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(value, out, indent=1)
            os.replace(temporary, path)
            log.info("calibration saved in %s", path)
        except OSError as exc:
            log.warning("calibration cache %s not written (%s)", path, exc)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)

    @contextmanager
    def exclusive(self, key: str) -> Iterator[None]:
        lock = self.folder / f"{self._name(key)}.lock"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # calibrate without the lock: slower for the others, still right
            log.warning("calibration lock %s unavailable (%s); calibrating without it", lock, exc)
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel if this process dies
            yield
        finally:
            os.close(handle)

    @staticmethod
    def _name(key: str) -> str:
        return hashlib.sha256(f"{key}\n{code_digest()}".encode()).hexdigest()[:32]


class CalibrationReader(CalibrationFiles):
    """The server's calibration cache, read but never written (`email replay` leaves the
    instance folder as it was): a missing or stale file means calibrating in memory."""

    def save(self, key: str, value: object) -> None:
        return None

    @contextmanager
    def exclusive(self, key: str) -> Iterator[None]:
        yield  # nothing is written, so nothing to wait for


@functools.cache
def code_digest() -> str:
    """A hash of the retrieval code: what the calibration computes is defined there."""
    digest = hashlib.sha256()
    for path in sorted(path for folder in RETRIEVAL_CODE for path in folder.rglob("*.py")):
        digest.update(path.relative_to(BOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
