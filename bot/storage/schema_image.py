"""A private SQLite database created from a recorded image of the migrated schema.

`email replay` migrates a fresh in-memory database for every run: importing Alembic and running
every migration cost about a quarter of a second of its start-up. The image is what SQLite
itself recorded after the migrations ran (``sqlite_master``, in creation order, and the
revision), so executing it gives the same tables, indexes and constraints, statement for
statement. It carries a fingerprint of the migration files: when they change and the image was
not written again (``python -m bot.storage.schema_image``), the database is migrated as before,
so a stale image costs time, never a different schema. tests/storage/test_schema_image.py
checks that the image is current and equal to a migrated database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.pool import StaticPool

from bot.storage.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
IMAGE = Path(__file__).parent / "sqlite_schema.sql"
_HEADER = "-- migrations "


def fingerprint(migrations: Path = MIGRATIONS) -> str:
    """A hash of the migration environment and every migration file."""
    digest = hashlib.sha256()
    for path in [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def create_migrated(db: Database) -> None:
    """``db`` (an empty SQLite database) brought to the latest migration."""
    script = current_image()
    if script is None:
        from bot.storage.migrate import upgrade  # noqa: PLC0415 (Alembic: only when stale)

        upgrade(db)
        return
    with db.engine.connect() as connection:  # the script is one transaction of its own
        driver = connection.connection.driver_connection
        driver.executescript(f"BEGIN;\n{script}COMMIT;\n")  # type: ignore[union-attr]


def current_image() -> str | None:
    """The image's statements when it matches the migration files, else None."""
    try:
        script = IMAGE.read_text("utf-8")
    except OSError:
        return None
    first, _, rest = script.partition("\n")
    return rest if first == _HEADER + fingerprint() else None


def image_of(db: Database) -> str:
    """The schema and revision of the migrated SQLite database ``db``, as a script."""
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ).scalars()
        statements = [f"{sql};" for sql in rows]
        revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        statements += [f"INSERT INTO alembic_version VALUES ('{rev}');" for rev in revisions]
    return "\n".join(statements) + "\n"


def write_image() -> Path:
    """Migrate a scratch in-memory database and record its schema in ``IMAGE``."""
    from bot.storage.migrate import upgrade  # noqa: PLC0415 (Alembic: not for replaying)

    db = Database("sqlite://", poolclass=StaticPool)
    try:
        upgrade(db)
        IMAGE.write_text(f"{_HEADER}{fingerprint()}\n{image_of(db)}", encoding="utf-8")
    finally:
        db.dispose()
    return IMAGE


if __name__ == "__main__":
    print(f"wrote {write_image()}")
