"""Alembic environment: always run with a connection handed in by ``bot.storage.migrate``."""

from __future__ import annotations

from alembic import context

from bot.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `supportbot db upgrade` (bot.storage.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTER
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
