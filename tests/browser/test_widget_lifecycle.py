"""The widget taken off the page and put back (a page builder, a single-page site's navigation):
nothing of it keeps running while it is away, and it carries on when it returns."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.browser.widget_page import TIMEOUT_MS, WidgetPage
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

TAKE_OFF = """() => {
  window.__widget = document.querySelector('supportbot-widget');
  window.__widget.remove();
}"""
PUT_BACK = "() => document.body.appendChild(window.__widget)"
# The page's listeners on window, document and visualViewport, as "target:type", counted by
# wrapping addEventListener before any script runs (the demo theme adds none of its own).
WATCH_LISTENERS = """(() => {
  const live = [];
  const name = (target) => target === window ? "window" : target === document ? "document"
    : target === window.visualViewport ? "visualViewport" : null;
  const same = (entry, target, type, listener) =>
    entry.target === target && entry.type === type && entry.listener === listener;
  const { addEventListener: add, removeEventListener: remove } = EventTarget.prototype;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (name(this) && listener && !live.some((e) => same(e, this, type, listener))) {
      live.push({ target: this, type, listener });
    }
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const at = live.findIndex((e) => same(e, this, type, listener));
    if (at >= 0) live.splice(at, 1);
    return remove.call(this, type, listener, options);
  };
  window.__listening = () => live.map((e) => name(e.target) + ":" + e.type).sort();
})()"""
WIDGET_LISTENERS = [
    "document:visibilitychange",
    "visualViewport:resize",
    "visualViewport:scroll",
    "window:offline",
    "window:online",
    "window:resize",
    "window:storage",
]
# what would wake a live widget: the network back, the tab visible again, a window resized
NUDGE = """() => {
  window.dispatchEvent(new Event('online'));
  document.dispatchEvent(new Event('visibilitychange'));
  window.dispatchEvent(new Event('resize'));
}"""


def wait_until(page: Page, done: Callable[[], bool], what: str) -> None:
    for _ in range(TIMEOUT_MS // 100):
        if done():
            return
        page.wait_for_timeout(100)  # Playwright delivers socket events while the page waits
    raise AssertionError(f"timed out waiting until {what}")


def listening(page: Page) -> list[str]:
    """The widget's kind of listeners that the page has: the DOMContentLoaded one is not."""
    found: list[str] = page.evaluate("window.__listening()")
    return [entry for entry in found if entry in WIDGET_LISTENERS]


def chat_then_take_off(widget: WidgetPage, page: Page) -> list[WebSocket]:
    """Ask a first question, then remove the widget; the page's sockets, the first one closed."""
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    page.add_init_script(WATCH_LISTENERS)
    widget.goto().open()
    widget.search.fill("Hoe installeer ik de plugin?")
    widget.search.press("Enter")
    widget.wait_for_turn(1)
    assert len(sockets) == 1 and not sockets[0].is_closed()
    assert listening(page) == WIDGET_LISTENERS
    page.evaluate(TAKE_OFF)
    wait_until(page, sockets[0].is_closed, "the removed widget's socket is closed")
    assert listening(page) == []
    return sockets


def test_removing_the_widget_closes_its_socket_and_putting_it_back_reconnects(
    widget: WidgetPage, page: Page, server: LiveServer
) -> None:
    sockets = chat_then_take_off(widget, page)
    frames = len(widget.frames)
    page.evaluate(NUDGE)
    server.staff_reply(widget.conversation_id(), "Hallo, is daar iemand?")
    page.wait_for_timeout(3_000)  # longer than the first reconnect's backoff (0.5-1 s)
    assert len(sockets) == 1, "a removed widget opened a new socket"
    assert len(widget.frames) == frames, "a removed widget still received frames"

    page.evaluate(PUT_BACK)
    wait_until(page, lambda: len(sockets) == 2, "the widget put back opens a new socket")
    assert listening(page) == WIDGET_LISTENERS
    # the same panel, still open, and the same conversation read again from the server (with
    # the reply sent while the widget was away)
    expect(widget.panel).to_be_visible()
    expect(widget.bubbles("staff")).to_have_text(["Hallo, is daar iemand?"])
    widget.ask("Ja, ik ben er weer.")
    expect(widget.bubbles("customer")).to_have_text(
        ["Hoe installeer ik de plugin?", "Ja, ik ben er weer."]
    )
    assert not sockets[1].is_closed()
    assert widget.stored("outbox") == []


def test_a_message_sent_while_the_widget_is_away_goes_out_when_it_returns(
    widget: WidgetPage, page: Page
) -> None:
    sockets = chat_then_take_off(widget, page)
    turns = widget.turn_count()
    page.evaluate("() => window.Supportbot.send('Nog een vraag')")  # the connector's button
    page.wait_for_timeout(1_000)
    assert [item["text"] for item in widget.stored("outbox")] == ["Nog een vraag"]
    assert len(sockets) == 1 and widget.turn_count() == turns

    page.evaluate(PUT_BACK)
    widget.wait_for_turn(turns + 1)
    expect(widget.part(".msg.customer .meta")).to_have_count(0)
    expect(widget.bubbles("customer")).to_have_text(
        ["Hoe installeer ik de plugin?", "Nog een vraag"]
    )
    assert widget.stored("outbox") == []
    messages = [m for m in widget.transcript()["messages"] if m["role"] == "customer"]
    assert [m["text"] for m in messages] == ["Hoe installeer ik de plugin?", "Nog een vraag"]
