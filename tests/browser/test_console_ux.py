"""What staff saw in the console (issue 12, console list and widget #6), in headless Chromium
against a server with no outgoing mail: rendered bot messages, the facts panel with where each
fact came from, the "changed by someone else" banner only for colleagues, and a warning while
mail waits in the outbox."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from bot.channels.runtime import Runtime
from tests.browser.conftest import browser_server_env
from tests.browser.staff import KEES, SANNE, staff_runtime
from tests.browser.test_console import ERRORS, log_in, new_page
from tests.browser.widget_page import WidgetPage
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """No SUPPORTBOT_SMTP_URL: every mail waits in the outbox."""
    with LiveServer(tmp_path_factory.mktemp("console-ux"), env=browser_server_env()) as live:
        yield live


@pytest.fixture(scope="module")
def rt(server: LiveServer) -> Iterator[Runtime]:
    with staff_runtime(server, SANNE, KEES) as built:
        yield built


def test_a_customers_reply_is_no_colleagues_change(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext]
) -> None:
    """The banner "changed by someone else" came up when the customer answered."""
    customer = WidgetPage(new_page(browser, contexts), server).goto()
    customer.open()
    customer.search.fill("Ik wil een medewerker spreken over mijn boekingen")
    customer.search.press("Enter")
    customer.wait_for_turn(1)
    number = customer.ask("jan@klant.example")["ticket"]["number"]

    sanne = new_page(browser, contexts)
    log_in(sanne, server, "sanne@nme.example")
    sanne.goto(f"{server.url}/staff/tickets/{number}")
    sanne.locator("#reply-text").fill("Hallo Jan, welke versie gebruik je?")
    sanne.get_by_role("button", name="Antwoord versturen").click()  # the ticket waits now
    expect(sanne.locator("#ticket-status")).to_have_text("Wacht op klant")
    expect(customer.bubbles("staff")).to_have_count(1)

    customer.ask("Versie 3.4.2")  # the ticket opens again: the customer's doing
    expect(sanne.locator("#transcript")).to_contain_text("Versie 3.4.2")
    sanne.wait_for_timeout(1000)  # the ticket_update notice comes with the new line
    expect(sanne.locator("#changed-banner")).to_be_hidden()
    expect(sanne.locator("#ticket-status")).to_have_text("Open")  # shown in place instead

    kees = new_page(browser, contexts)  # a colleague changes the ticket: that is the banner
    log_in(kees, server, "kees@nme.example")
    kees.goto(f"{server.url}/staff/tickets/{number}")
    kees.locator(".status-buttons").get_by_role("button", name="Opgelost").click()
    expect(sanne.locator("#changed-banner")).to_be_visible()
    for page in (sanne, kees):
        assert ERRORS[id(page)] == []


def test_bot_messages_and_facts_are_shown_as_read(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext]
) -> None:
    started = rt.conversations.start(channel="widget", language="nl", email="els@bakkerij.nl")
    for text in (
        "AppointPress 3.1 stuurt elke herinnering twee keer",
        "Bijgewerkt, probleem is er nog",
        "Bij het opslaan zie ik een wit scherm. WordPress 6.5, PHP 8.1.",
    ):
        turn = rt.conversations.post(started.public_id, started.token, text)
    number = turn.ticket.number
    sanne = new_page(browser, contexts)
    log_in(sanne, server, "sanne@nme.example")
    sanne.goto(f"{server.url}/staff/tickets/{number}")
    changelog = sanne.locator(".line.role-bot .rendered").filter(has_text="U gebruikt AppointPress")
    expect(changelog.locator("li").first).to_contain_text("3.4.2: Fix: reminder emails")
    expect(changelog.locator("strong").first).to_have_text("3.4.2")
    expect(sanne.locator("#transcript")).not_to_contain_text("**")
    php = sanne.locator(".facts dd.fact-php_version")
    expect(php).to_contain_text("8.1")
    source = php.locator(".source a")
    expect(source).to_have_text(re.compile(r"^uit bericht \d+$"))
    source.click()  # the fact leads to the message it was read from
    target = sanne.locator(".line:target")
    expect(target).to_contain_text("PHP 8.1.")
    expect(sanne.get_by_role("heading", level=1)).to_contain_text(
        "AppointPress 3.1 stuurt elke herinnering twee keer"
    )  # the problem, not the last message
    assert ERRORS[id(sanne)] == []


def test_mail_that_cannot_go_out_is_not_called_sent(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext]
) -> None:
    started = rt.conversations.start(channel="widget", language="nl", email="piet@garage.nl")
    turn = rt.conversations.post(started.public_id, started.token, "Ik wil een medewerker spreken")
    number = turn.ticket.number
    ticket_text = turn.messages[-1]["text"]
    assert "per e-mail" not in ticket_text and "verschijnt hier in de chat" in ticket_text
    sanne = new_page(browser, contexts)
    log_in(sanne, server, "sanne@nme.example")
    sanne.goto(f"{server.url}/staff/tickets/{number}")
    sanne.locator("#reply-text").fill("Hoi Piet, we kijken ernaar.")
    sanne.get_by_role("button", name="Antwoord versturen").click()  # Piet is not in the chat
    expect(sanne.locator("#action-notice")).to_contain_text("Opgeslagen, maar nog niet gemaild")
    expect(sanne.locator("#action-notice")).not_to_contain_text("Per e-mail verstuurd")
    expect(sanne.locator("#mail-warning")).to_contain_text("Uitgaande mail is niet ingesteld")
    expect(sanne.locator("#mail-warning")).to_contain_text(re.compile(r"\d+ mails? wacht"))
    health = server.get_json("/healthz")
    assert health["status"] == "ok" and health["mail"]["configured"] is False
    assert health["mail"]["waiting"] >= 1 and "warnings" in health
    assert ERRORS[id(sanne)] == []
