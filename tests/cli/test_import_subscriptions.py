"""``supportbot import subscriptions FILE.csv``: the report, every bad row kind, exit status.

Runs on SQLite and PostgreSQL; the licence keys of the file must never show in the output.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.cli import build_cli
from bot.config import REPO_ROOT
from bot.core.licence_keys import licence_key_hash
from bot.storage.db import Database
from bot.storage.models.subscriptions import Subscription
from tests.shop_fixtures import doc_fixture

HEADER = "email,product,license_key,expires_at\n"
KEYS = ("3f1a9c2e4d5b6a7980f1e2d3c4b5a697", "MM-7F3K-9QX2-LM8Z", "POLD-2024-8812-AB77")


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    yield {
        "SUPPORTBOT_DATABASE_URL": database_url,
        "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
        "SUPPORTBOT_INSTANCE_DIR": str(tmp_path / "instance"),
    }


def run(env: dict[str, str], path: Path, *args: str) -> Result:
    return CliRunner().invoke(build_cli(), ["import", "subscriptions", str(path), *args], env=env)


def csv_file(tmp_path: Path, content: str | bytes, name: str = "subs.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def stored(env: dict[str, str]) -> list[Subscription]:
    db = Database(env["SUPPORTBOT_DATABASE_URL"])
    try:
        with db.session() as session:
            return list(session.scalars(select(Subscription).order_by(Subscription.id)))
    finally:
        db.dispose()


def test_the_documented_example_imports_with_hashes_and_last_four(
    env: dict[str, str], tmp_path: Path
) -> None:
    result = run(env, csv_file(tmp_path, doc_fixture("csv-example")))
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 imported, 0 updated, 0 unchanged, 0 rejected" in result.output
    rows = {row.product: row for row in stored(env)}
    assert rows["appointpress"].license_hash == licence_key_hash(KEYS[0])
    assert rows["mailmagnet"].license_last4 == "LM8Z" and rows["mailmagnet"].expires_at is None
    assert rows["polder"].status == "expired" and rows["appointpress"].status == "active"
    assert all(row.source == "csv" for row in rows.values())


def test_importing_again_changes_nothing_and_a_newer_export_updates(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = csv_file(tmp_path, doc_fixture("csv-example"))
    run(env, path)
    again = run(env, path)
    assert "0 imported, 0 updated, 3 unchanged" in again.output and again.exit_code == 0
    newer = doc_fixture("csv-example").replace("2027-03-31", "2028-03-31")
    result = run(env, csv_file(tmp_path, newer, "newer.csv"))
    assert "0 imported, 1 updated, 2 unchanged" in result.output
    assert len(stored(env)) == 3


BAD_ROWS = [
    # (row, reason in the report)
    ("jan@example.nl,yoast-seo,ABCD-1234-EFGH-5678,2027-01-01", "unknown product slug 'yoast-seo'"),
    ("jan@example.nl,AppointPress Pro,ABCD-1234-EFGH-5678,", "(use the slug 'appointpress')"),
    ("jan@example.nl,,ABCD-1234-EFGH-5678,", "product is missing"),
    ("jan@example.nl,appointpress,ABCD-1234-EFGH-5678,31-12-2027", "bad date '31-12-2027'"),
    ("jan@example.nl,appointpress,ABCD-1234-EFGH-5678,2027-02-30", "bad date '2027-02-30'"),
    ("jan@example.nl,appointpress,ABCD-1234-EFGH-5678,12/31/2027", "bad date '12/31/2027'"),
    ("jan(at)example.nl,appointpress,ABCD-1234-EFGH-5678,", "is not an email address"),
    ("jan@example,appointpress,ABCD-1234-EFGH-5678,", "is not an email address"),
    (",appointpress,ABCD-1234-EFGH-5678,", "email is missing"),
    ("jan@example.nl,appointpress,,2027-01-01", "licence key is missing"),
    ("jan@example.nl,appointpress,abc,2027-01-01", "licence key must be 8-200 characters"),
    ("jan@example.nl,appointpress,ABCD 1234 EFGH,", "licence key must be 8-200 characters"),
    ("jan@example.nl;appointpress;ABCD-1234-EFGH-5678;", "1 field(s) where the header has 4"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_each_bad_row_is_rejected_with_its_line_and_reason_and_the_rest_imported(
    env: dict[str, str], tmp_path: Path, row: str, reason: str
) -> None:
    good = "anna@example.org,mailmagnet,MM-7F3K-9QX2-LM8Z,\n"
    result = run(env, csv_file(tmp_path, HEADER + good + row + "\n"))
    assert result.exit_code == 1
    assert "2 rows: 1 imported, 0 updated, 0 unchanged, 1 rejected" in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("line ")]
    assert line.startswith("line 3: rejected: ") and reason in line, line
    assert [row.product for row in stored(env)] == ["mailmagnet"]


def test_a_key_twice_in_one_file_keeps_the_first_line(env: dict[str, str], tmp_path: Path) -> None:
    content = (
        HEADER
        + "jan@example.nl,appointpress,ABCD-1234-EFGH-5678,2027-01-01\n"
        + "anna@example.org,mailmagnet,MM-7F3K-9QX2-LM8Z,\n"
        + "piet@example.nl,polder,abcd-1234-efgh-5678,2027-06-01\n"  # same key, other case
    )
    result = run(env, csv_file(tmp_path, content))
    assert "line 4: rejected: same licence key as line 2" in result.output
    assert result.exit_code == 1
    assert {row.email for row in stored(env)} == {"jan@example.nl", "anna@example.org"}


@pytest.mark.parametrize(
    ("content", "note"),
    [
        (b"\xef\xbb\xbf" + doc_fixture("csv-example").encode(), "byte order mark"),
        (doc_fixture("csv-example").replace(",", ";").encode(), "separator ';'"),
        (doc_fixture("csv-example").replace(",", "\t").encode(), "separator '\\t'"),
        (doc_fixture("csv-example").replace("\n", "\r\n").encode(), None),
        (b"sep=;\r\n" + doc_fixture("csv-example").replace(",", ";").encode(), "separator ';'"),
        (doc_fixture("csv-example").replace("anna@", "ann\u00e9@").encode("cp1252"), "1252"),
    ],
)
def test_spreadsheet_exports_are_read_as_they_come(
    env: dict[str, str], tmp_path: Path, content: bytes, note: str | None
) -> None:
    result = run(env, csv_file(tmp_path, content))
    assert result.exit_code == 0, result.output
    assert "3 rows: 3 imported" in result.output
    if note:
        assert note in result.output
    assert {row.product for row in stored(env)} == {"appointpress", "mailmagnet", "polder"}


def test_quoted_fields_may_hold_separators_and_line_breaks(
    env: dict[str, str], tmp_path: Path
) -> None:
    content = (
        'email;product;"license_key";expires_at;"note"\r\n'
        '"jan@example.nl";"appointpress";"ABCD-1234-EFGH-5678";"2027-01-01";"a; b\r\nc"\r\n'
        '"bad";"appointpress";"WXYZ-1234-EFGH-5678";"";""\r\n'
    )
    result = run(env, csv_file(tmp_path, content))
    assert "line 4: rejected: email 'bad'" in result.output  # line 2's note spans two lines
    assert "ignored column(s): note" in result.output
    assert [row.email for row in stored(env)] == ["jan@example.nl"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n\n  \n", "the file is empty"),
        (b"email,product,expires_at\njan@example.nl,polder,\n", "missing column(s) license_key"),
        ("email,product,license_key,expires_at\n".encode("utf-16"), "NUL bytes"),
    ],
)
def test_an_unusable_file_exits_2_and_stores_nothing(
    env: dict[str, str], tmp_path: Path, content: bytes, message: str
) -> None:
    result = run(env, csv_file(tmp_path, content))
    assert result.exit_code == 2 and message in result.output
    assert "rows:" not in result.output


def test_a_dry_run_counts_against_the_database_and_stores_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = csv_file(tmp_path, doc_fixture("csv-example"))
    dry = run(env, path, "--dry-run")
    assert "3 imported" in dry.output and "dry run: nothing was stored" in dry.output
    assert stored(env) == []
    run(env, path)
    dry_again = run(env, csv_file(tmp_path, doc_fixture("csv-example") + "x,y,z,\n", "b.csv"),
                     "--dry-run")  # fmt: skip
    assert "3 unchanged, 1 rejected" in dry_again.output and dry_again.exit_code == 1


def test_no_key_is_ever_printed_even_in_the_wrong_column(
    env: dict[str, str], tmp_path: Path
) -> None:
    content = (
        HEADER
        + f"{KEYS[0]},appointpress,{KEYS[1]},2027-01-01\n"  # key where the email goes
        + f"jan@example.nl,{KEYS[2]},{KEYS[0]},\n"  # key where the product goes
        + f"anna@example.org,mailmagnet,{KEYS[1]},{KEYS[2]}\n"  # key where the date goes
    )
    result = run(env, csv_file(tmp_path, content))
    assert result.exit_code == 1 and "3 rejected" in result.output
    for key in KEYS:
        assert key.upper() not in result.output.upper()


def test_standard_input_can_be_the_file(env: dict[str, str]) -> None:
    result = CliRunner().invoke(
        build_cli(), ["import", "subscriptions", "-"], input=doc_fixture("csv-example"), env=env
    )
    assert result.exit_code == 0 and "-: 3 rows: 3 imported" in result.output
