"""Alembic environment, for ``supportbot db ...`` and for the plain ``alembic`` command.

``bot.storage.migrate`` hands in a connection (and, for a new revision, the models to compare
with). Run as ``alembic ...`` from the repository (``alembic.ini``), it opens the database of
``SUPPORTBOT_DATABASE_URL`` (default: the SQLite file in ``instance/``), like the app does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.config import Config
from bot.storage.db import Database, normalise_url
from bot.storage.models import Base

target_metadata = context.config.attributes.get("metadata", Base.metadata)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table copies for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # `alembic upgrade --sql`: print the SQL instead of running it
    url = normalise_url(Config.from_env().sqlalchemy_url)
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (handed_in := context.config.attributes.get("connection")) is not None:
    run(handed_in)
else:
    database = Database(Config.from_env().sqlalchemy_url)
    try:
        with database.engine.begin() as connection:
            run(connection)
    finally:
        database.dispose()
