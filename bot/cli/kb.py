"""``supportbot kb ...``: inspect and validate a knowledge-base directory."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.options import data_dir_option
from bot.config import Config
from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.knowledge.report import summarize
from bot.core.matching import faq_index
from bot.core.retrieval.calibration_report import report
from bot.semantic import build_semantic
from bot.storage.calibration_files import CalibrationFiles

EXIT_PROBLEMS = 1
EXIT_MISSING_DIRECTORY = 2


@click.group("kb", help="Inspect and validate the knowledge base.")
def kb_group() -> None:
    """Inspect and validate the knowledge base."""


@kb_group.command(
    "check", short_help="Validate the knowledge base and print a summary with its problems."
)
@data_dir_option
def check(data_dir: Path | None) -> None:
    """Validate the knowledge base and print a summary with its problems.

    Exit status: 0 when there are no errors (warnings allowed), 1 when errors were found,
    2 when the directory does not exist.
    """
    directory = data_dir if data_dir is not None else Config.from_env().data_dir
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_MISSING_DIRECTORY) from exc
    click.echo(f"Knowledge base: {directory}\n")
    click.echo(summarize(kb), nl=False)
    config = Config.from_env()
    semantic = build_semantic(config)
    index = faq_index(
        kb, semantic=semantic.scorer, calibration_store=CalibrationFiles.from_config(config)
    )
    click.echo("\n" + semantic.sentence + "\n")
    click.echo(report(index.calibrations), nl=False)
    if any(problem.severity == "error" for problem in kb.problems):
        raise SystemExit(EXIT_PROBLEMS)


def register(group: click.Group) -> None:
    from bot.cli import kb_learning

    kb_learning.register(kb_group)
    group.add_command(kb_group)
