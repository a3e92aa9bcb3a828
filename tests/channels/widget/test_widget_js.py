"""The widget's own JavaScript tests (``widget/tests``, Node's built-in runner) and the
assembled script's syntax, both under Debian's ``nodejs``.

``./dev test`` installs it and sets ``SUPPORTBOT_NODE``; run directly, these are skipped when
there is no ``node`` on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from bot.channels.widget.assets import WIDGET_SOURCE, script_files, widget_source
from bot.config import REPO_ROOT

JS_TESTS = sorted((REPO_ROOT / "widget" / "tests").glob("*.test.js"))


def node() -> str:
    configured = os.environ.get("SUPPORTBOT_NODE")
    found = configured or shutil.which("node")
    if not found or not Path(found).exists():
        if configured:
            pytest.fail(f"SUPPORTBOT_NODE={configured} does not exist")
        pytest.skip("no node on PATH; `./dev test` installs Debian's nodejs")
    return found


def test_the_outbox_tests_pass_under_node() -> None:
    assert JS_TESTS, "widget/tests has its *.test.js files"
    run = subprocess.run(
        [node(), "--test", "--test-reporter=tap", *map(str, JS_TESTS)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO_ROOT,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", run.stdout, re.M)
    assert passed and int(passed.group(1)) >= 10, run.stdout[-2000:]


def test_every_part_of_the_script_is_included_once() -> None:
    parts = script_files(WIDGET_SOURCE)[1:]
    on_disk = sorted(path.name for path in WIDGET_SOURCE.parent.glob("*.js"))
    assert sorted(path.name for path in parts) == sorted(set(on_disk) - {WIDGET_SOURCE.name})
    assert len(parts) == len(set(parts))
    assert b"/*include:" not in widget_source()


def test_the_served_script_and_each_part_are_valid_javascript(
    sqlite_app: Flask, tmp_path: Path
) -> None:
    served = tmp_path / "widget.js"
    served.write_bytes(sqlite_app.test_client().get("/widget.js").data)
    for script in [served, *script_files(WIDGET_SOURCE)]:
        check = subprocess.run([node(), "--check", str(script)], capture_output=True, text=True)
        assert check.returncode == 0, f"{script.name}: {check.stderr[-2000:]}"
