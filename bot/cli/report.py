"""`supportbot report resolutions`: the resolution ladder (``docs/console.md``) as a table or as
CSV for the vendor's own spreadsheet; ``--entries`` gives the per-FAQ-entry figures instead."""

from __future__ import annotations

import csv
import re
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import click

from bot.cli.customer import database
from bot.config import Config
from bot.core.resolution import HANDOFF_REASONS
from bot.helpdesk.ladder import BUCKETS, EntryFigures, LadderReport, entry_figures
from bot.helpdesk.ladder_summary import load_ladder

DAYS_BACK = re.compile(r"([0-9]{1,5})d")
MAX_DAYS = 3660
LADDER_COLUMNS = (
    "dimension", "key", "conversations", *BUCKETS, "durable", "durable_rate",
    *(f"handed_off_{reason}" for reason in HANDOFF_REASONS),
)  # fmt: skip
ENTRY_COLUMNS = (
    "faq_id", "language", "answered", "confirmed", "did_not_help", "tickets_after",
    "confirmation_rate", "ticket_rate",
)  # fmt: skip


def parse_start(value: str, today: date) -> date:
    """``30d`` (the last 30 days, today included) or an ISO date; a clear error otherwise."""
    text = value.strip()
    found = DAYS_BACK.fullmatch(text)
    if found:
        days = int(found.group(1))
        if not 1 <= days <= MAX_DAYS:
            raise click.BadParameter(f"expected 1 to {MAX_DAYS} days, got {text!r}")
        return today - timedelta(days=days - 1)
    return parse_date(text)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else _bad(text)
    except ValueError:
        return _bad(text)


def _bad(text: str) -> date:
    shown = text if len(text) <= 40 else text[:40] + "..."
    raise click.BadParameter(
        f"expected a date like 2026-11-01 or a number of days like 30d, got {shown!r}"
    )


def register(group: click.Group) -> None:
    @group.group("report")
    def report() -> None:
        """Figures for the vendor's own spreadsheet."""

    @report.command("resolutions")
    @click.option("--since", required=True, help="First day: 2026-11-01, or 30d for 30 days back.")
    @click.option("--until", "until_text", help="Last day (included): 2026-11-30; default today.")
    @click.option("--product", default=None, help="Only this product (its slug).")
    @click.option("--csv", "as_csv", is_flag=True, help="Write CSV to standard output.")
    @click.option("--entries", is_flag=True, help="Per FAQ entry instead of the ladder.")
    def resolutions(
        since: str, until_text: str | None, product: str | None, as_csv: bool, entries: bool
    ) -> None:
        """How conversations ended (the resolution ladder), per day, product, language and
        channel, for conversations begun in the period (days in SUPPORTBOT_TIMEZONE)."""
        config = Config.from_env()
        zone = ZoneInfo(config.timezone)
        now = datetime.now(UTC)
        today = now.astimezone(zone).date()
        try:
            first = parse_start(since, today)
        except click.BadParameter as exc:
            exc.param_hint = "'--since'"
            raise
        try:
            last = parse_date(until_text) if until_text else today
        except click.BadParameter as exc:
            exc.param_hint = "'--until'"
            raise
        if last < first:
            raise click.UsageError(f"--until {last} is before --since {first}")
        start = datetime.combine(first, time.min, zone)
        end = datetime.combine(last + timedelta(days=1), time.min, zone)
        window = timedelta(hours=config.assumed_after_hours)
        with database(config) as db, db.session() as session:
            if entries:
                rows = entry_figures(session, start, end, product, limit=100_000)
                table = [entry_row(figures) for figures in rows]
                columns: tuple[str, ...] = ENTRY_COLUMNS
            else:
                found = load_ladder(
                    session, start, end, now=now, window=window, zone=zone, product=product
                )
                table = ladder_rows(found)
                columns = LADDER_COLUMNS
        if as_csv:
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(table)
            return
        click.echo(f"conversations begun {first} to {last} ({config.timezone})")
        click.echo(text_table(columns, table))


def ladder_rows(report: LadderReport) -> list[list[str]]:
    rows = []
    for dimension, key, ladder in report.rows():
        rate = ladder.durable_rate
        rows.append(
            [
                dimension,
                key,
                str(ladder.conversations),
                *(str(ladder.buckets[bucket]) for bucket in BUCKETS),
                str(ladder.durable),
                "" if rate is None else f"{rate:.4f}",
                *(str(ladder.reasons[reason]) for reason in HANDOFF_REASONS),
            ]
        )
    return rows


def entry_row(figures: EntryFigures) -> list[str]:
    return [
        figures.faq_id, figures.language, str(figures.answered), str(figures.helped),
        str(figures.not_helped), str(figures.tickets_after),
        f"{figures.confirmation_rate:.4f}", f"{figures.ticket_rate:.4f}",
    ]  # fmt: skip


def text_table(columns: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [
        max([len(column), *(len(row[i]) for row in rows)]) for i, column in enumerate(columns)
    ]
    lines = [" ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in [list(columns), *rows]]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines)
