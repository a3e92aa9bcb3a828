"""``supportbot import ...``: data from the shop (subscriptions from a CSV export)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NoReturn

import click

from bot.cli.options import data_dir_option
from bot.config import Config
from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.shop.csv_import import CsvFileError, ParsedCsv, parse_subscriptions_csv
from bot.helpdesk.subscriptions import upsert_subscription

EXIT_REJECTED = 1
EXIT_UNREADABLE = 2
MAX_FILE_BYTES = 200 * 1024 * 1024


@click.group("import", help="Import data from the shop.")
def import_group() -> None:
    """Import data from the shop."""


@import_group.command(
    "subscriptions", short_help="Import subscriptions from a CSV export of the shop."
)
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check every row and count; store nothing.")
@data_dir_option
def import_subscriptions(file: BinaryIO, dry_run: bool, data_dir: Path | None) -> None:
    """Import subscriptions from FILE (CSV: email,product,license_key,expires_at; - = stdin).

    A row with the same licence key as a stored subscription updates it. Licence keys are
    stored only as a hash plus their last 4 characters. Exit status: 0 when every row was
    used, 1 when rows were rejected (the others are imported), 2 when the file is unusable.
    """
    config = Config.from_env()
    parsed = _parse(file, data_dir or config.data_dir)
    counts = {"imported": 0, "updated": 0, "unchanged": 0}
    if parsed.rows:
        counts = _store(config, parsed, dry_run=dry_run)
    name = getattr(file, "name", "-")
    click.echo(_summary(name, parsed, counts, dry_run))
    for note in parsed.notes:
        click.echo(f"note: {note}")
    for row in parsed.rejected:
        click.echo(f"line {row.line}: rejected: {row.reason}")
    if parsed.rejected:
        raise SystemExit(EXIT_REJECTED)


def _parse(file: BinaryIO, data_dir: Path) -> ParsedCsv:
    try:
        kb = load_knowledge(data_dir)
    except KnowledgeError as error:
        _fail(str(error))
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        _fail(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it")
    products = [(product.slug, product.names) for product in kb.products.values()]
    try:
        return parse_subscriptions_csv(data, products, datetime.now(UTC).date())
    except CsvFileError as error:
        _fail(str(error))


def _store(config: Config, parsed: ParsedCsv, *, dry_run: bool) -> dict[str, int]:
    """Every accepted row in one transaction (rolled back for a dry run)."""
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    db = Database(config.sqlalchemy_url)
    try:
        upgrade(db)
        counts = {"imported": 0, "updated": 0, "unchanged": 0}
        with db.sessions() as session:
            transaction = session.begin()
            try:
                for row in parsed.rows:
                    counts[upsert_subscription(session, row.record)] += 1
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
        return counts
    finally:
        db.dispose()


def _summary(name: str, parsed: ParsedCsv, counts: dict[str, int], dry_run: bool) -> str:
    total = len(parsed.rows) + len(parsed.rejected)
    parts = [f"{counts[k]} {k}" for k in ("imported", "updated", "unchanged")]
    parts.append(f"{len(parsed.rejected)} rejected")
    suffix = " (dry run: nothing was stored)" if dry_run else ""
    return f"{name}: {total} rows: {', '.join(parts)}{suffix}"


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(EXIT_UNREADABLE)


def register(group: click.Group) -> None:
    group.add_command(import_group)
