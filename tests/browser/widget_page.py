"""The widget as a test sees it: the demo page, the launcher, the panel, and the socket's frames."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Locator, Page, WebSocket, expect

from tests.live_server import LiveServer

TIMEOUT_MS = 30_000  # generous: the suite shares a 2-vCPU machine with other work


class WidgetPage:
    """The demo page on ``localhost`` embedding the widget from ``127.0.0.1``: another origin,
    as a customer's WordPress site embeds ours."""

    def __init__(self, page: Page, server: LiveServer) -> None:
        self.page = page
        self.server = server
        self.frames: list[dict[str, Any]] = []
        self.errors: list[str] = []  # uncaught errors and console errors, for failure messages
        page.on("websocket", self._watch)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )
        page.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)

    def _watch(self, socket: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            try:
                self.frames.append(json.loads(payload))
            except ValueError:
                pass

        socket.on("framereceived", received)

    # -- navigation ------------------------------------------------------------------------------
    def url(self, **options: str) -> str:
        query = "&".join(
            f"{key}={value}" for key, value in {"server": self.server.url, **options}.items()
        )
        return f"http://localhost:{self.server.port}/demo/?{query}"

    def goto(self, **options: str) -> WidgetPage:
        self.page.goto(self.url(**options))
        expect(self.launcher).to_be_visible()
        return self

    def reload(self) -> None:
        self.page.reload()
        expect(self.launcher).to_be_visible()

    # -- parts -----------------------------------------------------------------------------------
    def part(self, selector: str) -> Locator:
        return self.page.locator(f"supportbot-widget {selector}")

    @property
    def launcher(self) -> Locator:
        return self.part(".launcher")

    @property
    def panel(self) -> Locator:
        return self.page.get_by_role("dialog")

    @property
    def search(self) -> Locator:
        return self.part("#sb-q")

    @property
    def composer(self) -> Locator:
        return self.part("#sb-text")

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    def bubbles(self, role: str) -> Locator:
        return self.part(f".msg.{role} .bubble")

    # -- doing things ----------------------------------------------------------------------------
    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def ask(self, text: str) -> dict[str, Any]:
        """Type a question in the chat and wait for the bot's turn."""
        turns = self.turn_count()
        self.composer.fill(text)
        self.composer.press("Enter")
        return self.wait_for_turn(turns + 1)

    def choose(self, reply: str) -> None:
        """Pick a quick reply of the newest bot message, as the customer does: a tap on a
        touch screen, a click elsewhere. The customer's own bubble shows it at once."""
        button = self.part(".quick").last.get_by_role("button", name=reply, exact=True)
        if self._touch():
            button.tap()
        else:
            button.click()
        expect(self.bubbles("customer").last, self._state()).to_have_text(reply)

    def _touch(self) -> bool:
        return bool(self.page.evaluate("() => navigator.maxTouchPoints > 0"))

    def _state(self) -> str:
        return f"frames: {self.frames}; page errors: {self.errors}"

    def turn_count(self) -> int:
        return sum(1 for frame in self.frames if frame.get("type") == "turn")

    def wait_for_turn(self, count: int) -> dict[str, Any]:
        """The ``count``-th turn frame, once it has arrived (Playwright delivers events while
        the page is being waited on)."""
        for _ in range(TIMEOUT_MS // 100):
            if self.turn_count() >= count:
                break
            self.page.wait_for_timeout(100)
        turns = [frame for frame in self.frames if frame.get("type") == "turn"]
        assert len(turns) >= count, f"no turn #{count}; {self._state()}"
        return turns[count - 1]

    def stored(self, name: str) -> Any:
        key = f"supportbot:{self.server.url}:{name}"
        return self.page.evaluate("key => JSON.parse(localStorage.getItem(key))", key)

    def transcript(self) -> dict[str, Any]:
        """The stored conversation, read with the token the widget keeps (as it does itself)."""
        conversation = self.stored("conversation")
        assert conversation, "no conversation in localStorage"
        status, body = self.server.request(
            "GET",
            f"/api/conversations/{conversation['id']}",
            headers={"Authorization": f"Bearer {conversation['token']}"},
        )
        assert status == 200, body
        return body

    def conversation_id(self) -> str:
        conversation = self.stored("conversation")
        assert conversation, "no conversation in localStorage"
        return str(conversation["id"])

    def active_element(self) -> dict[str, Any]:
        """What has keyboard focus, looking into the widget's shadow root."""
        return dict(
            self.page.evaluate(
                """() => {
                  const host = document.querySelector('supportbot-widget');
                  let el = document.activeElement;
                  const inside = el === host;
                  if (inside) el = host.shadowRoot.activeElement;
                  const panel = host.shadowRoot.querySelector('#sb-panel');
                  return {inside, tag: el && el.tagName, id: el && el.id,
                          label: el && (el.getAttribute('aria-label') || el.textContent.trim()),
                          inPanel: !!(inside && el && panel.contains(el)),
                          isLauncher: !!(inside && el && el.classList.contains('launcher'))};
                }"""
            )
        )
