"""A logged error fails the test: a swallowed crash is still a crash.

The engine, the channels and the workers catch what must not reach a customer (they answer
with a fallback, a 4xx or a retry) and log it at ERROR. A test would pass over such a bug, so
the autouse fixture ``bot_errors`` (imported by ``tests/conftest.py``) fails every test during
which a ``bot.*`` logger records an ERROR or worse in this process, and every test during which
a live server (``tests/live_server.py``) writes a traceback or a ``bot.*`` ERROR line to its
log.

Opting out is explicit and documented at the test::

    @pytest.mark.logs_errors("the relay refuses every message: the outbox logs each failure")
    def test_...(bot_errors: ErrorRecords) -> None:
        ...
        assert "delivery failed" in bot_errors.text()

A marked test provokes the error on purpose and must assert the log line itself, through
``bot_errors`` (in-process) or ``LiveServer.new_errors()``. The marker needs a reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from tests.live_server import LiveServer

MARKER = "logs_errors"


class ErrorRecords(logging.Handler):
    """Collects ERROR-and-worse records of the ``bot`` loggers while a test runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        """The records as a log would show them, tracebacks included."""
        formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)

    def clear(self) -> None:
        self.records.clear()


def _opted_out(item: pytest.Item) -> bool:
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return False
    if not (marker.args and isinstance(marker.args[0], str) and marker.args[0].strip()):
        pytest.fail(f"@pytest.mark.{MARKER} needs a reason: why does this test log an error?")
    return True


@pytest.fixture(autouse=True)
def bot_errors(request: pytest.FixtureRequest) -> Iterator[ErrorRecords]:
    """Fails the test when a ``bot.*`` logger or a live server logged an error during it."""
    handler = ErrorRecords()
    logger = logging.getLogger("bot")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    server_errors = [error for server in LiveServer.instances() for error in server.new_errors()]
    if _opted_out(request.node):
        return
    if handler.records:
        pytest.fail(f"a bot.* logger logged an error during this test:\n{handler.text()}")
    if server_errors:
        pytest.fail("a live server logged an error during this test:\n" + "\n".join(server_errors))
