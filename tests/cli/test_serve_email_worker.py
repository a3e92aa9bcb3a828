"""`serve` runs the SMTP listener (and the outbox sender) in exactly one child process."""

from __future__ import annotations

import smtplib
import time
from pathlib import Path

import click
import pytest

from bot.cli.serve import email_worker_args, start_email_worker, stop_worker
from bot.config import REPO_ROOT, Config
from tests.channels.email.relay import free_port


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, None),
        ({"smtp_url": "smtp://relay.example"}, ["email", "outbox"]),
        ({"smtp_url": "smtp://relay.example", "outbox_worker": False}, None),
        ({"smtp_listen": "0.0.0.0:25"}, ["email", "serve", "--host", "0.0.0.0", "--port", "25"]),
        (
            {"smtp_listen": ":2525", "outbox_worker": False},
            ["email", "serve", "--host", "127.0.0.1", "--port", "2525", "--no-outbox"],
        ),
        (
            {"smtp_listen": "127.0.0.1:2525", "email_processors": 3},
            ["email", "serve", "--host", "127.0.0.1", "--port", "2525", "--processors", "3"],
        ),
    ],
)
def test_the_email_child_runs_what_the_settings_ask_for(
    settings: dict[str, object], expected: list[str] | None
) -> None:
    assert email_worker_args(Config(**settings)) == expected  # type: ignore[arg-type]


def test_a_listen_address_without_a_port_is_refused() -> None:
    with pytest.raises(click.UsageError, match="SUPPORTBOT_SMTP_LISTEN"):
        email_worker_args(Config(smtp_listen="localhost"))


@pytest.mark.slow
def test_the_email_child_listens_and_stops_with_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("SUPPORTBOT_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SUPPORTBOT_DATA_DIR", str(REPO_ROOT / "faq_data"))
    monkeypatch.setenv("SUPPORTBOT_SECRET_KEY", "x")
    process = start_email_worker(Config(smtp_listen=f"127.0.0.1:{port}"))
    assert process is not None
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                    assert client.noop()[0] == 250
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        stop_worker(process)
    assert process.returncode == 0
