"""The staff console in headless Chromium against a real server (Redis bus, outbox worker and an
aiosmtpd relay): a widget conversation becomes a ticket that appears live in the queue; staff
claim it and answer, and the answer arrives live in the customer's widget; an email ticket is
answered and the mail reaches the relay. Screenshots of the queue, a ticket and the dashboard
go to the test's folder, or to ``docs/screenshots/`` with ``SUPPORTBOT_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

import http.server
import os
import random
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from bot.channels.email.service import email_channel
from bot.channels.runtime import Runtime
from bot.config import REPO_ROOT
from bot.storage import repositories as repo
from bot.storage.models import FaqAnswer, Ticket
from tests.browser.conftest import DESKTOP, browser_server_env
from tests.browser.staff import KEES, PASSWORD, SANNE, staff_runtime
from tests.browser.widget_page import TIMEOUT_MS, WidgetPage
from tests.channels.email.conftest import mail
from tests.channels.email.relay import Relay
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

ERRORS: dict[int, list[str]] = {}  # page -> uncaught errors and console errors (CSP ones too)
DOCS = REPO_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    started = Relay().start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, relay: Relay) -> Iterator[LiveServer]:
    env = {
        **browser_server_env(),
        "SUPPORTBOT_SMTP_URL": relay.url,
        "SUPPORTBOT_OUTBOX_WORKER": "true",
    }
    with LiveServer(tmp_path_factory.mktemp("console"), env=env) as live:
        yield live


@pytest.fixture(scope="module")
def rt(server: LiveServer) -> Iterator[Runtime]:
    """The server's database and Redis bus, from the test process (as another worker would)."""
    with staff_runtime(server, SANNE, KEES) as built:
        yield built


def new_page(browser: Browser, contexts: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL", device_scale_factor=1)
    contexts.append(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if wrong(msg.type, msg.text) else None)
    page.set_default_timeout(TIMEOUT_MS)
    ERRORS[id(page)] = errors
    return page


def wrong(kind: str, text: str) -> bool:
    """A console error that is not an HTTP status the test asked for (a refused reply: 409)."""
    return kind == "error" and not text.startswith("Failed to load resource")


def log_in(page: Page, server: LiveServer, email: str) -> None:
    page.goto(f"{server.url}/staff/")
    expect(page).to_have_url(f"{server.url}/staff/login?next=/staff/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{server.url}/staff/")
    expect(page.get_by_role("link", name="Wachtrij")).to_be_visible()


def save_screenshot(page: Page, name: str, tmp_path: Path) -> None:
    target = tmp_path / name
    page.screenshot(path=str(target), full_page=True)
    if os.environ.get("SUPPORTBOT_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, DOCS / name)


BUG = [
    "de plugin werkt niet meer",
    "AppointPress",
    "3.4.2",
    "Bij het opslaan van een afspraak krijg ik een wit scherm. WordPress 6.1, PHP 7.2",
]
SEED = [  # (language, email, name, messages, hours until due, assigned to Kees)
    ("nl", "els@bakkerij.example", "Els Bakker", BUG, -3, False),
    ("en", "tom@studio.example", "Tom Reed",
     ["I want to talk to a person about MailMagnet double opt-in mails"], 2, False),
    ("nl", "ria@kapsalon.example", "Ria de Wit",
     ["Kan ik een medewerker spreken over het Polder thema en mijn child theme?"], 9, True),
    ("nl", "joop@fietsen.example", "Joop Smit",
     ["Ik wil een medewerker spreken, mijn licentie wordt niet geactiveerd"], 20, False),
]  # fmt: skip


def seed_queue(rt: Runtime) -> list[str]:
    """Some tickets waiting already, due at different times (the screenshot's queue)."""
    numbers = []
    for language, email, name, texts, hours, to_kees in SEED:
        started = rt.conversations.start(
            channel="widget", language=language, email=email, name=name
        )
        for text in texts:
            turn = rt.conversations.post(started.public_id, started.token, text)
        number = turn.ticket.number
        numbers.append(number)
        with rt.db.session() as session:
            ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
            ticket.due_at = datetime.now(UTC) + timedelta(hours=hours)
            if to_kees:
                ticket.assignee_id = 2
    return numbers


def test_a_widget_ticket_is_claimed_and_answered_live(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext],
    tmp_path: Path,
) -> None:  # fmt: skip
    seeded = seed_queue(rt)
    sanne = new_page(browser, contexts)
    log_in(sanne, server, "sanne@nme.example")

    customer = WidgetPage(new_page(browser, contexts), server).goto()
    customer.open()
    customer.search.fill("Ik wil een medewerker spreken over mijn <b>boekingen</b>")
    customer.search.press("Enter")
    assert customer.wait_for_turn(1)["route"] == "ask_email"
    turn = customer.ask("jan@klant.example")
    assert turn["route"] == "ticket"
    number = turn["ticket"]["number"]

    # the new ticket appears in the queue without a reload
    expect(sanne.locator(f'tr[data-number="{number}"]')).to_be_visible()
    expect(sanne.locator(f'tr[data-number="{number}"]')).to_have_class(re.compile(r"\bfresh\b"))
    save_screenshot(sanne, "console-queue.png", tmp_path)
    sanne.locator(f'tr[data-number="{number}"] a').click()
    expect(sanne.get_by_role("heading", level=1)).to_contain_text(number)
    transcript = sanne.locator("#transcript")
    expect(transcript).to_contain_text("mijn <b>boekingen</b>")  # as text, not markup
    expect(sanne.locator(".delivery")).to_contain_text("De klant heeft de chat open")

    # a colleague opening the same ticket is seen; so is the customer typing
    kees = new_page(browser, contexts)
    log_in(kees, server, "kees@nme.example")
    kees.goto(f"{server.url}/staff/tickets/{number}")
    expect(sanne.locator("#viewers")).to_contain_text("Kees")
    expect(kees.locator("#viewers")).to_contain_text("Sanne")
    customer.page.wait_for_timeout(3100)  # the widget says "typing" at most every 3 s
    customer.composer.press_sequentially("ben je er", delay=30)
    expect(sanne.locator("#customer-typing")).to_be_visible()

    sanne.get_by_role("button", name="Oppakken").click()
    expect(sanne.locator("#action-notice")).to_contain_text("Je hebt dit ticket opgepakt")
    sanne.locator("#reply-text").fill("Hallo Jan, ik ben Sanne. Ik kijk met je mee!")
    sanne.get_by_role("button", name="Antwoord versturen").click()
    expect(sanne.locator("#action-notice")).to_contain_text(
        "De klant heeft de chat open en ziet het nu"
    )

    # the customer's widget shows it at once
    expect(customer.bubbles("staff")).to_have_count(1)
    expect(customer.bubbles("staff").first).to_contain_text("ik ben Sanne")
    # Kees's page got the reply live, and sending his own now would be refused
    expect(kees.locator("#transcript")).to_contain_text("ik ben Sanne")
    expect(kees.locator("#collision-banner")).to_be_visible()
    kees.locator("#reply-text").fill("Hoi Jan, Kees hier")
    kees.get_by_role("button", name="Antwoord versturen").click()
    expect(kees.locator("#action-error")).to_contain_text("Sanne heeft dit ticket beantwoord")
    expect(kees.locator("#reply-text")).to_have_value("Hoi Jan, Kees hier")

    # the seeded bug report: what the bot collected, checked against the product
    sanne.goto(f"{server.url}/staff/tickets/{seeded[0]}")
    facts = sanne.locator(".facts")
    expect(facts).to_contain_text("lager dan de vereiste 6.2")  # WordPress 6.1
    sanne.locator("#note-text").fill("WordPress 6.1 is te oud; eerst laten bijwerken.")
    sanne.get_by_role("button", name="Notitie toevoegen").click()
    expect(sanne.locator("#action-notice")).to_contain_text("De notitie is toegevoegd.")
    sanne.locator("#canned-q").fill("conflict")
    expect(sanne.locator("#canned-results button").first).to_be_visible()
    save_screenshot(sanne, "console-ticket.png", tmp_path)
    with rt.db.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        assert ticket.status == "waiting" and ticket.first_response_at is not None
    for page in (sanne, kees):
        assert ERRORS[id(page)] == []


class Attacker:
    """A stranger's web server on loopback, serving a ``widget.js`` that would read the queue
    with the agent's cookie. It records every request it gets."""

    SCRIPT = b"fetch('/staff/').then(r => r.text()).then(t => { window.__stolen = t; });"

    def __init__(self) -> None:
        self.requests: list[str] = []
        attacker = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                attacker.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/javascript")
                self.end_headers()
                self.wfile.write(Attacker.SCRIPT)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_crafted_demo_link_runs_no_foreign_script_in_an_agents_session(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext]
) -> None:
    """Issue 19 #1: ``/demo/?server=`` once loaded any script on the console's origin."""
    attacker = Attacker()
    try:
        kees = new_page(browser, contexts)
        log_in(kees, server, "kees@nme.example")
        kees.goto(f"{server.url}/demo/?server={attacker.url}&lang=en")
        expect(kees.locator("supportbot-widget .launcher")).to_be_visible()  # our own widget
        kees.wait_for_load_state("networkidle")
        assert attacker.requests == []
        assert kees.evaluate("typeof window.__stolen") == "undefined"
        assert ERRORS[id(kees)] == []  # and nothing was blocked: the page asked for no stranger
    finally:
        attacker.stop()


def test_an_email_ticket_is_answered_by_mail(
    browser: Browser, server: LiveServer, rt: Runtime, relay: Relay,
    contexts: list[BrowserContext],
) -> None:  # fmt: skip
    sanne = new_page(browser, contexts)
    log_in(sanne, server, "sanne@nme.example")
    outcome = email_channel(rt).handle(
        mail("Ik wil graag een medewerker spreken over mijn factuurinstellingen.",
             subject="Hulp gevraagd", message_id="<browser-1@klant.example>",
             to=rt.kb.policy.helpdesk_email),
        source="smtp",
    )  # fmt: skip
    with rt.db.session() as session:
        number = session.scalars(
            select(Ticket.number).where(Ticket.conversation_id == outcome.conversation_id)
        ).one()
    expect(sanne.locator(f'tr[data-number="{number}"]')).to_be_visible()  # live, via Redis
    sanne.locator(f'tr[data-number="{number}"] a').click()
    expect(sanne.locator(".delivery")).to_contain_text("Gaat per e-mail naar anna@klant.example")
    sanne.locator("#reply-text").fill("Beste Anna,\n\nDat regelen we voor je.\n\nSanne")
    sanne.get_by_role("button", name="Antwoord versturen").click()
    expect(sanne.locator("#action-notice")).to_contain_text("Per e-mail verstuurd.")
    sent = wait_for_staff_mail(relay, "Dat regelen we voor je.")
    assert sent["Auto-Submitted"] is None
    assert [a.addr_spec for a in sent["To"].addresses] == ["anna@klant.example"]
    assert sent["In-Reply-To"].strip() == "<browser-1@klant.example>"
    assert number in sent["Subject"] and "Sanne" in str(sent["From"])


def wait_for_staff_mail(relay: Relay, text: str) -> object:
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while datetime.now(UTC) < deadline:
        for message in relay.messages():
            body = message.get_body(("plain",))
            if body is not None and text in body.get_content():
                return message
        relay.wait_for(len(relay.delivered) + 1, timeout=0.5)
    raise AssertionError(f"no mail with {text!r} at the relay: {relay.messages()}")


FAQ_IDS = [
    "appointpress-google-calendar",
    "appointpress-reminders-not-sent",
    "appointpress-days-off",
]


def seed_history(rt: Runtime, days: int = 30) -> None:
    """A month of made-up but plausible traffic, so the plots have something to show."""
    rng = random.Random(7)
    products = [*rt.kb.products, None]
    questions = [
        "Kan ik afspraken exporteren naar Excel?",
        "Werkt MailMagnet met Elementor?",
        "Hoe verander ik de kleur van de knoppen?",
        "Kan ik afspraken exporteren naar Excel?",
    ]
    now = datetime.now(UTC)
    with rt.db.session() as session:
        for day in range(days, 0, -1):
            for _ in range(rng.randint(6, 16)):
                created = now - timedelta(days=day, hours=rng.uniform(0, 20))
                conversation, _token = repo.create_conversation(
                    session, channel=rng.choice(["widget", "email"]), language="nl", state={}
                )
                conversation.created_at, conversation.product = created, rng.choice(products)
                repo.append_message(session, conversation, "customer", "vraag", created_at=created)
                conversation.outcome_at = created + timedelta(minutes=5)
                if rng.random() < 0.55:
                    repo.add_event(session, conversation.id, "faq_answered", {}, created_at=created)
                    conversation.outcome = rng.choice(["confirmed", "answer", "answer"])
                    helpful = (
                        rng.choice([None, False]) if conversation.outcome == "answer" else True
                    )
                    session.add(
                        FaqAnswer(conversation_id=conversation.id, faq_id=rng.choice(FAQ_IDS),
                                  language="nl", answered_at=created, helpful=helpful,
                                  ticket_after=False)
                    )  # fmt: skip
                elif rng.random() < 0.5:
                    missed = {"query": rng.choice(questions), "language": "nl"}
                    repo.add_event(
                        session, conversation.id, "faq_missed", missed, created_at=created
                    )
                    conversation.outcome = rng.choice(["question", "question", "not_understood"])
                else:
                    conversation.outcome = "handed_off"
                    conversation.handoff_reason = rng.choice(
                        [
                            "person",
                            "person",
                            "bug",
                            "no_answer",
                            "not_helped",
                            "conflict_test_failed",
                        ]
                    )
                    ticket = repo.create_ticket(
                        session, conversation, prefix="OLD", reason="person", summary="vraag",
                        due_at=created + timedelta(hours=24), details={},
                    )  # fmt: skip
                    ticket.opened_at, ticket.product = created, conversation.product
                    ticket.status = "resolved"
                    ticket.first_response_at = created + timedelta(hours=rng.lognormvariate(2, 0.7))


def test_the_dashboard_draws_its_plots(
    browser: Browser, server: LiveServer, rt: Runtime, contexts: list[BrowserContext],
    tmp_path: Path,
) -> None:  # fmt: skip
    seed_history(rt)
    page = new_page(browser, contexts)
    log_in(page, server, "sanne@nme.example")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(page.locator(".tiles")).to_contain_text("gesprekken")
    expect(page.locator(".tiles")).to_contain_text("duurzaam opgelost (7 dagen standgehouden)")
    ladder = page.locator("#ladder")
    for bucket in (
        "bevestigd",
        "aangenomen",
        "overgedragen",
        "afgehaakt",
        "vroeg om een medewerker",
    ):
        expect(ladder).to_contain_text(bucket)
    assert page.locator("svg.ladder-bar rect.s-confirmed").count() == 1
    expect(page.locator("#entries")).to_contain_text("Google")
    expect(page.locator("table.missed")).to_contain_text("Kan ik afspraken exporteren naar Excel?")
    assert page.locator("svg.chart rect").count() > 30  # a bar for (nearly) every day
    save_screenshot(page, "console-dashboard.png", tmp_path)
    shot = tmp_path / "console-ladder.png"
    ladder.screenshot(path=str(shot))
    if os.environ.get("SUPPORTBOT_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(shot, DOCS / "console-ladder.png")
    assert ERRORS[id(page)] == []
