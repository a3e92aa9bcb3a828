"""The recorded schema image that `email replay` creates its in-memory database from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import StaticPool

from bot.storage import schema_image
from bot.storage.db import Database
from bot.storage.migrate import upgrade


def _schema(db: Database) -> list[tuple[str, str, str, str]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
        )
        schema = [(r[0], r[1], r[2], r[3]) for r in rows]
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return [*schema, ("revision", str(revision), "", "")]


def _memory() -> Database:
    return Database("sqlite://", poolclass=StaticPool)


def test_the_image_is_current() -> None:
    assert schema_image.current_image() is not None, (
        "the migrations changed: python -m bot.storage.schema_image writes the image again"
    )


def test_a_database_from_the_image_equals_a_migrated_one() -> None:
    migrated, imaged = _memory(), _memory()
    try:
        upgrade(migrated)
        schema_image.create_migrated(imaged)
        assert _schema(imaged) == _schema(migrated)
        assert len(_schema(migrated)) > 40  # tables, indexes and triggers
    finally:
        migrated.dispose()
        imaged.dispose()


def test_a_stale_image_migrates_instead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "schema.sql"
    stale.write_text("-- migrations 0000\nCREATE TABLE wrong (id INTEGER);\n", encoding="utf-8")
    monkeypatch.setattr(schema_image, "IMAGE", stale)
    assert schema_image.current_image() is None
    imaged, migrated = _memory(), _memory()
    try:
        schema_image.create_migrated(imaged)
        upgrade(migrated)
        assert _schema(imaged) == _schema(migrated)
    finally:
        imaged.dispose()
        migrated.dispose()
