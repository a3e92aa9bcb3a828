"""`supportbot db ...`: schema migrations."""

from __future__ import annotations

import click

from bot.config import Config


def register(group: click.Group) -> None:
    @group.group("db")
    def db() -> None:
        """Manage the database schema."""

    @db.command("upgrade")
    def db_upgrade() -> None:
        """Create or upgrade the schema to the latest migration."""
        from bot.storage.db import Database
        from bot.storage.migrate import current_revision, upgrade

        database = Database(Config.from_env().sqlalchemy_url)
        upgrade(database)
        click.echo(f"database at revision {current_revision(database)}")
