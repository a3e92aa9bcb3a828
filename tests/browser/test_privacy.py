"""Privacy in headless Chromium against a real server: the widget's first screen links the
privacy notice; an admin finds the customer in the console, downloads their export, and erases
them after two confirmations (the typed address, then the dialog); the customer's open widget
is closed and forgets the conversation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, expect

from bot.channels.runtime import Runtime
from tests.browser.conftest import browser_server_env
from tests.browser.staff import SANNE, staff_runtime
from tests.browser.test_console import ERRORS, log_in, new_page
from tests.browser.widget_page import WidgetPage
from tests.helpdesk.privacy.people import found
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

ADDRESS = "els@bakkerij.example"
PHRASE = "zebrafluit"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # A prefix of our own: an erasure notice on a shared Redis must not reach other test
    # servers' sockets (their conversation ids are numbered from 1 too).
    env = {**browser_server_env(), "SUPPORTBOT_REDIS_PREFIX": f"sb-privacy-{uuid.uuid4().hex}:"}
    with LiveServer(tmp_path_factory.mktemp("privacy"), env=env) as live:
        yield live


@pytest.fixture(scope="module")
def rt(server: LiveServer) -> Iterator[Runtime]:
    with staff_runtime(server, SANNE) as built:
        yield built


def test_export_and_erase_from_the_console(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext],  # noqa: F811
    tmp_path: Path,
) -> None:  # fmt: skip
    customer = WidgetPage(new_page(browser, contexts), server).goto()
    customer.open()
    notice = customer.part(".privacy a")
    expect(notice).to_have_text("Privacyverklaring")
    expect(notice).to_have_attribute("href", "https://www.example.com/privacy/")
    expect(notice).to_have_attribute("target", "_blank")
    customer.search.fill(f"Ik wil een medewerker spreken over mijn {PHRASE}")
    customer.search.press("Enter")
    assert customer.wait_for_turn(1)["route"] == "ask_email"
    number = customer.ask(ADDRESS)["ticket"]["number"]
    assert found(rt, (PHRASE, ADDRESS))

    admin = new_page(browser, contexts)
    log_in(admin, server, "sanne@nme.example")
    admin.get_by_role("link", name="Klantgegevens").click()
    admin.get_by_label("E-mailadres").fill(ADDRESS.upper())
    admin.get_by_role("button", name="Opzoeken").click()
    expect(admin.get_by_role("heading", level=2)).to_have_text(ADDRESS.upper())
    expect(admin.locator(".customer")).to_contain_text(number)

    with admin.expect_download() as download:
        admin.get_by_role("button", name="Exporteren als JSON").click()
    document = json.loads(Path(download.value.path()).read_text())
    chat = document["conversations"][0]
    assert any(PHRASE in m["text"] for m in chat["messages"] if m["from"] == "customer")
    assert chat["ticket"]["number"] == number

    # first confirmation: the typed address; a wrong one is refused by the server
    admin.get_by_label("Typ ter bevestiging het e-mailadres van de klant").fill("els@")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Persoonsgegevens wissen").click()
    expect(admin.locator("#customer-error")).to_contain_text("Typ het e-mailadres")
    assert found(rt, (PHRASE,))

    # second confirmation: the dialog; dismissing it erases nothing
    confirm = admin.get_by_label("Typ ter bevestiging het e-mailadres van de klant")
    confirm.fill(ADDRESS)
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    admin.once("dialog", dismiss)
    admin.get_by_role("button", name="Persoonsgegevens wissen").click()
    expect(confirm).to_have_value(ADDRESS)  # still on the page: the form was not sent
    assert asked == [
        "Alle persoonsgegevens van deze klant wissen? Dit kan niet ongedaan worden gemaakt."
    ]
    assert found(rt, (PHRASE,))

    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Persoonsgegevens wissen").click()
    expect(admin.locator("#customer-erased")).to_contain_text("zijn gewist")
    assert found(rt, (PHRASE, ADDRESS, "Els")) == []

    # the customer's open widget is told at once, and forgets the conversation
    expect(customer.log).to_be_hidden()
    expect(customer.search).to_be_visible()
    assert customer.stored("conversation") is None
    assert {"type": "error", "error": "not_found", "message": "no such conversation"} in (
        customer.frames
    )
    admin.goto(f"{server.url}/staff/tickets/{number}")
    expect(admin.locator("#anonymised")).to_be_visible()
    assert ERRORS[id(admin)] == []
