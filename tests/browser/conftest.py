"""Browser tests: Debian's Chromium driven by Playwright, against a real server.

Playwright never downloads a browser here: ``SUPPORTBOT_CHROMIUM`` (default
``/usr/bin/chromium``, which ``./dev test`` installs) is launched with ``executable_path``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.widget_page import WidgetPage
from tests.chromium import CHROMIUM_FLAGS, DESKTOP, chromium_path  # noqa: F401 - re-exported
from tests.live_server import LiveServer, pytest_runtest_makereport, reachable_redis_url  # noqa: F401


def browser_server_env() -> dict[str, str]:
    """Redis carries staff replies from the test process; every browser is 127.0.0.1."""
    return {
        "SUPPORTBOT_REDIS_URL": reachable_redis_url(),
        "SUPPORTBOT_RATE_PER_IP": "100000",
        "SUPPORTBOT_RATE_PER_CONVERSATION": "1000",
    }


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    workdir = tmp_path_factory.mktemp("browser")
    with LiveServer(workdir, env=browser_server_env(), threads=200) as live:
        yield live


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (empty localStorage) per test; uncaught page errors fail it."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], f"uncaught errors in the page: {errors}"


@pytest.fixture
def widget(page: Page, server: LiveServer) -> WidgetPage:
    return WidgetPage(page, server)


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts a test opens (several staff members, a customer), closed after it."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()
