"""`supportbot customer ...`: a customer's data on request: export (GDPR art. 15), erase
(art. 17), and who on the staff saw it. Each is written to the audit log."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.app import message_bus
from bot.config import Config, app_secret
from bot.helpdesk.privacy.access_log import accesses
from bot.helpdesk.privacy.erasure import Erasure
from bot.helpdesk.privacy.export import export_customer, export_json
from bot.helpdesk.privacy.identity import AddressError, Requester, checked_address, find_records
from bot.storage.db import Database
from bot.storage.migrate import upgrade

UNKNOWN = "nothing is stored about {address}"


@contextmanager
def database(config: Config) -> Iterator[Database]:
    db = Database(config.sqlalchemy_url)
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()


def operator() -> Requester:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without /etc/passwd entry)
        name = "unknown"
    return Requester(via="cli", operator=name)


def valid(address: str) -> str:
    try:
        return checked_address(address)
    except AddressError as error:
        raise click.UsageError(str(error)) from error


def unknown(address: str) -> None:
    click.echo(UNKNOWN.format(address=address), err=True)
    sys.exit(1)


@click.group("customer")
def customer() -> None:
    """A customer's data: export, erase, who saw it (GDPR)."""


@customer.command("export")
@click.argument("email")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option(
    "--include-notes",
    is_flag=True,
    help="Include the text of internal notes (see docs/privacy.md).",
)
def export(email: str, out: Path | None, include_notes: bool) -> None:
    """Everything stored about EMAIL, as one JSON document."""
    config, address = Config.from_env(), valid(email)
    with database(config) as db:
        document = export_customer(
            db, address, operator(), secret=app_secret(config), now=datetime.now(UTC),
            include_notes=include_notes,
        )  # fmt: skip
    if document is None:
        unknown(address)
        return
    text = export_json(document) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    out.chmod(0o600)  # it is someone's personal data
    conversations = len(document["conversations"])
    click.echo(f"wrote {out}: {conversations} conversation(s)", err=True)


@customer.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(email: str, yes: bool) -> None:
    """Remove EMAIL's personal data; anonymous counts stay (see docs/privacy.md)."""
    config, address = Config.from_env(), valid(email)
    with database(config) as db:
        with db.sessions() as session:
            records = find_records(session, address)
        if not records.empty and not yes:
            click.confirm(
                f"Erase the personal data of {address} "
                f"({len(records.conversation_ids)} conversation(s))? This cannot be undone",
                abort=True,
                err=True,
            )
        bus = message_bus(config)
        try:
            report = Erasure(db, bus, secret=app_secret(config)).erase(address, operator())
        finally:
            if bus is not None:
                bus.close()
    if not report.found:
        if report.erased_before is not None:
            when = report.erased_before.isoformat(timespec="seconds")
            click.echo(f"{address} was erased on {when}; nothing is stored about it now")
            return
        unknown(address)
        return
    counts = ", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in report.counts().items())
    click.echo(f"erased {address}: {counts}")


@customer.command("access")
@click.argument("email")
def access(email: str) -> None:
    """Who on the staff saw EMAIL's data, and when (newest first)."""
    config, address = Config.from_env(), valid(email)
    with database(config) as db, db.sessions() as session:
        records = find_records(session, address)
        if records.empty:
            unknown(address)
            return
        rows = accesses(session, records)
    for row in rows:
        who = row.staff_name or (f"({row.via})" if row.via else "(system)")
        ticket = f" {row.ticket}" if row.ticket else ""
        click.echo(f"{row.at.isoformat(timespec='seconds')}  {who}  {row.action}{ticket}")
    if not rows:
        click.echo("no staff member has opened this customer's data")


def register(group: click.Group) -> None:
    group.add_command(customer)
