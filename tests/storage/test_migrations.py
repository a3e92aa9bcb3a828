"""New migrations: the plain `alembic` command and `supportbot db revision`, on both backends."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text

from bot.cli import db as db_cli
from bot.config import REPO_ROOT
from bot.storage.db import Database
from bot.storage.migrate import MIGRATIONS, alembic_config, current_revision, new_revision
from bot.storage.models import Base
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any table: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    schema = f"sb_alembic_{uuid.uuid4().hex[:8]}"
    admin = Database(POSTGRES_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    """The shipped migrations, copied: new revisions are written there, not into the package."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def alembic(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUPPORTBOT_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_alembic_command_migrates_the_database_of_the_setting(empty_database_url: str) -> None:
    upgraded = alembic("upgrade", "head", database_url=empty_database_url)
    assert upgraded.returncode == 0, upgraded.stderr
    db = Database(empty_database_url)
    try:
        assert current_revision(db) == "0007"
    finally:
        db.dispose()
    checked = alembic("check", database_url=empty_database_url)  # the models match the migrations
    assert checked.returncode == 0, checked.stderr + checked.stdout


def test_a_new_revision_holds_what_the_models_add_and_migrates(
    migrations_copy: Path, empty_database_url: str
) -> None:
    models = MetaData()
    for table in Base.metadata.tables.values():
        table.to_metadata(models)
    Table("probe_notes", models, Column("id", Integer, primary_key=True), Column("body", String(9)))

    path = new_revision("probe notes", migrations=migrations_copy, metadata=models)

    assert path.name == "0008_probe_notes.py"
    source = path.read_text()
    assert 'revision = "0008"' in source and 'down_revision = "0007"' in source
    assert "op.create_table(" in source and '"probe_notes"' in source
    assert "conversations" not in source.split("def upgrade")[1]  # only what is new
    for ruff in (["check"], ["format", "--check"]):  # written as `./dev test` wants it
        lint = subprocess.run(
            [sys.executable, "-m", "ruff", *ruff, "--no-cache", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert lint.returncode == 0, lint.stdout
    db = Database(empty_database_url)
    try:
        with db.engine.begin() as connection:
            config = alembic_config(migrations_copy)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        assert "probe_notes" in inspect(db.engine).get_table_names()
        assert current_revision(db) == "0008"
    finally:
        db.dispose()


def test_db_revision_writes_the_next_migration(migrations_copy: Path) -> None:
    group = click.Group()
    db_cli.register(group)
    result = CliRunner().invoke(
        group, ["db", "revision", "-m", "Nothing new", "--migrations", str(migrations_copy)]
    )
    assert result.exit_code == 0, result.output
    written = migrations_copy / "versions" / "0008_nothing_new.py"
    assert f"wrote {written}" in result.output
    upgrade = written.read_text().split("def upgrade() -> None:")[1].split("def downgrade")[0]
    statements = [line.strip() for line in upgrade.splitlines() if line.strip()]
    assert [s for s in statements if not s.startswith("#")] == ["pass"]  # models = migrations
