"""`serve` migrates the schema in a child process: a worker, forked from `serve`, never holds
Alembic (11 MB of modules it never uses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from sqlalchemy import create_engine, inspect

from bot.cli import serve
from bot.config import REPO_ROOT

# What `serve` does before forking, then what a worker does, in a fresh interpreter.
SERVE_THEN_WORKER = """
import sys
from bot.app import create_app
from bot.cli.serve import prepare
from bot.config import Config

config = Config.from_env()
prepare(config)
before = sorted(m for m in ("alembic", "mako") if m in sys.modules)
create_app(config, migrate=False)
after = sorted(m for m in ("alembic", "mako") if m in sys.modules)
print(before, after)
"""


def test_serve_migrates_in_a_child_and_its_workers_never_import_alembic(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "SUPPORTBOT_DATABASE_URL": f"sqlite:///{database}",
        "SUPPORTBOT_INSTANCE_DIR": str(tmp_path),
        "SUPPORTBOT_SEMANTIC": "off",
    }
    done = subprocess.run(
        [sys.executable, "-c", SERVE_THEN_WORKER],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines()[-1] == "[] []"
    assert "conversations" in inspect(create_engine(f"sqlite:///{database}")).get_table_names()


def test_a_failed_migration_stops_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "SUPPORTBOT", (sys.executable, "-c", "raise SystemExit(3)"))
    with pytest.raises(click.ClickException, match="exit 3"):
        serve.migrate_in_child()
