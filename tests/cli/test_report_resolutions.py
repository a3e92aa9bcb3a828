"""``supportbot report resolutions``: the ladder as a table and as CSV, per FAQ entry, on SQLite
and PostgreSQL; bad dates are refused with a clear message and exit status 2."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.cli import build_cli
from tests.conftest import make_config

CALENDAR = "how do I connect google calendar to appointpress"


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    application = create_app(make_config(tmp_path, database_url))
    yield runtime(application)
    runtime(application).db.dispose()


def talk(rt: Runtime, *texts: str, email: str | None = None) -> None:
    started = rt.conversations.start(channel="widget", language="en", email=email)
    for text in texts:
        rt.conversations.post(started.public_id, started.token, text)


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(build_cli(), ["report", "resolutions", *args], env=env)


def test_the_ladder_as_csv_for_a_spreadsheet(rt: Runtime, env: dict[str, str]) -> None:
    talk(rt, CALENDAR, "yes, thanks")
    talk(rt, CALENDAR)  # answered a moment ago: pending until the window has passed
    talk(rt, "I want to talk to a person", email="p@example.org")
    result = run(env, "--since", "7d", "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    total = rows[0]
    assert (total["dimension"], total["conversations"]) == ("total", "3")
    assert (total["confirmed"], total["pending"], total["handed_off"]) == ("1", "1", "1")
    assert total["handed_off_person"] == "1" and total["assumed"] == "0"
    assert total["durable"] == "0" and total["durable_rate"] == "0.0000"
    assert {(row["dimension"], row["key"]) for row in rows} >= {
        ("product", "appointpress"), ("channel", "widget"), ("language", "en"),
    }  # fmt: skip
    assert sum(int(row["conversations"]) for row in rows if row["dimension"] == "day") == 3


def test_per_faq_entry_and_as_a_table(rt: Runtime, env: dict[str, str]) -> None:
    talk(rt, CALENDAR, "yes, thanks")
    talk(rt, CALENDAR, "no, that didn't help", "n@example.org")
    result = run(env, "--since", "2020-01-01", "--entries", "--csv")
    assert result.exit_code == 0, result.output
    (entry,) = csv.DictReader(io.StringIO(result.output))
    assert entry["faq_id"] == "appointpress-google-calendar"
    assert (entry["answered"], entry["confirmed"], entry["tickets_after"]) == ("2", "1", "1")
    table = run(env, "--since", "30d", "--product", "appointpress")
    assert table.exit_code == 0, table.output
    assert table.output.startswith("conversations begun ")
    assert "total" in table.output and "handed_off_not_helped" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "expected a date like 2026-11-01 or a number of days"),
        (("--since", "0d"), "expected 1 to 3660 days"),
        (("--since", "99999d"), "expected 1 to 3660 days"),
        (("--since", "2026-13-01"), "got '2026-13-01'"),
        (("--since", "2026-11-01T00:00"), "expected a date like"),
        (("--since", "x" * 5000), "..."),
        (("--since", "30d", "--until", "tomorrow"), "'--until'"),
        (("--since", "2026-11-10", "--until", "2026-11-01"), "is before --since"),
        ((), "Missing option '--since'"),
    ],
)
def test_bad_dates_are_refused_clearly(
    env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = run(env, *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output) < 600  # a hostile value is not echoed in full
