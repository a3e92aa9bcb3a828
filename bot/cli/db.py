"""`supportbot db ...`: schema migrations, and the retention purge."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import click

from bot.app import message_bus
from bot.cli.serve import configure_logging
from bot.config import Config
from bot.helpdesk.privacy.retention import Purge, PurgeReport, Retention
from bot.storage.db import Database
from bot.storage.migrate import MIGRATIONS, current_revision, new_revision, upgrade

log = logging.getLogger(__name__)

DAY_S = 24 * 3600.0
RETRY_S = 3600.0


def register(group: click.Group) -> None:
    @group.group("db")
    def db() -> None:
        """Manage the database schema and its retention."""

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Create or upgrade the schema to the latest migration."""
        database = Database(Config.from_env().sqlalchemy_url)
        upgrade(database)
        click.echo(f"database at revision {current_revision(database)}")

    @db.command("revision")
    @click.option("-m", "--message", required=True, help="What the migration does.")
    @click.option("--empty", is_flag=True, help="Do not compare with the models: write a stub.")
    @click.option("--migrations", type=click.Path(path_type=Path), default=MIGRATIONS, hidden=True)
    def db_revision(message: str, empty: bool, migrations: Path) -> None:
        """Write the next migration from what the models add (review it before committing)."""
        path = new_revision(message, autogenerate=not empty, migrations=migrations)
        click.echo(f"wrote {path}")

    @db.command("purge")
    @click.option(
        "--daily", is_flag=True, help="Keep running: purge now and once a day (`serve` does this)."
    )
    def db_purge(daily: bool) -> None:
        """Remove what is past retention (see docs/privacy.md)."""
        config = Config.from_env()
        database = Database(config.sqlalchemy_url)
        upgrade(database)
        bus = message_bus(config)
        purge = Purge(database, Retention.from_config(config), bus=bus)
        try:
            if daily:
                configure_logging(config.log_level)
                stop = threading.Event()
                # `serve` stops us with SIGTERM: finish the transaction at hand, then exit 0
                signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
                run_daily(purge.run, stop)
            else:
                click.echo(summary(purge.run()))
        finally:
            if bus is not None:
                bus.close()
            database.dispose()


def summary(report: PurgeReport) -> str:
    done = [f"{name.replace('_', ' ')}: {n}" for name, n in report.counts().items() if n]
    return "purged " + (", ".join(done) if done else "nothing (all within retention)")


def run_daily(work: Callable[[], PurgeReport], stop: threading.Event, every: float = DAY_S) -> None:
    """``work()`` now and every ``every`` seconds until ``stop``; a failure retries in an hour."""
    while not stop.is_set():
        try:
            log.info("retention: %s", summary(work()))
            wait = every
        except Exception:
            log.exception("retention purge failed; retrying in an hour")
            wait = min(RETRY_S, every)
        stop.wait(wait)
