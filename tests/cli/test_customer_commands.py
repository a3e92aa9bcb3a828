"""``supportbot customer export|erase|access`` and ``supportbot db purge`` on SQLite and
PostgreSQL: what they print, their exit status, and hostile input."""

from __future__ import annotations

import json
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.cli import build_cli
from bot.cli.db import run_daily
from bot.cli.serve import start_purge_worker, stop_worker
from bot.config import Config
from bot.helpdesk.privacy.retention import PurgeReport
from bot.storage.db import Database
from bot.storage.models import AuditEntry
from tests.conftest import make_config
from tests.helpdesk.privacy.people import Person, found, seed_person


@pytest.fixture
def server_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    application = create_app(make_config(tmp_path, database_url))
    yield application
    runtime(application).db.dispose()


@pytest.fixture
def rt(server_app: Flask) -> Runtime:
    return runtime(server_app)


@pytest.fixture
def anna(rt: Runtime) -> Person:
    return seed_person(rt, "anna", "A1B2")


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(build_cli(), list(args), env=env, input=stdin)


def test_export_writes_a_private_file(env: dict[str, str], anna: Person, tmp_path: Path) -> None:
    out = tmp_path / "anna.json"
    result = run(env, "customer", "export", "Anna@Klant.Example", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    document = json.loads(out.read_text())
    assert document["email_addresses"] == [anna.address]
    assert "2 conversation(s)" in result.output


def test_export_to_standard_output_with_notes(env: dict[str, str], anna: Person) -> None:
    result = run(env, "customer", "export", anna.address, "--include-notes")
    assert result.exit_code == 0, result.output
    assert f"{anna.name} is boos" in result.output


@pytest.mark.parametrize("command", ["export", "erase", "access"])
def test_an_unknown_address_is_a_clear_error(
    env: dict[str, str], anna: Person, command: str
) -> None:
    extra = ["--yes"] if command == "erase" else []
    result = run(env, "customer", command, "nobody@klant.example", *extra)
    assert result.exit_code == 1
    assert "nothing is stored about nobody@klant.example" in result.output


@pytest.mark.parametrize("given", ["anna", "anna@", "<script>@x", ""])
def test_what_is_not_an_address_is_refused(env: dict[str, str], given: str) -> None:
    result = run(env, "customer", "export", given)
    assert result.exit_code == 2 and "not an email address" in result.output


def test_erase_asks_first_and_does_nothing_when_told_no(
    env: dict[str, str], rt: Runtime, anna: Person
) -> None:
    refused = run(env, "customer", "erase", anna.address, stdin="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert found(rt, (anna.phrase,))
    done = run(env, "customer", "erase", anna.address, stdin="y\n")
    assert done.exit_code == 0, done.output
    assert "erased anna@klant.example: conversations: 2" in done.output
    assert found(rt, anna.needles) == []
    again = run(env, "customer", "erase", anna.address, "--yes")
    assert again.exit_code == 0 and "was erased on" in again.output


def test_access_lists_who_saw_the_data(
    env: dict[str, str], server_app: Flask, anna: Person
) -> None:
    run(env, "customer", "export", anna.address)
    result = run(env, "customer", "access", anna.address)
    assert result.exit_code == 0, result.output
    assert "(cli)  customer_exported" in result.output
    assert f"Sanne  replied {anna.ticket}" in result.output


def test_db_purge_reports_what_it_did(env: dict[str, str], anna: Person) -> None:
    result = run(env, "db", "purge")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "purged nothing (all within retention)"


@pytest.mark.logs_errors("the loop logs the failure it survives")
def test_the_daily_loop_survives_a_failure_and_stops_when_told() -> None:
    stop, calls = threading.Event(), []

    def work() -> PurgeReport:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")
        if len(calls) == 3:
            stop.set()
        return PurgeReport()

    run_daily(work, stop, every=0.01)
    assert len(calls) == 3


def test_serve_runs_no_purge_when_retention_is_off() -> None:
    assert start_purge_worker(Config(retention_days=0, raw_mail_retention_days=0)) is None


@pytest.mark.slow
def test_the_purge_child_purges_at_once_and_stops_cleanly_with_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    monkeypatch.setenv("SUPPORTBOT_DATABASE_URL", url)
    monkeypatch.setenv("SUPPORTBOT_INSTANCE_DIR", str(tmp_path))
    process = start_purge_worker(Config())
    assert process is not None
    try:
        deadline = time.monotonic() + 60
        while not purge_runs(url):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        stop_worker(process)
    assert process.returncode == 0


def purge_runs(url: str) -> int:
    db = Database(url)
    try:
        with db.sessions() as session:
            query = select(AuditEntry.id).where(AuditEntry.action == "retention_purge")
            return len(session.scalars(query).all())
    except OperationalError:  # not migrated yet
        return 0
    finally:
        db.dispose()
