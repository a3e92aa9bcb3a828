"""A real WordPress for the connector's tests: Debian's ``wordpress`` package (6.1), a database
on MariaDB, PHP's built-in server on loopback.

    site = WordPressSite(tmp_path, MariaDB.from_env()).create()   # folder, database, wp_install()
    site.start()                                                   # php -S 127.0.0.1:PORT
    site.php("return get_bloginfo('version');")                    # code inside WordPress
    site.stop(); site.destroy()                                    # drops the database

The site's folder links to Debian's files (``/usr/share/wordpress``) and has its own
``wp-config.php`` and ``wp-content``; ``php/router.php`` explains why. ``WP_DEBUG`` is on and
writes to ``debug.log`` in the folder, so tests can require a run without notices. External
HTTP is blocked (``WP_HTTP_BLOCK_EXTERNAL``): the site calls nothing but loopback.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.live_server import free_port

WORDPRESS_CORE = Path(os.environ.get("SUPPORTBOT_WP_CORE", "/usr/share/wordpress"))
THEMES = WORDPRESS_CORE / "wp-content" / "themes"
PHP_TOOLS = Path(__file__).resolve().parent / "php"
ADMIN_USER = "admin"
ADMIN_PASSWORD = "a long admin password"
PHP_TIMEOUT_S = 120
# What wordpress.org would say: nothing to update, checked just now. Without it, the first admin
# page asks for updates and, offline, WordPress warns under WP_DEBUG that it "could not
# establish a secure connection to WordPress.org". The site has no internet on purpose.
UPDATES_CHECKED = """
global $wp_version;
$plugins = array();
foreach (get_plugins() as $file => $plugin) { $plugins[$file] = $plugin['Version']; }
$themes = array();
foreach (wp_get_themes() as $slug => $theme) { $themes[$slug] = $theme->get('Version'); }
$none = array('last_checked' => time(), 'response' => array(), 'translations' => array(),
              'no_update' => array());
set_site_transient('update_core', (object) array('updates' => array(), 'translations' => array(),
    'version_checked' => $wp_version, 'last_checked' => time()));
set_site_transient('update_plugins', (object) ($none + array('checked' => $plugins)));
set_site_transient('update_themes', (object) ($none + array('checked' => $themes)));
return 1;
"""


class WordPressError(RuntimeError):
    """A PHP step failed; the message carries its output."""


@dataclass(frozen=True)
class MariaDB:
    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> MariaDB:
        """``mysql://user[:password]@host[:port]`` (what ``./dev test`` exports)."""
        parts = urllib.parse.urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=urllib.parse.unquote(parts.username or "root"),
            password=urllib.parse.unquote(parts.password or ""),
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        tool = PHP_TOOLS / "create_database.php"
        command = ["php", str(tool), self.host, str(self.port), self.user, self.password, *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def php_tag(text: str) -> str:
    """A PHP single-quoted string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


class WordPressSite:
    def __init__(self, workdir: Path, db: MariaDB, *, port: int | None = None) -> None:
        self.root = Path(workdir) / "site"
        self.db = db
        self.port = port or free_port()
        self.database = f"sb_wp_{os.getpid()}_{secrets.token_hex(3)}"
        self.process: subprocess.Popen[bytes] | None = None
        self.server_log = Path(workdir) / "php-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def content(self) -> Path:
        return self.root / "wp-content"

    @property
    def plugins(self) -> Path:
        return self.content / "plugins"

    @property
    def debug_log(self) -> Path:
        return self.root / "debug.log"

    # -- set-up ------------------------------------------------------------------------------
    def create(self) -> WordPressSite:
        self._link_core()
        self._write_config()
        created = self.db.run(self.database)
        if created.returncode != 0:
            raise WordPressError(f"cannot create the database: {created.stderr or created.stdout}")
        self.run_php_file(PHP_TOOLS / "install.php", ADMIN_USER, ADMIN_PASSWORD, installing=True)
        self.php("switch_theme('twentytwentythree'); return get_stylesheet();")
        return self

    def _link_core(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        for entry in WORDPRESS_CORE.iterdir():
            if entry.name not in {"wp-config.php", "wp-content"}:
                (self.root / entry.name).symlink_to(entry)
        for folder in ("plugins", "themes", "uploads", "mu-plugins", "upgrade"):
            (self.content / folder).mkdir(parents=True, exist_ok=True)
        for theme in THEMES.iterdir() if THEMES.is_dir() else ():
            (self.content / "themes" / theme.name).symlink_to(theme)

    def _write_config(self) -> None:
        keys = "\n".join(
            f"define( {php_tag(name)}, {php_tag(secrets.token_urlsafe(48))} );"
            for name in (
                "AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY "
                "AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT"
            ).split()
        )
        config = f"""<?php
// Written by tests/wordpress/site.py for one test run.
define( 'DB_NAME', {php_tag(self.database)} );
define( 'DB_USER', {php_tag(self.db.user)} );
define( 'DB_PASSWORD', {php_tag(self.db.password)} );
define( 'DB_HOST', {php_tag(f"{self.db.host}:{self.db.port}")} );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
$table_prefix = 'wp_';
{keys}
define( 'WP_HOME', {php_tag(self.url)} );
define( 'WP_SITEURL', {php_tag(self.url)} );
define( 'WP_CONTENT_DIR', {php_tag(str(self.content))} );
define( 'WP_CONTENT_URL', {php_tag(self.url + "/wp-content")} );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', {php_tag(str(self.debug_log))} );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'FS_METHOD', 'direct' );
require_once ABSPATH . 'wp-settings.php';
"""
        (self.root / "wp-config.php").write_text(config, encoding="utf-8")

    # -- PHP inside WordPress ------------------------------------------------------------------
    def _env(self, installing: bool = False) -> dict[str, str]:
        env = {**os.environ, "SUPPORTBOT_WP_SITE": str(self.root), "SUPPORTBOT_WP_URL": self.url}
        if installing:
            env["SUPPORTBOT_WP_INSTALLING"] = "1"
        return env

    def run_php_file(
        self, script: Path, *args: str, installing: bool = False, stdin: str = ""
    ) -> str:
        command = ["php", str(PHP_TOOLS / "boot.php"), str(script), *args]
        done = subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=PHP_TIMEOUT_S,
            env=self._env(installing), cwd=self.root, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            output = f"{done.stdout}\n{done.stderr}"
            raise WordPressError(f"{script.name} failed ({done.returncode}):\n{output}")
        return done.stdout

    def php(self, code: str) -> Any:
        """Run ``code`` (a function body) in WordPress; its return value, through JSON."""
        output = self.run_php_file(PHP_TOOLS / "run.php", stdin=code)
        lines = output.strip().splitlines()
        if not lines:
            raise WordPressError(f"no output from:\n{code}")
        try:
            return json.loads(lines[-1])
        except ValueError as exc:
            raise WordPressError(f"not JSON: {output}") from exc

    def mark_updates_checked(self) -> None:
        """After the plugins are in place: WordPress need not ask wordpress.org for 12 hours."""
        self.php(UPDATES_CHECKED)

    def activate(self, plugin: str) -> None:
        """``activate_plugin()``, which refuses a plugin that prints anything (notices too)."""
        result = self.php(
            f"$r = activate_plugin({php_tag(plugin)}); "
            "if (!is_wp_error($r)) { return 'ok'; } "
            "return $r->get_error_message() . ' ' . wp_json_encode($r->get_error_data());"
        )
        if result != "ok":
            raise WordPressError(f"activating {plugin}: {result}")

    # -- the web server ------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> WordPressSite:
        if self.process is not None and self.process.poll() is None:
            return self
        env = {**self._env(), "PHP_CLI_SERVER_WORKERS": "4"}
        command = [
            "php", "-S", f"127.0.0.1:{self.port}",
            "-t", str(self.root), str(PHP_TOOLS / "router.php"),
        ]  # fmt: skip
        with self.server_log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WordPressError(f"php -S exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/wp-login.php", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.stop()
        raise WordPressError(f"WordPress did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def destroy(self) -> None:
        self.stop()
        self.db.run(self.database, "drop")

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.server_log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"

    def debug_lines(self) -> list[str]:
        """What WordPress wrote to debug.log (notices, warnings, deprecations)."""
        if not self.debug_log.exists():
            return []
        return [line for line in self.debug_log.read_text(errors="replace").splitlines() if line]

    def install_plugin_zip(self, zip_path: Path) -> None:
        """What Plugins > Add New > Upload Plugin does: WordPress's own Plugin_Upgrader."""
        result = self.php(
            "require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php'; "
            # After an install WordPress asks wordpress.org for updates; offline, under WP_DEBUG,
            # that warns "could not establish a secure connection". The site has no internet.
            "remove_action('upgrader_process_complete', 'wp_version_check', 10); "
            "remove_action('upgrader_process_complete', 'wp_update_plugins', 10); "
            "remove_action('upgrader_process_complete', 'wp_update_themes', 10); "
            "$skin = new Automatic_Upgrader_Skin(); $upgrader = new Plugin_Upgrader($skin); "
            f"$result = $upgrader->install({php_tag(str(zip_path))}); "
            "if (true === $result) { return 'ok'; } "
            "return is_wp_error($result) ? $result->get_error_message() "
            ": $skin->get_upgrade_messages();"
        )
        if result != "ok":
            raise WordPressError(f"installing {zip_path.name}: {result}")
