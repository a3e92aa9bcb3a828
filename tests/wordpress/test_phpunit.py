"""The connector's PHPUnit suite (``widget/wordpress/tests``), run by Debian's phpunit inside
the test site's WordPress, with the Supportbot server of this run for the server check."""

from __future__ import annotations

import os
import subprocess

import pytest

from bot.cli.wordpress import PLUGIN_SOURCE
from tests.live_server import LiveServer
from tests.wordpress.conftest import unexpected_debug_lines
from tests.wordpress.site import WordPressSite

pytestmark = pytest.mark.wordpress

SUITE = PLUGIN_SOURCE.parent / "tests"


def test_the_phpunit_suite_passes(wordpress: WordPressSite, supportbot: LiveServer) -> None:
    env = {
        **os.environ,
        "SUPPORTBOT_WP_SITE": str(wordpress.root),
        "SUPPORTBOT_WP_URL": wordpress.url,
        "SUPPORTBOT_TEST_SERVER_URL": supportbot.url,
    }
    done = subprocess.run(
        ["phpunit", "--configuration", str(SUITE / "phpunit.xml.dist")],
        capture_output=True, text=True, env=env, cwd=SUITE, timeout=600, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "OK (" in output and "Skipped" not in output, output
    assert unexpected_debug_lines(wordpress.debug_lines()) == []
