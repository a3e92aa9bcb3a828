"""The wall clock: the one place the app reads the time. The core takes ``now`` as an argument,
and use cases take a ``clock`` so that tests can pass a fake one."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
