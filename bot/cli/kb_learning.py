"""``supportbot kb learn | unlearn | export-phrasings | diff``: teach a phrasing, write the taught
phrasings into the knowledge-base files, and try a knowledge-base change on stored questions.

Exit status: 0 done; 1 refused (unknown entry, empty text, errors in the knowledge base, a file
that could not be written); 2 a directory that does not exist or a wrong option.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.options import data_dir_option
from bot.config import Config

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.core.knowledge.models import KnowledgeBase

log = logging.getLogger(__name__)

EXIT_REFUSED = 1
EXIT_MISSING_DIRECTORY = 2
_SINCE = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def refuse(message: str, status: int = EXIT_REFUSED) -> SystemExit:
    click.echo(f"Error: {message}", err=True)
    log.warning("kb: %s", message)
    return SystemExit(status)


def knowledge(directory: Path | None) -> tuple[Path, KnowledgeBase]:
    from bot.core.knowledge.loader import KnowledgeError, load_knowledge

    root = directory if directory is not None else Config.from_env().data_dir
    try:
        return root, load_knowledge(root)
    except KnowledgeError as exc:
        raise refuse(str(exc), EXIT_MISSING_DIRECTORY) from exc


def without_errors(root: Path, kb: KnowledgeBase) -> KnowledgeBase:
    errors = [problem for problem in kb.problems if problem.severity == "error"]
    for problem in errors:
        click.echo(f"  {problem}", err=True)
    if errors:
        raise refuse(f"the knowledge base in {root} has errors; see `supportbot kb check`")
    return kb


@contextmanager
def database() -> Iterator[Session]:
    """A session on the configured database, migrated first."""
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    db = Database(Config.from_env().sqlalchemy_url)
    try:
        upgrade(db)
        with db.session() as session:
            yield session
    finally:
        db.dispose()


@click.command("learn", short_help="Teach an FAQ entry a customer's phrasing.")
@click.argument("ref")
@click.argument("text")
@data_dir_option
def learn(ref: str, text: str, data_dir: Path | None) -> None:
    """Teach the FAQ entry REF (language/id, e.g. en/refund) the phrasing TEXT, as "teach"
    in the console's missed questions does; every worker answers it from its next message."""
    from bot.clock import utcnow
    from bot.helpdesk import audit
    from bot.helpdesk.learning.phrasings import TeachingRefused, teach

    _root, kb = knowledge(data_dir)
    try:
        with database() as session:
            learned = teach(session, kb, ref, text, None, utcnow())
            if learned is not None:
                audit.record(session, None, "phrasing_learned", entry=learned.entry_ref,
                             phrasing=learned.id, by="command line")  # fmt: skip
    except TeachingRefused as exc:
        raise refuse(str(exc)) from exc
    if learned is None:
        click.echo(f"{ref} already has this phrasing; nothing changed.")
    else:
        click.echo(f"Taught {learned.entry_ref}: {learned.text}")


@click.command("unlearn", short_help="Remove a phrasing taught to an FAQ entry.")
@click.argument("ref")
@click.argument("text")
def unlearn(ref: str, text: str) -> None:
    """Remove the phrasing TEXT taught to the FAQ entry REF (language/id), as "remove" on the
    console's taught phrasings does; every worker stops using it from its next message."""
    from bot.clock import utcnow
    from bot.helpdesk import audit
    from bot.helpdesk.learning.phrasings import find_taught
    from bot.helpdesk.learning.phrasings import unlearn as remove

    with database() as session:
        found = find_taught(session, ref, text)
        removed = remove(session, found.id, None, utcnow()) if found else None
        if removed is not None:
            audit.record(session, None, "phrasing_removed", entry=removed.entry_ref,
                         phrasing=removed.id, by="command line")  # fmt: skip
    if removed is None:
        raise refuse(f"{ref} has no taught phrasing {text!r}")
    click.echo(f"Removed from {removed.entry_ref}: {removed.text}")


@click.command("export-phrasings", short_help="Write taught phrasings into the FAQ files.")
@data_dir_option
def export_phrasings(data_dir: Path | None) -> None:
    """Write the phrasings taught in the console or with `kb learn` into the `alternatives` of
    their entries' files, keeping the rest of each file; run again, it adds nothing twice."""
    from bot.cli.phrasing_export import export

    root, kb = knowledge(data_dir)
    without_errors(root, kb)
    from bot.helpdesk.learning.phrasings import learned_phrasings

    with database() as session:
        phrasings = learned_phrasings(session)
    report = export(root, kb, phrasings)
    for line in report.skipped:
        click.echo(f"  skipped: {line}", err=True)
        log.warning("kb export-phrasings: skipped %s", line)
    click.echo(f"Wrote {report.phrasings} phrasing(s) to {report.files} file(s) in {root}.")
    if report.failed:
        raise refuse(f"{report.failed}; the files were left as they were")


def parse_since(value: str) -> timedelta:
    found = _SINCE.match(value.strip().lower())
    if found is None or int(found.group(1)) == 0:
        raise click.BadParameter("give a number of hours, days or weeks, e.g. 12h, 30d or 2w")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


@click.command("diff", short_help="Replay stored questions against a changed knowledge base.")
@click.option(
    "--data",
    "new_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The changed knowledge-base directory to try.",
)
@click.option("--since", default="30d", show_default=True, help="How far back: 12h, 30d, 2w.")
def diff(new_dir: Path, since: str) -> None:
    """Replay the customer questions stored in the last SINCE against the current knowledge
    base (SUPPORTBOT_DATA_DIR) and against NEW_DIR; report answers that would change (from ->
    to, with counts) and questions that would no longer be answered. Nothing is stored."""
    from bot.cli.replay_report import replay_report
    from bot.clock import utcnow
    from bot.helpdesk.learning.phrasings import learned_phrasings
    from bot.helpdesk.learning.questions import stored_questions

    window = parse_since(since)
    current_root, current = knowledge(None)
    new_root, new = knowledge(new_dir)
    without_errors(new_root, new)
    now = utcnow()
    with database() as session:
        questions = list(stored_questions(session, now - window))
        taught = learned_phrasings(session)
    report = replay_report((current_root, new_root), (current, new), questions, taught, now, since)
    click.echo(report, nl=False)


def register(group: click.Group) -> None:
    for command in (learn, unlearn, export_phrasings, diff):
        group.add_command(command)
