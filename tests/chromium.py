"""Debian's Chromium for every browser test (``tests/browser``, ``tests/wordpress``): one
Playwright and one browser per run, because Playwright's sync API allows one instance at a time.

Playwright never downloads a browser here: ``SUPPORTBOT_CHROMIUM`` (default
``/usr/bin/chromium``, which ``./dev test`` installs) is launched with ``executable_path``.
Registered as a plugin in ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}


def chromium_path() -> str:
    configured = os.environ.get("SUPPORTBOT_CHROMIUM")
    path = configured or "/usr/bin/chromium"
    if not Path(path).exists():
        if configured:
            pytest.fail(f"SUPPORTBOT_CHROMIUM={configured} does not exist")
        pytest.skip("no Chromium at /usr/bin/chromium; `./dev test` installs Debian's chromium")
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    yield chromium
    chromium.close()
