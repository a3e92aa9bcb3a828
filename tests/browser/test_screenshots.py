"""Screenshots of the widget on the demo page, desktop and phone, for the docs and the README.

They are written to the test's temporary folder; with ``SUPPORTBOT_UPDATE_SCREENSHOTS=1`` they
replace the committed ones in ``docs/screenshots/``:

    SUPPORTBOT_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest tests/browser/test_screenshots.py
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from bot.config import REPO_ROOT
from tests.browser.widget_page import WidgetPage
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser

DOCS = REPO_ROOT / "docs" / "screenshots"
VIEWS = {
    "widget-desktop.png": {"viewport": {"width": 1280, "height": 800}},
    "widget-mobile.png": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
}


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.parametrize("name", list(VIEWS))
def test_screenshot(browser: Browser, server: LiveServer, tmp_path: Path, name: str) -> None:
    options = VIEWS[name]
    context = browser.new_context(locale="nl-NL", device_scale_factor=1, **options)  # type: ignore[arg-type]
    try:
        widget = WidgetPage(context.new_page(), server)
        widget.goto(lang="nl")
        widget.open()
        widget.search.fill("De plugin werkt niet meer")
        widget.search.press("Enter")
        widget.wait_for_turn(1)
        widget.choose("Polder")
        widget.wait_for_turn(2)
        server.staff_reply(
            widget.conversation_id(),
            "Hoi! Ik ben Sanne van support. Welke versie van Polder gebruik je?",
        )
        expect(widget.bubbles("staff")).to_have_count(1)
        widget.page.wait_for_timeout(300)  # the typing dots fade
        shot = tmp_path / name
        widget.page.screenshot(path=str(shot))
    finally:
        context.close()
    viewport = options["viewport"]
    assert png_size(shot) == (viewport["width"], viewport["height"])  # type: ignore[index]
    if os.environ.get("SUPPORTBOT_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS / name)
