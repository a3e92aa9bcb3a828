"""Shared fixtures: the shipped knowledge base, the engine, and apps on SQLite and PostgreSQL.

Every test fails when a ``bot.*`` logger (or a live server) logs an error during it, unless it is
marked ``@pytest.mark.logs_errors("reason")``: see ``tests/error_log.py``.

PostgreSQL is not optional: the README's test command starts one when none runs, and a suite
that cannot reach it fails instead of skipping (``SUPPORTBOT_TEST_POSTGRES_URL`` overrides).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from bot.app import create_app
from bot.config import REPO_ROOT, Config
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.i18n import load_translations
from bot.storage.db import Database
from bot.storage.migrate import upgrade
from bot.storage.models import Base
from tests.error_log import bot_errors  # noqa: F401 - autouse: a logged error fails the test
from tests.shared_data import SHARED_DIR, shared_path  # noqa: F401 - re-exported for tests

pytest_plugins = ["tests.chromium"]  # the one Playwright and Chromium of a run

# The semantic stage loads a model and costs ~50 ms a turn. Commands and child processes the
# tests start read this; the tests of the stage (tests/semantic) and the foreign-eval floor,
# which keeps the product's default, switch it on themselves.
os.environ.setdefault("SUPPORTBOT_SEMANTIC", "false")

POSTGRES_URL = os.environ.get(
    "SUPPORTBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(REPO_ROOT / "faq_data")


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb, load_translations(kb.policy.languages))


# -- databases --------------------------------------------------------------------------------
@contextmanager
def postgres_schema(prefix: str = "sb_test") -> Iterator[str]:
    """The URL of a fresh, migrated schema in the test database, dropped afterwards."""
    schema = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = Database(POSTGRES_URL)
    try:
        with admin.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - turned into a clear failure
        pytest.fail(
            f"PostgreSQL at {POSTGRES_URL} is not reachable ({exc}); run the README's test command"
        )
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    try:
        yield url
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A schema of our own in the test database, migrated once per run."""
    with postgres_schema() as url:
        yield url


def truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Storage and API tests run on both backends."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_schema_url")
    db = Database(url)
    truncate_all(db)
    db.dispose()
    yield url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    database = Database(database_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def make_config(tmp_path: Path, database_url: str, **overrides: object) -> Config:
    values: dict[str, object] = {
        "data_dir": REPO_ROOT / "faq_data",
        "database_url": database_url,
        "instance_dir": tmp_path / "instance",
        "secret_key": "test-secret",
        "widget_origins": ("https://customer-site.example",),
        # The semantic stage costs about 50 ms a turn; tests of it switch it on themselves.
        "semantic": False,
    }
    values.update(overrides)
    return Config(**values)  # type: ignore[arg-type]


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    application = create_app(make_config(tmp_path, database_url))
    application.config["TESTING"] = True
    yield application
    application.extensions["supportbot"].db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_url: str) -> Iterator[Flask]:
    """For tests that need one backend only (channel behaviour, not storage)."""
    application = create_app(make_config(tmp_path, sqlite_url))
    application.config["TESTING"] = True
    yield application
    application.extensions["supportbot"].db.dispose()
