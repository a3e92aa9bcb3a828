"""The console's login lockout in headless Chromium (issue 19 #5).

An attacker who knows a staff member's address locks the account with ten wrong passwords; the
staff member's own browser, which logged in before, still gets in with the right password. A
browser that never logged in as them does not. The server runs without Redis, so its limits are
its own and no other test's logins from 127.0.0.1 count here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.app import build_runtime
from bot.config import Config
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from tests.browser.conftest import DESKTOP
from tests.browser.widget_page import TIMEOUT_MS
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

EMAIL = "marloes@nme.example"
PASSWORD = "a long staff password"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("login")) as live:
        built = build_runtime(Config.from_env(environ=live.env), migrate=False)
        with built.db.session() as session:
            add_staff(session, EMAIL, "Marloes", PASSWORD, cost=ScryptCost(2**10, 8, 1))
        built.db.dispose()
        yield live


def new_browser(browser: Browser, contexts: list[BrowserContext]) -> Page:
    """A browser profile of its own: its own cookies, as another computer has."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)  # generous: the suite shares a 2-core machine
    return page


def try_login(page: Page, server: LiveServer, password: str) -> None:
    page.goto(f"{server.url}/staff/login")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def test_an_attacker_locks_the_account_but_not_the_staff_members_own_browser(
    browser: Browser, server: LiveServer, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    laptop = new_browser(browser, contexts)
    try_login(laptop, server, PASSWORD)  # Monday: Marloes logs in at her desk ...
    expect(laptop).to_have_url(f"{server.url}/staff/")
    laptop.get_by_role("button", name="Uitloggen", exact=True).click()  # ... and out again
    expect(laptop).to_have_url(f"{server.url}/staff/login")

    attacker = new_browser(browser, contexts)
    for _ in range(10):
        try_login(attacker, server, "guessing guessing")
        expect(attacker.get_by_role("alert")).to_have_text("Onjuist e-mailadres of wachtwoord.")
    try_login(attacker, server, PASSWORD)  # even the right password: locked for strangers
    expect(attacker.get_by_role("alert")).to_contain_text("Te veel inlogpogingen")
    expect(attacker).to_have_url(f"{server.url}/staff/login")

    borrowed = new_browser(browser, contexts)  # a colleague's computer: never used by Marloes
    try_login(borrowed, server, PASSWORD)
    expect(borrowed.get_by_role("alert")).to_contain_text("eerder bent ingelogd")

    try_login(laptop, server, PASSWORD)  # Tuesday, during the lockout: her own laptop
    expect(laptop).to_have_url(f"{server.url}/staff/")
    expect(laptop.get_by_role("button", name="Uitloggen", exact=True)).to_be_visible()
    laptop.screenshot(path=str(tmp_path / "known-browser-logged-in.png"))
