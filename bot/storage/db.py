"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

SQLite: WAL journal, foreign keys on, and every transaction opened with ``BEGIN IMMEDIATE`` so
two requests on one conversation serialise instead of failing with "database is locked" halfway;
the threads of one process wait for it in line (``bot.storage.sqlite_writers``).
PostgreSQL: rows are locked with ``SELECT ... FOR UPDATE`` by the repositories.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.sqlite_writers import WriterLine

SQLITE_BUSY_TIMEOUT_S = 30
PING_AFTER_IDLE_S = 10.0  # PostgreSQL: a connection idle this long is tested before use


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3 (the driver we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle (the server may have dropped
    it); ``pool_pre_ping`` would add a round trip to every short transaction."""

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool replaces the connection and tries again
            raise exc.DisconnectionError(f"connection dropped while idle: {error}") from error


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    line = WriterLine.install(engine, SQLITE_BUSY_TIMEOUT_S)

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        line.enter(connection.info)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            line.leave(connection.info)
            raise


class Database:
    """One engine and session factory per app; sessions are short and never shared by threads."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def one_statement(self) -> Iterator[Connection]:
        """A connection for one write that is its own transaction, committed when the block ends.

        PostgreSQL runs it in autocommit: the statement commits as it returns, one round trip
        instead of three (``BEGIN``, the statement, ``COMMIT``). SQLite runs it in a short
        transaction as ``session`` does (``BEGIN IMMEDIATE``, its writers in line). Only for
        a single statement: two in this block would be two transactions on PostgreSQL.
        """
        if self.is_sqlite:
            with self.engine.begin() as connection:
                yield connection
            return
        with self.engine.connect() as connection:
            yield connection.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def reads(self) -> Iterator[Connection]:
        """A connection for a few reads that need no snapshot in common: each sees what was
        committed when it ran, as in a READ COMMITTED transaction, but on PostgreSQL without
        the ``BEGIN`` and ``COMMIT`` round trips (autocommit). SQLite as ``one_statement``."""
        with self.one_statement() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
