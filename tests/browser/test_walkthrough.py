"""A walk-through of issue 12 as people live it, in headless Chromium: a Dutch customer and an
English customer (on the same Dutch-tagged page) each go from their first message to a ticket,
and a staff member answers both from the console.

It checks what they would notice: the interface's language, counts with the right plural form,
the ticket's deadline on the customer's own clock, a pasted trace and Site Health report that
arrive whole, and a console that shows the bot's messages rendered and the facts it read, with
where each came from.

Screenshots of every step go to ``test-artifacts/walkthrough/`` (or ``SUPPORTBOT_ARTIFACTS``),
for a person to look through; they are not committed. With ``SUPPORTBOT_UPDATE_SCREENSHOTS=1``
the English customer's ticket also replaces ``docs/screenshots/widget-ticket.png``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from sqlalchemy import select

from bot.channels.runtime import Runtime
from bot.config import REPO_ROOT
from bot.core.dialogue.deadlines import format_due
from bot.storage.models import Message, Ticket
from tests.browser.clipboard import copy
from tests.browser.conftest import DESKTOP, browser_server_env
from tests.browser.staff import staff_runtime
from tests.browser.test_console import log_in
from tests.browser.widget_page import WidgetPage
from tests.channels.email.relay import Relay
from tests.core.dialogue.test_provenance import SITE_HEALTH, TRACE
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("SUPPORTBOT_ARTIFACTS") or REPO_ROOT / "test-artifacts")
SHOTS = ARTIFACTS / "walkthrough"
DOCS = REPO_ROOT / "docs" / "screenshots"
PASTE = (
    f"reminder emails are sent twice and this error appears:\n{TRACE}\nMy site info:\n{SITE_HEALTH}"
)


@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    started = Relay().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, relay: Relay) -> Iterator[LiveServer]:
    env = {**browser_server_env(), "SUPPORTBOT_SMTP_URL": relay.url}
    with LiveServer(tmp_path_factory.mktemp("walkthrough"), env=env) as live:
        yield live


@pytest.fixture(scope="module")
def rt(server: LiveServer) -> Iterator[Runtime]:
    with staff_runtime(server, ("sanne@nme.example", "Sanne", "agent")) as built:
        yield built


class Camera:
    """Numbered screenshots of the walk-through, in the order a person would look at them."""

    def __init__(self) -> None:
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, page: Page, name: str, *, docs: str = "") -> None:
        self.count += 1
        target = SHOTS / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(target))
        if docs and os.environ.get("SUPPORTBOT_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(target, DOCS / docs)


def browser_page(
    browser: Browser, contexts: list[BrowserContext], locale: str, zone: str
) -> tuple[Page, list[str]]:
    context = browser.new_context(
        viewport=DESKTOP, locale=locale, timezone_id=zone, device_scale_factor=1
    )
    contexts.append(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page, errors


def ticket_of(rt: Runtime, number: str) -> Ticket:
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        session.expunge(ticket)
        return ticket


def seq_of(rt: Runtime, ticket: Ticket, text: str) -> int:
    with rt.db.session() as session:
        query = select(Message.seq).where(
            Message.conversation_id == ticket.conversation_id, Message.text == text
        )
        return int(session.scalars(query).one())


def fact(console: Page, key: str) -> Locator:
    return console.locator(f".facts dd.fact-{key}")


def test_two_customers_and_a_colleague(
    browser: Browser, server: LiveServer, rt: Runtime, relay: Relay,
    contexts: list[BrowserContext],
) -> None:  # fmt: skip
    camera = Camera()

    # -- Els, in Dutch, in Amsterdam ----------------------------------------------------------
    page, els_errors = browser_page(browser, contexts, "nl-NL", "Europe/Amsterdam")
    els = WidgetPage(page, server).goto(lang="nl")
    els.open()
    expect(els.search).to_have_attribute("placeholder", "Typ uw vraag…")
    els.search.press_sequentially("google agenda", delay=20)
    expect(els.part("#sb-results-status")).to_have_text("1 antwoord gevonden")
    camera.shot(page, "nl-search-one-result")
    els.search.fill("de plugin werkt niet meer")
    els.search.press("Enter")
    assert els.wait_for_turn(1)["route"] == "ask_product"
    page.get_by_role("group", name="Snelle antwoorden").get_by_role(
        "button", name="AppointPress"
    ).click()
    assert els.wait_for_turn(2)["route"] == "ask_version"
    assert els.ask("versie 3.4.2")["route"] == "ask_details"
    details = "Bij het opslaan van een afspraak zie ik een wit scherm. WordPress 6.5, PHP 8.1."
    assert els.ask(details)["route"] == "ask_email"
    opened = els.ask("els@bakkerij.example")
    assert opened["route"] == "ticket"
    els_number = opened["ticket"]["number"]
    els_ticket = ticket_of(rt, els_number)
    deadline = format_due(els_ticket.due_at, "nl", "Europe/Amsterdam", "")
    confirmation = els.bubbles("bot").last
    expect(confirmation).to_contain_text(f"binnen 24 uur te antwoorden (vóór {deadline})")
    expect(confirmation.locator(".nb", has_text=els_number)).to_have_count(1)
    expect(els.composer).to_have_attribute("placeholder", "Typ een bericht…")
    camera.shot(page, "nl-ticket-opened")

    # -- Tom, in English, in New York, on the same Dutch-tagged page ---------------------------
    page, tom_errors = browser_page(browser, contexts, "en-US", "America/New_York")
    tom = WidgetPage(page, server).goto(lang="nl")
    tom.open()
    expect(tom.part(".greeting")).to_have_text(
        "Hi! Search our frequently asked questions, or ask us your question."
    )
    tom.search.press_sequentially("google calendar", delay=20)
    expect(tom.part("#sb-results-status")).to_have_text("1 answer found")
    tom.search.fill("")
    copy(page, PASTE)
    tom.search.click()
    page.keyboard.press("Control+V")  # the paste goes to the chat composer, whole
    expect(tom.composer).to_have_value(PASTE)
    camera.shot(page, "en-paste-in-the-composer")
    tom.composer.press("Enter")
    turn = tom.wait_for_turn(1)
    assert turn["route"] == "update_required"
    sent = [m["text"] for m in tom.transcript()["messages"] if m["role"] == "customer"]
    assert sent == [PASTE.strip()]
    camera.shot(page, "en-asked-to-update")
    page.get_by_role("group", name="Quick replies").get_by_role(
        "button", name="Updated, still a problem"
    ).click()
    assert tom.wait_for_turn(2)["route"] == "ask_email"
    opened = tom.ask("tom@studio.example")
    tom_number = opened["ticket"]["number"]
    tom_ticket = ticket_of(rt, tom_number)
    deadline = format_due(tom_ticket.due_at, "en", "America/New_York", "")
    confirmation = tom.bubbles("bot").last
    expect(confirmation).to_contain_text(f"within 24 hours (before {deadline})")
    expect(confirmation).to_contain_text("You will also receive our answer by email")
    expect(tom.composer).to_have_attribute("placeholder", "Type a message…")
    expect(page.get_by_role("button", name="More options")).to_be_visible()
    camera.shot(page, "en-ticket-opened", docs="widget-ticket.png")

    # -- Sanne answers both from the console -----------------------------------------------------
    console, console_errors = browser_page(browser, contexts, "nl-NL", "Europe/Amsterdam")
    log_in(console, server, "sanne@nme.example")
    for number, subject in ((els_number, "de plugin werkt niet meer"),
                            (tom_number, "reminder emails are sent twice")):  # fmt: skip
        expect(console.locator(f'tr[data-number="{number}"]')).to_contain_text(subject)
    expect(console.locator(".queue-summary")).to_contain_text("1–2 van 2 tickets")
    camera.shot(console, "console-queue")

    console.goto(f"{server.url}/staff/tickets/{els_number}")
    told = seq_of(rt, els_ticket, details)
    expect(fact(console, "php_version")).to_contain_text(f"8.1 uit bericht {told}")
    expect(fact(console, "wp_version")).to_contain_text(f"6.5 uit bericht {told}")
    version_seq = seq_of(rt, els_ticket, "versie 3.4.2")
    expect(fact(console, "version")).to_contain_text(f"3.4.2 uit bericht {version_seq}")
    expect(fact(console, "product")).to_contain_text("AppointPress")
    asked = console.locator(".line.role-bot .rendered").filter(
        has_text="wilt u mij dit laten weten"
    )
    expect(asked.locator("li")).to_have_count(3)  # the checklist, rendered
    expect(console.locator("#transcript")).not_to_contain_text("**")
    camera.shot(console, "console-els-ticket")
    console.locator("#reply-text").fill("Hoi Els, ik ben Sanne. Welk thema gebruik je?")
    console.get_by_role("button", name="Antwoord versturen").click()
    expect(els.bubbles("staff")).to_have_text(["Hoi Els, ik ben Sanne. Welk thema gebruik je?"])

    console.goto(f"{server.url}/staff/tickets/{tom_number}")
    pasted = seq_of(rt, tom_ticket, PASTE.strip())
    from_paste = f"uit de geplakte Site Health-info (bericht {pasted})"
    expect(fact(console, "wp_version")).to_have_text(re.compile(rf"6\.8\s+{re.escape(from_paste)}"))
    expect(fact(console, "php_version")).to_contain_text(f"8.2.28 {from_paste}")
    error = fact(console, "error_text")
    expect(error).to_contain_text("PHP Fatal error: Uncaught TypeError: count()")
    expect(error).not_to_contain_text("reminder emails are sent twice")
    expect(error).to_contain_text(f"uit de geplakte foutmelding (bericht {pasted})")
    expect(fact(console, "third_party")).to_contain_text("WP Rocket")
    update = console.locator(".line.role-bot .rendered").filter(
        has_text="You are using AppointPress"
    )
    expect(update.locator("li strong").first).to_have_text("3.4.2")
    camera.shot(console, "console-tom-ticket")
    console.locator("#reply-text").fill("Hi Tom, I'm Sanne. Could you send the debug log?")
    console.get_by_role("button", name="Antwoord versturen").click()
    expect(tom.bubbles("staff")).to_have_text(["Hi Tom, I'm Sanne. Could you send the debug log?"])
    expect(tom.composer).to_have_attribute("placeholder", "Type a message…")  # still English
    camera.shot(tom.page, "en-staff-answer")
    camera.shot(els.page, "nl-staff-answer")
    assert els_errors == [] and tom_errors == [] and console_errors == []
