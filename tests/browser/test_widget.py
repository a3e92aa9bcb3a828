"""The widget in headless Chromium on a hostile WordPress-like page, against a real server."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import browser_server_env
from tests.browser.widget_page import WidgetPage
from tests.conftest import SHARED_DIR
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser
SHARED_SITE_HEALTH = SHARED_DIR / "realworld" / "wp" / "site-health" / "01.txt"

XSS = [
    '<img src=x onerror="window.__xss = 1">',
    "<script>window.__xss = 2</script>",
    '"><svg onload="window.__xss = 3">',
    "javascript:window.__xss = 4",
]


def plain(markup: str) -> str:
    """The text of some HTML, without any whitespace (layout decides that)."""
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def shown(text: str) -> str:
    return "".join(text.split())


# -- the page and the panel --------------------------------------------------------------------
def test_the_widget_survives_the_theme(widget: WidgetPage, page: Page) -> None:
    widget.goto()
    assert page.locator("supportbot-widget").count() == 1  # the tag is on the page twice
    expect(widget.launcher).to_have_attribute("aria-label", "Open de chat")
    box = widget.launcher.bounding_box()
    assert box and box["width"] == pytest.approx(58, abs=1)  # the theme's button rules stay outside
    font = widget.launcher.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Comic" not in font
    assert page.evaluate("typeof window.Supportbot.open") == "function"
    assert page.evaluate("Object.isFrozen(window.Supportbot)")
    assert page.evaluate(
        "typeof window.$ === 'function' && !window.$.fn"
    )  # the theme's $ is untouched
    widget.open()
    expect(widget.search).to_be_focused()
    assert widget.panel.evaluate("el => getComputedStyle(el).fontSize") == "15px"


def test_faq_search_suggests_while_typing_and_shows_the_answer(
    widget: WidgetPage, page: Page
) -> None:
    widget.goto().open()
    widget.search.press_sequentially("licentie verl", delay=40)
    results = widget.part(".results button")
    expect(results.first).to_be_visible()
    question = results.first.inner_text()
    results.first.click()
    answer = widget.part(".answer")
    expect(answer.locator("h3")).to_have_text(question)
    assert len(answer.locator(".bubble").inner_text()) > 40
    page.get_by_role("button", name="Dit helpt, bedankt").click()
    expect(widget.part(".notice[role=status]")).to_have_text("Fijn dat we u konden helpen!")
    assert widget.stored("conversation") is None  # searching the FAQ starts no conversation


@pytest.mark.parametrize(
    ("page_language", "question", "answered_in"),
    [
        ("nl", "Hoe verleng ik mijn licentie?", "nl"),
        ("en", "How do I renew my licence?", "en"),
        ("nl", "How do I renew my licence?", "en"),  # the answer follows the customer
    ],
)
def test_a_question_is_answered_in_the_customers_language(
    widget: WidgetPage, page_language: str, question: str, answered_in: str
) -> None:
    widget.goto(lang=page_language).open()
    widget.search.fill(question)
    widget.search.press("Enter")
    turn = widget.wait_for_turn(1)
    assert turn["state"]["language"] == answered_in
    first = turn["messages"][0]
    expect(widget.bubbles("customer").last).to_have_text(question)
    bubble = widget.bubbles("bot").nth(1)  # after the greeting
    expect(bubble).to_be_visible()
    assert shown(bubble.inner_text()) == plain(first["html"])


def test_a_product_is_chosen_with_a_quick_reply(widget: WidgetPage, page: Page) -> None:
    widget.goto().open()
    page.get_by_role("button", name="Stel uw vraag").click()
    turn = widget.ask("De plugin werkt niet meer")
    assert turn["route"] == "ask_product"
    choices = turn["messages"][-1]["quick_replies"]
    assert "Polder" in choices
    group = page.get_by_role("group", name="Snelle antwoorden")
    expect(group.get_by_role("button")).to_have_count(len(choices))
    widget.choose("Polder")
    chosen = widget.wait_for_turn(2)
    assert chosen["state"]["product"] == "polder"
    expect(widget.bubbles("customer").last).to_have_text("Polder")
    expect(page.get_by_role("group", name="Snelle antwoorden")).to_have_count(
        1 if chosen["messages"][-1]["quick_replies"] else 0
    )  # the old choices are gone


def test_a_product_the_server_does_not_know_does_not_stop_the_chat(
    widget: WidgetPage, page: Page
) -> None:
    """A page (or an old connector) naming a renamed product: the chat starts without it."""
    starts: list[int] = []
    page.on(
        "response",
        lambda r: (
            starts.append(r.status)
            if r.url.endswith("/api/conversations") and r.request.method == "POST"
            else None
        ),
    )
    widget.goto(product="renamed-product").open()
    page.get_by_role("button", name="Stel uw vraag").click()
    turn = widget.ask("De plugin werkt niet meer")
    assert turn["route"] == "ask_product" and turn["state"]["product"] is None
    assert starts == [400, 201]


def test_the_bot_asks_for_an_email_address_before_a_ticket(widget: WidgetPage, page: Page) -> None:
    widget.goto().open()
    page.get_by_role("button", name="Stel uw vraag").click()
    asked = widget.ask("Ik wil een medewerker spreken")
    assert asked["route"] == "ask_email"
    expect(widget.composer).to_have_attribute("inputmode", "email")
    expect(widget.composer).to_have_attribute("autocomplete", "email")
    expect(widget.composer).to_have_attribute("placeholder", "naam@voorbeeld.nl")
    answered = widget.ask("klant@example.com")
    assert answered["route"] != "ask_email"
    expect(widget.composer).to_have_attribute("inputmode", "text")


def test_the_conversation_survives_a_reload(widget: WidgetPage) -> None:
    widget.goto().open()
    widget.search.fill("Hoe installeer ik de plugin?")
    widget.search.press("Enter")
    turn = widget.wait_for_turn(1)
    widget.reload()
    widget.open()  # a conversation exists: the chat opens directly
    expect(widget.bubbles("customer")).to_have_text(["Hoe installeer ik de plugin?"])
    expect(widget.bubbles("bot")).to_have_count(1 + len(turn["messages"]))
    assert widget.stored("outbox") == []


def test_two_tabs_share_one_conversation(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        first, second = (WidgetPage(context.new_page(), server) for _ in range(2))
        first.goto()
        second.goto()
        first.open()
        first.search.fill("Hoe installeer ik de plugin?")
        first.search.press("Enter")
        first.wait_for_turn(1)
        second.open()  # the other tab noticed the new conversation and joined it
        expect(second.bubbles("customer")).to_have_text(["Hoe installeer ik de plugin?"])
        second.ask("Bedankt!")
        expect(first.bubbles("customer")).to_have_text(["Hoe installeer ik de plugin?", "Bedankt!"])
        assert any(frame["type"] == "sync" for frame in first.frames)
    finally:
        context.close()


# -- the network -----------------------------------------------------------------------------------
def test_losing_the_server_and_getting_it_back(browser: Browser, tmp_path: Path) -> None:
    server = LiveServer(tmp_path, env=browser_server_env()).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    try:
        widget = WidgetPage(context.new_page(), server)
        widget.goto().open()
        widget.search.fill("Hoe installeer ik de plugin?")
        widget.search.press("Enter")
        widget.wait_for_turn(1)
        server.stop()
        status = widget.part(".status")
        expect(status).to_have_text(re.compile("Verbinding verbroken"))
        widget.composer.fill("Ben je er nog?")
        widget.composer.press("Enter")
        pending = widget.part(".msg.customer").last
        expect(pending.locator(".meta")).to_have_text("Wordt verstuurd…")
        assert [item["text"] for item in widget.stored("outbox")] == ["Ben je er nog?"]
        server.start()
        expect(pending.locator(".meta")).to_have_count(0, timeout=30_000)  # sent once it could be
        expect(status).to_be_hidden(timeout=30_000)
        expect(widget.bubbles("customer")).to_have_text(
            ["Hoe installeer ik de plugin?", "Ben je er nog?"]
        )
        assert widget.stored("outbox") == []
    finally:
        context.close()
        server.stop()


def test_blocked_websockets_fall_back_to_http(
    widget: WidgetPage, page: Page, server: LiveServer
) -> None:
    page.route_web_socket(re.compile(r".*/ws$"), lambda socket: socket.close())  # a proxy says no
    widget.goto().open()
    widget.search.fill("Hoe installeer ik de plugin?")
    widget.search.press("Enter")
    expect(widget.bubbles("bot")).to_have_count(2, timeout=20_000)  # greeting, answer: over HTTP
    expect(widget.part(".msg.customer .meta")).to_have_count(0)
    server.staff_reply(widget.conversation_id(), "Antwoord via de fallback")
    expect(widget.bubbles("staff")).to_have_text(["Antwoord via de fallback"], timeout=15_000)


def test_a_staff_reply_arrives_live_and_counts_as_unread_when_closed(
    widget: WidgetPage, page: Page, server: LiveServer
) -> None:
    widget.goto().open()
    widget.search.fill("Ik wil een medewerker spreken")
    widget.search.press("Enter")
    widget.wait_for_turn(1)
    server.staff_reply(widget.conversation_id(), "Hallo, ik ben Sanne van support.")
    expect(widget.bubbles("staff")).to_have_text(["Hallo, ik ben Sanne van support."])
    expect(widget.part(".msg.staff .who")).to_have_text("Medewerker")
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    server.staff_reply(widget.conversation_id(), "Is het gelukt?")
    expect(widget.part(".badge")).to_have_text("1")
    # one message, one form; two take the plural (issue 12, widget #3)
    expect(widget.launcher).to_have_attribute("aria-label", "Open de chat (1 ongelezen bericht)")
    server.staff_reply(widget.conversation_id(), "Laat maar weten!")
    expect(widget.part(".badge")).to_have_text("2")
    expect(widget.launcher).to_have_attribute("aria-label", "Open de chat (2 ongelezen berichten)")
    expect(
        page.get_by_role("status").filter(has_text="Nieuw bericht van Medewerker")
    ).to_have_count(1)
    widget.open()
    expect(widget.part(".badge")).to_be_hidden()


# -- keyboard, screen readers, hostile text --------------------------------------------------
def test_keyboard_only(widget: WidgetPage, page: Page) -> None:
    widget.goto()
    page.locator("body").focus()
    page.keyboard.press("Shift+Tab")  # the widget is the last stop on the page
    assert widget.active_element()["isLauncher"]
    page.keyboard.press("Enter")
    expect(widget.search).to_be_focused()
    page.keyboard.type("Hoe installeer ik de plugin?")
    page.keyboard.press("Enter")
    expect(widget.composer).to_be_focused()
    widget.wait_for_turn(1)
    page.keyboard.type("Bedankt!")
    page.keyboard.press("Enter")
    widget.wait_for_turn(2)
    for _ in range(25):  # the focus stays in the open panel
        page.keyboard.press("Tab")
        assert widget.active_element()["inPanel"], widget.active_element()
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        assert widget.active_element()["inPanel"]
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    assert widget.active_element()["isLauncher"]


def test_controls_are_labelled_for_screen_readers(widget: WidgetPage, page: Page) -> None:
    widget.goto().open()
    expect(widget.panel).to_have_attribute("aria-modal", "true")
    expect(widget.panel).to_have_accessible_name("Support")
    unnamed = page.evaluate(
        """() => [...document.querySelector('supportbot-widget').shadowRoot
                .querySelectorAll('button, input, textarea')]
              .filter(el => !(el.getAttribute('aria-label') || el.textContent.trim()
                              || el.labels?.length))
              .map(el => el.outerHTML)"""
    )
    assert unnamed == []
    page.get_by_role("button", name="Stel uw vraag").click()
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("textbox", name="Uw bericht")).to_be_focused()
    expect(page.get_by_role("button", name="Geluid bij nieuwe berichten")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_html_and_script_typed_anywhere_are_shown_as_text(
    widget: WidgetPage, page: Page, server: LiveServer
) -> None:
    widget.goto().open()
    widget.search.fill(XSS[0])
    widget.search.press("Enter")
    widget.wait_for_turn(1)
    for n, payload in enumerate(XSS[1:], start=2):
        widget.ask(payload)
        widget.wait_for_turn(n)
    expect(widget.bubbles("customer")).to_have_text(XSS)
    server.staff_reply(
        widget.conversation_id(),
        "staff",
        html='<p>ok</p><img src=x onerror="window.__xss = 5">'
        '<a href="javascript:window.__xss = 6">x</a>',
    )
    expect(widget.bubbles("staff")).to_have_text([re.compile(r"^ok\s*x$")])
    assert page.evaluate("window.__xss") is None
    counts = page.evaluate(
        """() => {
          const root = document.querySelector('supportbot-widget').shadowRoot;
          const scripted = [...root.querySelectorAll('.log a')]
            .filter(a => /^javascript:/i.test(a.getAttribute('href') || ''));
          return [root.querySelectorAll('.log img, .log svg, .log script').length, scripted.length];
        }"""
    )
    assert counts == [0, 0]


def test_a_phone_gets_a_full_screen_panel(browser: Browser, server: LiveServer) -> None:
    """The demo theme is wider than the phone, so position:fixed places things in a layout
    viewport larger than the screen: the launcher still sits 20 px inside what the phone shows,
    and tapping it scrolls nothing."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="nl-NL"
    )
    try:
        widget = WidgetPage(context.new_page(), server)
        widget.goto()
        assert widget.page.evaluate("() => innerWidth") > 390  # the hostile theme is in effect
        assert widget.launcher.bounding_box() == {"x": 312, "y": 766, "width": 58, "height": 58}
        widget.launcher.tap()
        scrolled = "() => [visualViewport.offsetLeft, visualViewport.offsetTop]"
        assert widget.page.evaluate(scrolled) == [0, 0]
        expect(widget.panel).to_be_visible()
        assert widget.panel.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
        expect(widget.launcher).to_be_hidden()
        widget.page.get_by_role("button", name="Sluit de chat").tap()
        expect(widget.launcher).to_be_visible()
    finally:
        context.close()


# -- transcript and the end ------------------------------------------------------------------------
def test_download_the_transcript_then_end_the_conversation(widget: WidgetPage, page: Page) -> None:
    widget.goto(lang="en").open()
    widget.search.fill("How do I install the plugin?")
    widget.search.press("Enter")
    widget.wait_for_turn(1)
    page.get_by_role("button", name="More options").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download transcript").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"Conversation {widget.conversation_id()}" in text
    assert "You: How do I install the plugin?" in text and "Supportbot: " in text
    page.get_by_role("button", name="More options").click()
    page.get_by_role("button", name="End conversation").click()
    page.get_by_role("button", name="Yes").click()
    expect(widget.part(".notice[role=status]")).to_have_text("The conversation has ended.")
    assert widget.stored("conversation") is None
    expect(page.get_by_role("button", name="Ask your question")).to_be_visible()


def test_site_health_info_is_explained_and_pasted_in_the_customers_language(
    widget: WidgetPage, page: Page
) -> None:
    if not SHARED_SITE_HEALTH.exists():
        pytest.skip("../shared/realworld is not on this machine")
    report = SHARED_SITE_HEALTH.read_text(encoding="utf-8")
    widget.goto(lang="nl").open()
    page.get_by_role("button", name="Meer opties").click()
    page.get_by_role("button", name="Site Health-info plakken").click()
    expect(widget.part("#sb-hint")).to_contain_text("Gereedschap → Sitediagnose → Info")
    assert widget.active_element()["id"] == "sb-text"
    turn = widget.ask(report)
    assert turn["messages"][0]["text"].startswith(
        "Bedankt, ik heb uw Site Health-informatie gelezen."
    )
    assert "WordPress 6.8" in turn["messages"][0]["text"]
    expect(widget.part("#sb-hint")).to_be_hidden()


def test_a_message_the_server_keeps_failing_on_is_set_aside_and_never_blocks_the_rest(
    widget: WidgetPage, page: Page, server: LiveServer
) -> None:
    """Issues 10 #5 and 12 #7: over the HTTP fallback, a message answered with 5xx was retried
    every 4 s forever, and everything typed after it waited behind it, even after a reload.

    The WebSocket is blocked (a proxy) and the network answers 500 for one message only."""
    broken = "Dit bericht loopt steeds vast"
    failing = {"on": True, "answered_500": 0}

    def messages(route: Route) -> None:
        body = route.request.post_data_json if route.request.method == "POST" else None
        if failing["on"] and isinstance(body, dict) and body.get("text") == broken:
            failing["answered_500"] += 1
            route.fulfill(
                status=500,
                headers={"Access-Control-Allow-Origin": f"http://localhost:{server.port}"},
                json={"error": "internal_error", "message": "something went wrong"},
            )
        else:
            route.continue_()

    page.route_web_socket(re.compile(r".*/ws$"), lambda socket: socket.close())
    page.route(re.compile(r".*/api/conversations/[^/]+/messages$"), messages)
    widget.goto().open()
    widget.search.fill("Hoe installeer ik de plugin?")
    widget.search.press("Enter")
    expect(widget.bubbles("bot")).to_have_count(2, timeout=20_000)  # answered over HTTP
    bots = widget.bubbles("bot").count()

    for text in (broken, "Werkt de plugin ook met WooCommerce?"):
        widget.composer.fill(text)
        widget.composer.press("Enter")
    stuck = widget.part(".msg.customer.failed")
    expect(stuck.locator(".meta")).to_have_text(
        "Niet verstuurd: Er ging iets mis. Probeer het zo nog eens.", timeout=30_000
    )
    expect(stuck.locator(".bubble")).to_have_text(broken)
    expect(stuck.get_by_role("button", name="Opnieuw versturen")).to_be_visible()
    assert failing["answered_500"] == 3  # a few tries, then it stops
    expect(widget.part(".msg.customer .meta")).to_have_count(1)  # the later message went out
    expect(widget.bubbles("bot")).not_to_have_count(bots)

    widget.reload()  # the set-aside message is remembered, and still blocks nothing
    widget.open()
    expect(stuck.get_by_role("button", name="Opnieuw versturen")).to_be_visible()
    widget.composer.fill("Bedankt, verder niets")
    widget.composer.press("Enter")
    expect(widget.part(".msg.customer").last.locator(".bubble")).to_have_text(
        "Bedankt, verder niets"
    )
    expect(widget.part(".msg.customer .meta")).to_have_count(1, timeout=20_000)
    page.wait_for_timeout(5_000)  # longer than the old 4 s retry: nothing is tried by itself
    assert failing["answered_500"] == 3

    failing["on"] = False  # the network is fine again: the customer sends it once more
    stuck.get_by_role("button", name="Opnieuw versturen").click()
    expect(widget.part(".msg.customer .meta")).to_have_count(0, timeout=20_000)
    expect(widget.bubbles("customer")).to_have_text(
        ["Hoe installeer ik de plugin?", "Werkt de plugin ook met WooCommerce?",
         "Bedankt, verder niets", broken]
    )  # fmt: skip
    assert widget.stored("outbox") == []
