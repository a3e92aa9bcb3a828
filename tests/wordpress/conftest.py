"""The WordPress test site, shared by every test in this folder: installed once per run.

It needs PHP (``php-cli``, ``php-mysql``), Debian's ``wordpress`` and its
``wordpress-theme-twentytwentythree``, ``phpunit`` and a MariaDB; ``./dev test`` installs them
and exports ``SUPPORTBOT_TEST_MARIADB_URL`` (starting a private MariaDB when none answers on
127.0.0.1:3306). Run directly, the tests are skipped when something is missing, and fail when
``SUPPORTBOT_TEST_MARIADB_URL`` is set but does not answer.

The site: the connector installed (by WordPress's own ``Plugin_Upgrader``, as "Upload Plugin"
does) from the zip that ``supportbot wordpress build-plugin`` builds; AppointPress 3.3.0 (a
stand-in for one of our products, older than the latest 3.4.2) that bundles its own, older copy
of the connector library; Akismet (Debian ships it) as a third-party plugin. A Supportbot
server runs next to it with the connector allowance on and no listed sites, so the Help page
works only through the allowance.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from bot.cli.wordpress import BuiltPlugin, build_plugin
from tests.browser.widget_page import TIMEOUT_MS
from tests.chromium import DESKTOP
from tests.live_server import LiveServer, pytest_runtest_makereport  # noqa: F401
from tests.wordpress.site import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    THEMES,
    WORDPRESS_CORE,
    MariaDB,
    WordPressSite,
    php_tag,
)

CONNECTOR = "supportbot-connector/supportbot-connector.php"
PRODUCT = "appointpress/appointpress.php"
PRODUCT_VERSION = "3.3.0"
BUNDLED_LIBRARY_VERSION = "0.9.0"
LOADER_VERSION = re.compile(r"\)\(\s*'[^']+',\s*__DIR__\s*\);")
AKISMET = WORDPRESS_CORE / "wp-content" / "plugins" / "akismet"
PRODUCT_SOURCE = """<?php
/**
 * Plugin Name: AppointPress
 * Description: Appointments and bookings (a stand-in for the product, for the connector tests).
 * Version: {version}
 * Author: New Media Entertainment
 */

defined( 'ABSPATH' ) || exit;

require_once __DIR__ . '/vendor/supportbot-connector/load.php';

add_action( 'admin_menu', function () {{
	add_menu_page( 'AppointPress', 'AppointPress', 'manage_options', 'appointpress', function () {{
		echo '<div class="wrap"><h1>AppointPress</h1></div>';
	}} );
}} );

add_filter( 'supportbot_connector_products', function ( $products ) {{
	$products['appointpress'] = array(
		'name'        => 'AppointPress',
		'file'        => __FILE__,
		'server'      => get_option( 'appointpress_support_server', '' ),
		'parent_menu' => 'appointpress',
	);
	return $products;
}} );

add_filter( 'supportbot_connector_licence_key', function ( $key, $product ) {{
	return 'appointpress' === $product ? get_option( 'appointpress_licence_key', '' ) : $key;
}}, 10, 2 );
"""


def requirements() -> MariaDB:
    """The MariaDB to use; skips (or fails under ``./dev test``) when a part is missing."""
    configured = os.environ.get("SUPPORTBOT_TEST_MARIADB_URL")
    checks = {
        "php": shutil.which("php") is not None,
        "phpunit": shutil.which("phpunit") is not None,
        f"Debian's wordpress ({WORDPRESS_CORE})": (WORDPRESS_CORE / "wp-load.php").exists(),
        "wordpress-theme-twentytwentythree": (THEMES / "twentytwentythree").is_dir(),
    }
    missing = [name for name, ok in checks.items() if not ok]
    if missing:
        message = f"missing {', '.join(missing)}; `./dev test` installs them"
        if configured:
            pytest.fail(message)
        pytest.skip(message)
    db = MariaDB.from_url(configured or "mysql://root@127.0.0.1:3306")
    answer = db.run("-")
    if answer.returncode != 0:
        message = f"no MariaDB at {db.host}:{db.port}: {answer.stderr.strip()[-300:]}"
        if configured:
            pytest.fail(message)
        pytest.skip(message + "; `./dev test` starts one")
    return db


def bundle_library(plugin_dir: Path, library: Path, version: str) -> Path:
    """A copy of the connector library in ``plugin_dir/vendor``, stamped with ``version``."""
    target = plugin_dir / "vendor" / "supportbot-connector"
    shutil.copytree(library, target)
    loader = target / "load.php"
    source = loader.read_text(encoding="utf-8")
    stamped = LOADER_VERSION.sub(f")( '{version}', __DIR__ );", source)
    assert stamped != source
    loader.write_text(stamped, encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> BuiltPlugin:
    return build_plugin(tmp_path_factory.mktemp("plugin-zip"))


@pytest.fixture(scope="session")
def supportbot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "SUPPORTBOT_WIDGET_ORIGINS": "",  # the WordPress site is listed nowhere
        "SUPPORTBOT_CONNECTOR_ANY_SITE": "true",
        "SUPPORTBOT_CONNECTOR_CHATS_PER_SITE": "100",
        "SUPPORTBOT_RATE_PER_IP": "100000",
        "SUPPORTBOT_RATE_PER_CONVERSATION": "1000",
    }
    with LiveServer(tmp_path_factory.mktemp("supportbot"), env=env) as live:
        yield live


@pytest.fixture(scope="session")
def wordpress(
    tmp_path_factory: pytest.TempPathFactory, plugin_zip: BuiltPlugin, supportbot: LiveServer
) -> Iterator[WordPressSite]:
    db = requirements()
    site = WordPressSite(tmp_path_factory.mktemp("wordpress"), db)
    try:
        site.create()
        site.install_plugin_zip(plugin_zip.path)
        product = site.plugins / "appointpress"
        product.mkdir()
        (product / "appointpress.php").write_text(
            PRODUCT_SOURCE.format(version=PRODUCT_VERSION), encoding="utf-8"
        )
        bundle_library(product, site.plugins / "supportbot-connector", BUNDLED_LIBRARY_VERSION)
        if AKISMET.is_dir():
            (site.plugins / "akismet").symlink_to(AKISMET)
            site.activate("akismet/akismet.php")
        site.php(
            f"update_option('appointpress_support_server', {php_tag(supportbot.url)}); return 1;"
        )
        site.activate(CONNECTOR)
        site.activate(PRODUCT)
        site.mark_updates_checked()
        site.start()
        yield site
    finally:
        site.destroy()


def unexpected_debug_lines(lines: list[str]) -> list[str]:
    """debug.log lines other than WordPress 6.1's own deprecations under PHP 8.2 (Debian's core
    files; the plugins' files live in the site's wp-content)."""
    core = str(WORDPRESS_CORE)
    return [line for line in lines if not ("PHP Deprecated:" in line and f" in {core}/" in line)]


# -- the browser -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def admin_login(browser: Browser, wordpress: WordPressSite) -> dict[str, Any]:
    """The admin's cookies, logged in once through wp-login.php."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(wordpress.url + "/wp-login.php")
    page.fill("#user_login", ADMIN_USER)
    page.fill("#user_pass", ADMIN_PASSWORD)
    page.click("#wp-submit")
    page.wait_for_url("**/wp-admin/**")
    state = context.storage_state()
    context.close()
    return dict(state)


class Tab:
    """A fresh browser profile for one test; uncaught page errors and dialogs fail the test."""

    def __init__(self, browser: Browser, login: dict[str, Any] | None, **options: Any) -> None:
        self.context = browser.new_context(
            viewport=DESKTOP, storage_state=login, device_scale_factor=1, **options
        )  # type: ignore[arg-type]
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", lambda dialog: self.errors.append(f"dialog: {dialog.message}"))

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], f"uncaught errors or dialogs in the page: {self.errors}"


@pytest.fixture
def admin_tab(browser: Browser, admin_login: dict[str, Any]) -> Iterator[Tab]:
    tab = Tab(browser, admin_login)
    yield tab
    tab.close()


@pytest.fixture
def visitor_tab(browser: Browser) -> Iterator[Tab]:
    tab = Tab(browser, None)
    yield tab
    tab.close()
