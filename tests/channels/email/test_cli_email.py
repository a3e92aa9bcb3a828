"""`supportbot email process|poll|outbox` as an operator runs them (shipped faq_data)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot.cli import email as email_cli
from bot.config import REPO_ROOT
from bot.storage import repositories as repo
from bot.storage.db import Database
from tests.channels.email.conftest import mail as helpdesk_mail
from tests.channels.email.conftest import parsed
from tests.channels.email.dovecot import Dovecot
from tests.channels.email.relay import Relay

HELPDESK = "support@example.com"  # faq_data/policy.yaml


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> str:
    monkeypatch.setenv("SUPPORTBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("SUPPORTBOT_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("SUPPORTBOT_SECRET_KEY", "cli-secret")
    monkeypatch.setenv("SUPPORTBOT_DATA_DIR", str(REPO_ROOT / "faq_data"))
    monkeypatch.delenv("SUPPORTBOT_SMTP_URL", raising=False)
    return database_url


@pytest.fixture
def relay() -> Iterator[Relay]:
    server = Relay().start()
    yield server
    server.stop()


def mail(*args: object, **options: object) -> bytes:
    """A customer's mail to the helpdesk address of the shipped knowledge base."""
    return helpdesk_mail(*args, to=HELPDESK, **options)  # type: ignore[arg-type]


def run(*args: str, stdin: bytes | None = None) -> Result:
    group = click.Group()
    email_cli.register(group)
    return CliRunner().invoke(group, ["email", *args], input=stdin)


def write(tmp_path: Path, name: str, raw: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


def test_print_writes_the_reply_as_rfc5322_to_stdout(env: str, tmp_path: Path) -> None:
    result = run("process", write(tmp_path, "m.eml", mail()), "--print")
    assert result.exit_code == 0, result.stderr
    reply = parsed(result.stdout_bytes)
    assert reply["To"].addresses[0].addr_spec == "anna@klant.example"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert "no reply" not in result.stderr


def test_no_reply_due_leaves_stdout_empty_and_says_why_on_stderr(env: str) -> None:
    ooo = mail("Ik ben afwezig.", subject="Out of Office: Vraag", message_id="<o@klant.example>")
    result = run("process", "-", "--print", stdin=ooo)
    assert result.exit_code == 0
    assert result.stdout_bytes == b""
    assert "no reply: out_of_office" in result.stderr


def test_a_follow_up_on_stdin_continues_the_same_conversation(env: str) -> None:
    first = run("process", "-", "--print", stdin=mail())
    ours = str(parsed(first.stdout_bytes)["Message-ID"]).strip()
    follow_up = mail(
        "Het gaat om versie 2.1.",
        subject="Re: Vraag over de plugin",
        message_id="<m2@klant.example>",
        headers=(f"In-Reply-To: {ours}",),
    )
    second = run("process", "-", "--print", stdin=follow_up)
    assert second.exit_code == 0 and second.stdout_bytes
    assert parsed(second.stdout_bytes)["In-Reply-To"].strip() == "<m2@klant.example>"
    db = Database(env)
    with db.session() as session:
        assert repo.count_conversations(session) == 1
    db.dispose()


def test_the_same_message_twice_is_answered_once(env: str, tmp_path: Path) -> None:
    path = write(tmp_path, "m.eml", mail())
    assert run("process", path, "--print").stdout_bytes
    again = run("process", path, "--print")
    assert again.exit_code == 0 and again.stdout_bytes == b""
    assert "already processed" in again.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: str(p / "missing.eml"), "cannot read"),
        (lambda p: str(p), "cannot read"),
        (lambda p: write(p, "empty.eml", b"  \r\n"), "empty"),
        (lambda p: write(p, "junk.bin", b"\x00\x01 no header here at all\n"), "not an RFC 5322"),
    ],
    ids=["missing-file", "a-directory", "empty-file", "no-headers"],
)
def test_unreadable_input_exits_non_zero_with_a_clear_message(
    env: str, tmp_path: Path, make: object, message: str
) -> None:
    result = run("process", make(tmp_path), "--print")  # type: ignore[operator]
    assert result.exit_code != 0
    assert message in result.stderr and result.stdout_bytes == b""


def test_without_print_the_reply_is_sent_through_the_relay(
    env: str, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTBOT_SMTP_URL", relay.url)
    result = run("process", "-", stdin=mail())
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""
    (reply,) = relay.wait_for(1)
    assert reply["From"].addresses[0].addr_spec == HELPDESK


def test_queued_replies_wait_for_the_relay_and_outbox_once_sends_them(
    env: str, relay: Relay, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("process", "-", stdin=mail()).exit_code == 0  # no SMTP_URL: queued only
    assert relay.delivered == []
    monkeypatch.setenv("SUPPORTBOT_SMTP_URL", relay.url)
    result = run("outbox", "--once")
    assert result.exit_code == 0 and "sent 1" in result.stderr
    assert len(relay.wait_for(1)) == 1


def test_outbox_without_a_relay_url_names_the_variable(env: str) -> None:
    result = run("outbox", "--once")
    assert result.exit_code != 0 and "SUPPORTBOT_SMTP_URL" in result.stderr


def test_poll_once_takes_new_mail_from_imap(env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot = Dovecot().start()
    try:
        dovecot.append(mail())
        monkeypatch.setenv("SUPPORTBOT_IMAP_URL", dovecot.url("imaps"))
        result = run("poll", "--once")
        assert result.exit_code == 0, result.stderr
        assert "fetched 1, answered 1" in result.stderr
        assert run("poll", "--once").stderr.count("fetched 0") == 1
    finally:
        dovecot.stop()
