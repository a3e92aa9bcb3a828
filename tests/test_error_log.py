"""The suite's own guard: a logged error fails a test, and the opt-out is explicit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.config import REPO_ROOT
from tests.live_server import LiveServer

INNER_CONFTEST = "from tests.error_log import bot_errors  # noqa: F401\n"
INNER_TESTS = """
import logging
import pytest

def test_engine_error():
    logging.getLogger("bot.core.dialogue.engine").error("engine failed in step idle")

def test_swallowed_exception():
    try:
        raise ValueError("zip() argument 2 is longer than argument 1")
    except ValueError:
        logging.getLogger("bot.channels.api").exception("request failed")

def test_warning_only():
    logging.getLogger("bot.channels.api").warning("a client sent nonsense")

def test_other_library_error():
    logging.getLogger("gunicorn.error").error("not ours")

@pytest.mark.logs_errors("provokes the engine error on purpose")
def test_opted_out(bot_errors):
    logging.getLogger("bot.core.dialogue.engine").error("engine failed in step idle")
    assert "engine failed" in bot_errors.text()

@pytest.mark.logs_errors
def test_opted_out_without_a_reason():
    logging.getLogger("bot.x").error("boom")
"""


def test_a_logged_bot_error_fails_the_test_unless_it_opts_out_with_a_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text(INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(INNER_TESTS)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nmarkers =\n    logs_errors(reason): provokes a logged error\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    reported = re.findall(r"^(PASSED|FAILED|ERROR) \S+::(\w+)", result.stdout, re.M)
    failed = {name for outcome, name in reported if outcome != "PASSED"}
    passed = {name for _, name in reported} - failed
    assert failed == {
        "test_engine_error",
        "test_swallowed_exception",
        "test_opted_out_without_a_reason",
    }, result.stdout
    assert passed == {"test_warning_only", "test_other_library_error", "test_opted_out"}
    assert "zip() argument 2 is longer" in result.stdout  # the failure shows the traceback


SERVER_LOG = """\
=== start 10:00:00 ===
2026-11-26 10:00:00,001 INFO bot.cli.serve: starting `supportbot serve`
[2026-11-26 10:00:00 +0000] [41] [INFO] Booting worker with pid: 41
127.0.0.1 - - [26/Nov/2026:10:00:01 +0000] "POST /api/conversations HTTP/1.1" 201 512
2026-11-26 10:00:02,002 ERROR bot.channels.api: request failed
Traceback (most recent call last):
  File "bot/channels/api.py", line 1, in post_message
ValueError: zip() argument 2 is longer than argument 1
2026-11-26 10:00:02,003 WARNING bot.channels.api: slow request
2026-11-26 10:00:03,004 ERROR gunicorn.error: not ours
Exception in thread Thread-7:
Traceback (most recent call last):
  File "threading.py", line 1, in run
KeyError: 'x'
"""


def test_a_live_servers_log_is_read_for_errors_once(tmp_path: Path) -> None:
    server = LiveServer(tmp_path)  # not started: only its log is used
    assert server.new_errors() == []
    server.log_path.write_text(SERVER_LOG + "2026-11-26 10:00:04,005 ERROR bot.x: half a li")
    first, second = server.new_errors()
    assert first.splitlines()[0].endswith("ERROR bot.channels.api: request failed")
    assert first.splitlines()[-1] == "ValueError: zip() argument 2 is longer than argument 1"
    assert second.startswith("Traceback") and second.endswith("KeyError: 'x'")
    assert server.new_errors() == []  # read once
    with server.log_path.open("a") as log:
        log.write("ne\n")
    (third,) = server.new_errors()  # the line that was still being written
    assert third.endswith("ERROR bot.x: half a line")
    assert server in LiveServer.instances()
