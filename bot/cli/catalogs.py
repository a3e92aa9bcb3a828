"""`supportbot i18n ...`: keep the Babel catalogs in ``translations/`` in step with the code."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

from bot.config import REPO_ROOT
from bot.i18n import TRANSLATIONS_DIR, catalog_path, read_catalog, untranslated

SOURCE_LANGUAGE = "en"  # msgids are English; the en catalog may refine wording
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "N_plural": (1, 2)}
SOURCE_DIRS = ("bot",)
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def extract_template(root: Path = REPO_ROOT) -> Catalog:
    """All translatable strings in the Python code and the Jinja templates."""
    template = Catalog(project="supportbot", charset="utf-8")
    for source_dir in SOURCE_DIRS:
        for filename, lineno, message, comments, context in extract_from_dir(
            root / source_dir, METHOD_MAP, keywords=KEYWORDS, strip_comment_tags=True
        ):
            template.add(
                message,
                None,
                [(f"{source_dir}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def update_catalog(language: str, template: Catalog, directory: Path = TRANSLATIONS_DIR) -> Catalog:
    path = catalog_path(language, directory)
    if path.exists():
        catalog = read_catalog(language, directory)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = Catalog(locale=language, project="supportbot", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
    if language == SOURCE_LANGUAGE:
        for message in catalog:
            if isinstance(message.id, tuple) and not all(message.string or ()):
                message.string = tuple(message.id)
            elif message.id and not message.string:
                message.string = message.id
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)
    return catalog


def report(languages: Iterable[str], directory: Path = TRANSLATIONS_DIR) -> dict[str, list[str]]:
    return {language: untranslated(read_catalog(language, directory)) for language in languages}


def register(group: click.Group) -> None:
    @group.group("i18n")
    def i18n() -> None:
        """Maintain the translation catalogs (Dutch and English)."""

    @i18n.command("update")
    @click.option("--lang", "languages", multiple=True, default=("nl", "en"), show_default=True)
    def update(languages: tuple[str, ...]) -> None:
        """Extract the texts from the code and add new ones to every catalog."""
        template = extract_template()
        for language in languages:
            catalog = update_catalog(language, template)
            missing = untranslated(catalog)
            click.echo(f"{language}: {len(catalog)} messages, {len(missing)} to translate")

    @i18n.command("check")
    @click.option("--lang", "languages", multiple=True, default=("nl", "en"), show_default=True)
    def check(languages: tuple[str, ...]) -> None:
        """Fail when a catalog has missing or fuzzy translations."""
        problems = report(languages)
        for language, missing in problems.items():
            for msgid in missing:
                click.echo(f"{language}: untranslated: {msgid[:80]!r}")
        if any(problems.values()):
            raise SystemExit(1)
        click.echo("all catalogs complete")
