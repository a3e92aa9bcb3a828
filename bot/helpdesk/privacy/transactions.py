"""Short transactions that PostgreSQL may abort under load, retried a few times.

Erasure and purge lock rows that live traffic locks too (a customer posting, the mail pipeline,
the outbox). Rarely two transactions wait for each other; PostgreSQL then aborts one with
``deadlock_detected`` (or ``serialization_failure``), and doing that one again is correct: each
unit of work here is idempotent and re-reads what it changes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.storage.db import Database

log = logging.getLogger(__name__)

Result = TypeVar("Result")
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 4


def in_transaction(db: Database, work: Callable[[Session], Result]) -> Result:
    """``work`` in one committed transaction, again when PostgreSQL aborted it for a conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with db.session() as session:
                return work(session)
        except DBAPIError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in RETRYABLE_SQLSTATES or attempt == ATTEMPTS:
                raise
            log.warning("transaction aborted (%s), attempt %d of %d", state, attempt, ATTEMPTS)
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")
