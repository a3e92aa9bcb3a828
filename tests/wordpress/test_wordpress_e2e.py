"""The connector in a real WordPress, driven by headless Chromium: the widget on the vendor's
own site, and the Help page in a customer's wp-admin that shares the Site Health report on
consent and gets the bot's first answer. Screenshots of the Help page, the consent step and the
chat go to the test's folder, or to ``docs/screenshots/`` with
``SUPPORTBOT_UPDATE_SCREENSHOTS=1``:

    SUPPORTBOT_UPDATE_SCREENSHOTS=1 .venv/bin/python -m pytest -m wordpress tests/wordpress
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect
from sqlalchemy import select

from bot.config import REPO_ROOT
from bot.storage.db import Database
from bot.storage.models import Conversation, EventRecord, Message
from tests.browser.widget_page import WidgetPage
from tests.live_server import LiveServer
from tests.wordpress.conftest import PRODUCT_VERSION, Tab, unexpected_debug_lines
from tests.wordpress.site import WordPressSite, php_tag

pytestmark = [pytest.mark.wordpress, pytest.mark.browser]

DOCS = REPO_ROOT / "docs" / "screenshots"
HELP_PAGE = "/wp-admin/admin.php?page=supportbot-help-appointpress"
SETTINGS_PAGE = "/wp-admin/options-general.php?page=supportbot-connector"
LICENCE_KEY = "AP-7F3K-92XQ-LM4T"


def screenshot(page: Page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path))
    if os.environ.get("SUPPORTBOT_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, DOCS / name)


def set_option(site: WordPressSite, name: str, value: Any) -> None:
    site.php(
        f"update_option({php_tag(name)}, json_decode({php_tag(json.dumps(value))}, true)); "
        'global $wpdb; $wpdb->query("DELETE FROM $wpdb->options WHERE option_name LIKE '
        "'_transient%supportbot_connector_check_%'\"); return 1;"
    )


def widget_tag(page: Page) -> dict[str, str | None]:
    return dict(
        page.evaluate(
            """() => {
              const tag = [...document.scripts].find(s => s.src.endsWith('/widget.js'));
              if (!tag) return {};
              return Object.fromEntries([...tag.attributes].map(a => [a.name, a.value]));
            }"""
        )
    )


@pytest.fixture(autouse=True)
def no_new_notices(wordpress: WordPressSite) -> Iterator[None]:
    """Every test leaves debug.log as it found it, but for WordPress 6.1's own deprecations."""
    before = len(wordpress.debug_lines())
    yield
    assert unexpected_debug_lines(wordpress.debug_lines()[before:]) == []


@pytest.fixture
def site_settings(wordpress: WordPressSite) -> Iterator[None]:
    yield
    set_option(wordpress, "supportbot_connector_settings", {})


def test_the_plugins_activated_without_a_notice(wordpress: WordPressSite) -> None:
    active = wordpress.php("return get_option('active_plugins');")
    assert {
        "supportbot-connector/supportbot-connector.php",
        "appointpress/appointpress.php",
    } <= set(active)
    assert unexpected_debug_lines(wordpress.debug_lines()) == []


# -- on the vendor's own site -----------------------------------------------------------------
def test_the_front_page_shows_the_widget_with_the_configured_options(
    wordpress: WordPressSite, supportbot: LiveServer, admin_tab: Tab, visitor_tab: Tab,
    site_settings: None,
) -> None:  # fmt: skip
    admin = admin_tab.page
    admin.goto(wordpress.url + SETTINGS_PAGE)
    admin.fill("#supportbot-url", supportbot.url + "/")
    admin.select_option("#supportbot-lang", "en")
    admin.select_option("#supportbot-position", "left")
    admin.fill("#supportbot-color", "#AA3300")
    admin.fill("#supportbot-greeting", "Questions about AppointPress? Ask us.")
    admin.click("#submit")
    expect(admin.get_by_text("Settings saved.")).to_be_visible()
    expect(admin.locator("#supportbot-url")).to_have_value(supportbot.url)

    page = visitor_tab.page
    page.goto(wordpress.url + "/")
    tag = widget_tag(page)
    assert tag["src"] == supportbot.url + "/widget.js"
    assert "async" in tag
    assert (tag["data-lang"], tag["data-position"], tag["data-color"]) == ("en", "left", "#aa3300")
    assert tag["data-greeting"] == "Questions about AppointPress? Ask us."
    assert "data-product" not in tag
    widget = WidgetPage(page, supportbot)
    expect(widget.launcher).to_be_visible()
    box = widget.launcher.bounding_box()
    assert box is not None and box["x"] < 200  # bottom left
    widget.open()
    expect(widget.part(".greeting")).to_have_text("Questions about AppointPress? Ask us.")


def test_a_page_about_a_product_preselects_it(
    wordpress: WordPressSite, supportbot: LiveServer, visitor_tab: Tab, site_settings: None
) -> None:
    set_option(wordpress, "supportbot_connector_settings", {"url": supportbot.url})
    link = wordpress.php(
        "$id = wp_insert_post(array('post_title' => 'AppointPress documentation', "
        "'post_status' => 'publish', 'post_type' => 'page')); "
        "update_post_meta($id, '_supportbot_connector_product', 'appointpress'); "
        "return get_permalink($id);"
    )
    visitor_tab.page.goto(link)
    assert widget_tag(visitor_tab.page)["data-product"] == "appointpress"


def test_hostile_settings_never_reach_the_page(
    wordpress: WordPressSite, supportbot: LiveServer, admin_tab: Tab, visitor_tab: Tab,
    site_settings: None,
) -> None:  # fmt: skip
    set_option(wordpress, "supportbot_connector_settings", {"url": supportbot.url})
    admin = admin_tab.page
    admin.goto(wordpress.url + SETTINGS_PAGE)
    admin.fill("#supportbot-url", "javascript:alert(document.cookie)")
    admin.fill("#supportbot-color", "red;}</style><script>alert(1)</script>")
    admin.fill("#supportbot-greeting", '<script>alert(1)</script>"><img src=x onerror=alert(2)>Hi')
    admin.click("#submit")
    expect(admin.get_by_text("The previous address was kept.")).to_be_visible()
    expect(admin.get_by_text("The previous colour was kept.")).to_be_visible()
    expect(admin.locator("#supportbot-url")).to_have_value(supportbot.url)

    page = visitor_tab.page
    page.goto(wordpress.url + "/")
    tag = widget_tag(page)
    assert tag["src"] == supportbot.url + "/widget.js"
    assert "<" not in (tag["data-greeting"] or "") and "data-color" not in tag
    expect(WidgetPage(page, supportbot).launcher).to_be_visible()  # the dialog hook sees no alert


def test_without_a_server_address_the_site_shows_nothing_and_the_admin_is_told(
    wordpress: WordPressSite, admin_tab: Tab, visitor_tab: Tab, site_settings: None
) -> None:
    set_option(wordpress, "supportbot_connector_settings", {"url": ""})
    visitor_tab.page.goto(wordpress.url + "/")
    html = visitor_tab.page.content()
    assert "widget.js" not in html and "supportbot-widget" not in html
    admin_tab.page.goto(wordpress.url + "/wp-admin/")
    expect(admin_tab.page.get_by_text("no Supportbot server is set")).to_be_visible()


# -- in the customer's wp-admin ---------------------------------------------------------------
def test_the_help_page_shares_the_site_information_on_consent_and_the_bot_reads_it(
    wordpress: WordPressSite, supportbot: LiveServer, admin_tab: Tab, tmp_path: Path
) -> None:
    set_option(wordpress, "appointpress_licence_key", LICENCE_KEY)
    page = admin_tab.page
    starts: list[Request] = []
    page.on(
        "request",
        lambda r: (
            starts.append(r)
            if r.method == "POST" and r.url.endswith("/api/conversations")
            else None
        ),
    )
    widget = WidgetPage(page, supportbot)
    page.goto(wordpress.url + HELP_PAGE)
    expect(page.get_by_role("heading", name="Help with AppointPress")).to_be_visible()
    expect(page.locator(".notice-error")).to_have_count(0)  # the server answers and accepts us
    expect(widget.panel).to_be_visible()  # the chat opened by itself
    tag = widget_tag(page)
    expected_hash = hashlib.sha256(LICENCE_KEY.encode()).hexdigest()
    assert (tag["data-product"], tag["data-version"], tag["data-lang"]) == (
        "appointpress", PRODUCT_VERSION, "en",
    )  # fmt: skip
    assert (tag["data-licence-hash"], tag["data-licence-last4"]) == (expected_hash, "LM4T")
    assert LICENCE_KEY not in page.content()
    screenshot(page, tmp_path, "connector-help-page.png")

    page.get_by_role("button", name="Show what is shared").click()
    report = page.locator("#supportbot-connector-report")
    expect(report).to_be_visible()
    text = report.input_value()
    assert text.startswith("`\n### wp-core ###\n\nversion: 6.1")
    assert wordpress.database not in text and "database_name" not in text  # private fields
    assert starts == []  # nothing was sent before the click
    screenshot(page, tmp_path, "connector-consent.png")

    page.get_by_role("button", name="Share my site information").click()
    expect(
        page.get_by_text("Shared. Your site information is your message in the chat.")
    ).to_be_visible()
    turn = widget.wait_for_turn(1)
    assert turn["route"] == "update_required"
    first, second = (m["text"] for m in turn["messages"])
    assert "I have read your Site Health information" in first
    assert "WordPress 6.1.9" in first and "PHP 8.2" in first and "3 active plugins" in first
    assert f"AppointPress {PRODUCT_VERSION}" in first
    assert "the latest version is 3.4.2" in second
    expect(widget.bubbles("bot").last).to_contain_text("the latest version is 3.4.2")
    answer = widget.part(".msg.bot").filter(has_text="I have read your Site Health information")
    answer.evaluate("node => node.scrollIntoView({block: 'center'})")
    screenshot(page, tmp_path, "connector-chat.png")

    (start,) = starts
    body = json.loads(start.post_data or "{}")
    assert isinstance(body.pop("time_zone"), str)  # the browser's own, e.g. "UTC"
    assert body == {
        "language": "en", "product": "appointpress", "version": PRODUCT_VERSION,
        "licence_hash": expected_hash, "licence_last4": "LM4T",
    }  # fmt: skip
    db = Database(supportbot.env["SUPPORTBOT_DATABASE_URL"])
    try:
        with db.session() as session:
            conversation = session.scalars(
                select(Conversation).where(Conversation.public_id == widget.conversation_id())
            ).one()
            customer = session.scalars(
                select(Message.text).where(
                    Message.conversation_id == conversation.id, Message.role == "customer"
                )
            ).all()
            events = session.scalars(
                select(EventRecord.kind).where(EventRecord.conversation_id == conversation.id)
            ).all()
    finally:
        db.dispose()
    assert customer == [text]  # the report is the customer's first message, as shown
    assert "licence_key_unknown" in events  # the identity arrived (no such subscription here)


def test_the_help_page_speaks_the_admins_language(wordpress: WordPressSite, admin_tab: Tab) -> None:
    wordpress.php("update_user_meta(1, 'locale', 'nl_NL'); return 1;")
    try:
        page = admin_tab.page
        page.goto(wordpress.url + HELP_PAGE)
        expect(page.get_by_role("heading", name="Hulp bij AppointPress")).to_be_visible()
        expect(page.get_by_role("button", name="Mijn site-informatie delen")).to_be_visible()
        assert widget_tag(page)["data-lang"] == "nl"
    finally:
        wordpress.php("delete_user_meta(1, 'locale'); return 1;")


def test_an_unreachable_server_gets_a_notice_and_the_page_still_works(
    wordpress: WordPressSite, supportbot: LiveServer, admin_tab: Tab
) -> None:
    set_option(wordpress, "appointpress_support_server", "http://127.0.0.1:9")
    try:
        page = admin_tab.page
        page.goto(wordpress.url + HELP_PAGE)
        expect(page.locator(".notice-error")).to_contain_text(
            "cannot reach the support server at http://127.0.0.1:9"
        )
        expect(page.get_by_text("The chat could not be loaded.")).to_be_visible(timeout=20_000)
    finally:
        set_option(wordpress, "appointpress_support_server", supportbot.url)


def test_a_product_without_a_server_gets_a_notice_instead_of_a_chat(
    wordpress: WordPressSite, supportbot: LiveServer, admin_tab: Tab
) -> None:
    set_option(wordpress, "appointpress_support_server", "")
    try:
        page = admin_tab.page
        page.goto(wordpress.url + HELP_PAGE)
        expect(page.locator(".notice-error")).to_contain_text("does not name a support server")
        expect(page.get_by_role("button", name="Share my site information")).to_have_count(0)
        assert widget_tag(page) == {}
    finally:
        set_option(wordpress, "appointpress_support_server", supportbot.url)
