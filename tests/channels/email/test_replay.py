"""`supportbot email replay`: files, a maildir and an mbox as one inbox, nothing sent or stored."""

from __future__ import annotations

import json
import mailbox
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot.cli import email as email_cli
from bot.config import REPO_ROOT
from bot.mail.mail_files import read_mail_files
from tests.channels.email.conftest import mail as helpdesk_mail

HELPDESK = "support@example.com"  # faq_data/policy.yaml
FIELDS = {"file", "message_id", "reply", "reason", "language", "text", "route", "detail"}


def mail(*args: object, date: str | None = None, **options: object) -> bytes:
    headers = tuple(options.pop("headers", ())) + ((f"Date: {date}",) if date else ())  # type: ignore[arg-type]
    options.setdefault("to", HELPDESK)
    return helpdesk_mail(*args, headers=headers, **options)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A configured database that the replay must never open (it does not exist)."""
    database = tmp_path / "real" / "must-not-exist.sqlite3"
    monkeypatch.setenv("SUPPORTBOT_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SUPPORTBOT_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("SUPPORTBOT_DATA_DIR", str(REPO_ROOT / "faq_data"))
    monkeypatch.setenv("SUPPORTBOT_SMTP_URL", "smtp://127.0.0.1:9")  # would fail if used
    yield database
    assert not database.exists() and not (tmp_path / "real").exists()
    assert not (tmp_path / "instance").exists()


def replay(*args: str) -> Result:
    group = click.Group()
    email_cli.register(group)
    return CliRunner().invoke(group, ["email", "replay", *args])


def records(result: Result) -> list[dict[str, object]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_eml_files_in_order_with_the_json_fields(tmp_path: Path) -> None:
    question = tmp_path / "a.eml"
    question.write_bytes(mail("Hoe koppel ik Google Agenda aan AppointPress?"))
    ooo = tmp_path / "b.eml"
    ooo.write_bytes(mail("Ik ben afwezig.", subject="Afwezig: vraag", message_id="<o@k.example>"))
    rows = records(replay(str(question), str(ooo), "--json"))
    assert [set(r) for r in rows] == [FIELDS, FIELDS]
    assert rows[0]["reply"] is True and rows[0]["reason"] is None
    assert rows[0]["route"] and rows[0]["language"] == "nl"
    assert rows[0]["text"] == "Hoe koppel ik Google Agenda aan AppointPress?"
    assert rows[0]["message_id"] == "<m1@klant.example>"
    assert (rows[1]["reply"], rows[1]["reason"], rows[1]["route"]) == (False, "out_of_office", None)


def test_a_maildir_is_read_new_mail_first(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mail("Eerste vraag over de plugin", message_id="<1@k.example>"))
    box.add(mail("Tweede vraag", message_id="<2@k.example>", headers=("List-Id: <l.example>",)))
    rows = records(replay(str(tmp_path / "Maildir"), "--json"))
    assert sorted(r["message_id"] for r in rows) == ["<1@k.example>", "<2@k.example>"]
    assert {r["message_id"]: r["reason"] for r in rows}["<2@k.example>"] == "list_header"


def test_an_mbox_is_one_inbox_so_threads_and_rate_limits_apply(tmp_path: Path) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for n in range(5):
        minute = 10 + n
        box.add(
            mail(
                f"Vraag {n}: werkt de plugin met WooCommerce?",
                subject=f"Vraag {n}",
                message_id=f"<q{n}@k.example>",
                date=f"Thu, 26 Nov 2026 09:{minute}:00 +0000",
            )
        )
    box.add(
        mail(
            "Nog een vraag, een dag later.",
            subject="Later",
            message_id="<later@k.example>",
            date="Fri, 27 Nov 2026 10:00:00 +0000",
        )
    )
    box.flush()
    rows = records(replay(str(path), "--json"))
    assert [r["reply"] for r in rows] == [True, True, True, False, False, True]
    assert rows[3]["reason"] == rows[4]["reason"] == "rate_limited"
    assert rows[0]["file"].endswith("inbox.mbox#1")


def test_a_broken_file_is_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "1-empty.eml").write_bytes(b"")
    (tmp_path / "2-binary.eml").write_bytes(b"\x00\x01\x02 garbage without headers \xff")
    (tmp_path / "3-good.eml").write_bytes(mail("Hoe installeer ik de plugin?"))
    result = replay(str(tmp_path), str(tmp_path / "missing.eml"), "--json")
    rows = records(result)
    assert [Path(str(r["file"])).name for r in rows] == ["3-good.eml"]
    assert "1-empty.eml: empty file" in result.stderr
    assert "2-binary.eml: not an RFC 5322 message" in result.stderr
    assert "missing.eml: no such file or directory" in result.stderr
    assert "1 mails" in result.stderr and "3 files skipped" in result.stderr


def test_the_table_has_totals_by_reason(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(mail("Hoe installeer ik de plugin?"))
    (tmp_path / "b.eml").write_bytes(
        mail("Automatisch bericht", headers=("Auto-Submitted: auto-replied",), message_id="<b@k>")
    )
    (tmp_path / "c.eml").write_bytes(mail("Kopie", to="someone@elders.example", message_id="<c@k>"))
    result = replay(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "answered: 1" in result.stdout and "silent:   2" in result.stdout
    assert "auto_submitted" in result.stdout and "not_addressed_to_us" in result.stdout


def test_licence_keys_are_masked_in_the_output(tmp_path: Path) -> None:
    key = "3f1a9c2e4d5b6a7980f1e2d3c4b5a697"
    (tmp_path / "a.eml").write_bytes(mail(f"Mijn licentie {key} werkt niet meer"))
    rows = records(replay(str(tmp_path), "--json"))
    assert key not in json.dumps(rows), rows
    assert "A697" in str(rows[0]["text"])


def test_read_mail_files_walks_directories_by_name(tmp_path: Path) -> None:
    for name in ("b.eml", "a.eml", ".hidden.eml"):
        (tmp_path / name).write_bytes(mail())
    assert [Path(f.name).name for f in read_mail_files([tmp_path])] == ["a.eml", "b.eml"]
