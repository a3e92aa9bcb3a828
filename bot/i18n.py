"""Babel catalogs from ``translations/<lang>/LC_MESSAGES/messages.po``, compiled in memory."""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.config import REPO_ROOT

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = REPO_ROOT / "translations"
DOMAIN = "messages"


def catalog_path(language: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(language: str, directory: Path = TRANSLATIONS_DIR) -> Catalog:
    with catalog_path(language, directory).open("rb") as handle:
        return read_po(handle, locale=language)


def compile_catalog(catalog: Catalog) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def load_translations(
    languages: Sequence[str], directory: Path = TRANSLATIONS_DIR
) -> Mapping[str, Translations]:
    """One Translations per language; a missing catalog falls back to the English msgids."""
    loaded: dict[str, Translations] = {}
    for language in languages:
        try:
            loaded[language] = compile_catalog(read_catalog(language, directory))
        except FileNotFoundError:
            log.warning("no catalog for %s in %s; using the source texts", language, directory)
            loaded[language] = Translations()
    return loaded


def untranslated(catalog: Catalog) -> list[str]:
    """msgids that are missing, empty or fuzzy: a complete catalog returns []."""
    return [
        str(message.id)
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not message.string
            or (isinstance(message.string, tuple) and not all(message.string))
        )
    ]
