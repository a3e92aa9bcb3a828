"""The review queue of missed questions in headless Chromium, on a two-worker server (issue 13,
section 2): customers on both workers ask what the FAQ cannot answer; the question appears in
the queue, grouped; a colleague finds the entry with the FAQ search and teaches it; then new
customers get that entry on either worker. The screenshot of the queue goes to the test's
folder, or to ``docs/screenshots/`` with ``SUPPORTBOT_UPDATE_SCREENSHOTS=1``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import browser_server_env
from tests.browser.staff import KEES, staff_runtime
from tests.browser.test_console import log_in, new_page, save_screenshot
from tests.browser.widget_page import WidgetPage
from tests.channels.widget.test_live_socket import WidgetSocket
from tests.conftest import postgres_schema
from tests.live_server import LiveServer
from tests.scaleout.conftest import wait_for
from tests.scaleout.processes import connection_owner

pytestmark = pytest.mark.browser

PI = "Werkt het ook op een Raspberry Pi?"
OTHER_MISSES = [  # (language, messages): more of the queue, for the screenshot
    ("en", ["Do you sponsor local football clubs?"]),
    ("nl", ["Kan ik een wachtlijst bijhouden voor volgeboekte dagen?", "nee, geen van deze"]),
    ("en", ["Can I get a printed manual?", "No, that didn't help"]),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Two workers (they need PostgreSQL and Redis), each with its own FAQ index."""
    with postgres_schema("sb_misses") as database_url:
        env = {
            **browser_server_env(),
            "SUPPORTBOT_DATABASE_URL": database_url,
            "SUPPORTBOT_RETENTION_DAYS": "0",  # no purge process beside the workers
            "SUPPORTBOT_RAW_MAIL_RETENTION_DAYS": "0",
        }
        with LiveServer(tmp_path_factory.mktemp("misses"), env=env, workers=2) as live:
            wait_for(lambda: len(live.worker_pids()) == 2, "two workers", timeout=60)
            with staff_runtime(live, KEES):
                yield live


def customer_on_each_worker(server: LiveServer) -> dict[int, WidgetSocket]:
    """A new customer's widget socket on each of the two workers."""
    found: dict[int, WidgetSocket] = {}
    for _ in range(40):
        sock = WidgetSocket(server)
        assert sock.auth(server.start_conversation("nl"))["type"] == "ready"
        worker = connection_owner(server.port, sock.local_port, server.worker_pids())
        assert worker is not None
        if worker in found:
            sock.close()
        else:
            found[worker] = sock
        if len(found) == 2:
            return found
    raise AssertionError("the kernel never gave the second worker a connection")


def ask(sock: WidgetSocket, text: str) -> dict[str, Any]:
    sock.send({"type": "message", "text": text})
    return sock.until("turn")[-1]


def post(server: LiveServer, conversation: dict[str, Any], text: str) -> None:
    status, body = server.request(
        "POST",
        f"/api/conversations/{conversation['conversation_id']}/messages",
        {"text": text},
        {"Authorization": f"Bearer {conversation['token']}"},
    )
    assert status == 200, body


def test_a_taught_question_is_answered_by_both_workers(
    browser: Browser, server: LiveServer, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    for sock in customer_on_each_worker(server).values():  # each worker indexed without it
        assert ask(sock, PI).get("faq") is None
        sock.close()
    for language, messages in OTHER_MISSES:
        conversation = server.start_conversation(language)
        for text in messages:
            post(server, conversation, text)

    kees = new_page(browser, contexts)
    log_in(kees, server, KEES[0])
    kees.get_by_role("link", name="Gemiste vragen").click()
    group = kees.locator(".missed-group", has_text=PI)
    expect(group).to_contain_text("2 keer")  # both customers' questions, one group
    expect(group).to_contain_text("geen antwoord in de FAQ")
    expect(kees.locator(".missed-group")).to_have_count(4)
    save_screenshot(kees, "console-misses.png", tmp_path)

    group.get_by_label("Zoek in de FAQ").fill("systeemeisen")
    group.get_by_role("button", name="Zoeken").click()
    group = kees.locator(".missed-group", has_text=PI)
    group.get_by_label("Wat zijn de systeemeisen van jullie producten?").check()
    group.get_by_role("button", name="Aanleren").click()
    expect(kees.locator(".missed-group", has_text=PI)).to_have_count(0)
    kees.get_by_role("link", name="Aangeleerd").click()
    expect(kees.locator(".missed-group", has_text=PI)).to_contain_text(
        "aangeleerd aan: Wat zijn de systeemeisen van jullie producten?"
    )

    for worker, sock in customer_on_each_worker(server).items():  # a new customer on each
        turn = ask(sock, PI)
        assert turn["route"] == "faq" and turn["faq"]["id"] == "system-requirements", worker
        sock.close()
    customer = WidgetPage(new_page(browser, contexts), server).goto()
    customer.open()
    customer.search.fill(PI)
    customer.search.press("Enter")
    assert customer.wait_for_turn(1)["faq"]["id"] == "system-requirements"
