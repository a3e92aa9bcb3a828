"""``supportbot ask``: what the FAQ search makes of a question (the support team's check)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from bot.cli.options import data_dir_option
from bot.config import Config
from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.language import detect_language
from bot.core.matching import FaqIndex, FaqMatch, FaqResult, faq_index
from bot.semantic import build_semantic
from bot.storage.calibration_files import CalibrationFiles

EXIT_MISSING_DIRECTORY = 2


@click.command("ask", short_help="Show the best FAQ matches for a question, with scores.")
@click.argument("question")
@click.option(
    "--lang",
    "language",
    type=click.Choice(["nl", "en"]),
    default=None,
    help="Language of the question (default: detected from the text).",
)
@click.option("--product", default=None, metavar="SLUG", help="The product the customer uses.")
@data_dir_option
@click.option(
    "--limit", type=click.IntRange(1, 20), default=3, show_default=True, help="Matches to show."
)
def ask(
    question: str, language: str | None, product: str | None, data_dir: Path | None, limit: int
) -> None:
    """Show the best FAQ matches for QUESTION, with scores, and what the bot would do.

    The decision is "answer" (the bot answers with the first entry), "suggest" (it offers the
    entries as choices) or "none" (no FAQ entry is close; the nearest ones are listed).
    """
    config = Config.from_env()
    directory = data_dir if data_dir is not None else config.data_dir
    try:
        kb = load_knowledge(directory)
    except KnowledgeError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_MISSING_DIRECTORY) from exc
    if product is not None and kb.product(product) is None:
        known = ", ".join(sorted(kb.products)) or "none"
        raise click.BadParameter(
            f"unknown product {product!r} (known: {known})", param_hint="--product"
        )
    languages = kb.policy.languages
    if language is None:
        guess = detect_language(question, candidates=languages, default=kb.policy.default_language)
        language, how = guess.language, f"detected, confidence {guess.confidence:.2f}"
    else:
        how = "given"
    # The same index a worker serves: with the semantic stage when it is on, so that the team's
    # check shows what the search box shows.
    semantic = build_semantic(config)
    index = faq_index(
        kb, semantic=semantic.scorer, calibration_store=CalibrationFiles.from_config(config)
    )
    click.echo(f"Language: {language} ({how})")
    _report(index, question, language, product, limit)
    click.echo(semantic.sentence)


def _report(index: FaqIndex, question: str, language: str, product: str | None, limit: int) -> None:
    result = index.search(question, language, product=product, limit=limit)
    named = [*([product] if product else []), *index.mentioned_products(question)]
    if named:
        click.echo(f"Product:  {', '.join(dict.fromkeys(named))}")
    click.echo(_describe(result))
    shown = result.matches or index.ranked(question, language, product=product, limit=limit)
    if not result.matches and shown:
        click.echo("Nearest entries (below the suggestion threshold):")
    click.echo("\n".join(_lines(shown)) if shown else "(no entry shares a word with the question)")
    click.echo(f"\nGate ({result.language}): {index.gate(result.language).describe()}.")


def _describe(result: FaqResult) -> str:
    meaning = {
        "answer": "the bot answers with the first entry",
        "suggest": "the bot offers these entries as choices",
        "none": "no FAQ entry is close enough",
    }[result.decision]
    return f"Decision: {result.decision} ({meaning})"


def _lines(matches: Sequence[FaqMatch]) -> list[str]:
    return [
        f"{rank:>3}. {m.score:.3f}  [{m.entry.language}] {m.entry.id}"
        + (f" ({m.entry.product})" if m.entry.product else "")
        + f"\n       {m.entry.question}"
        for rank, m in enumerate(matches, start=1)
    ]


def register(group: click.Group) -> None:
    group.add_command(ask)
