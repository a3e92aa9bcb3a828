"""Every sentence exists in Dutch and English, matches the code, and keeps its placeholders."""

from __future__ import annotations

import re

import pytest

from bot.cli.catalogs import extract_template
from bot.i18n import read_catalog, untranslated

LANGUAGES = ["nl", "en"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _ids(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_no_missing_or_fuzzy_translation(language: str) -> None:
    assert untranslated(read_catalog(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_contains_every_text_in_the_code(language: str) -> None:
    in_code = {_ids(m.id) for m in extract_template() if m.id}
    in_catalog = {_ids(m.id) for m in read_catalog(language) if m.id}
    missing = sorted(in_code - in_catalog)
    assert not missing, f"run `supportbot i18n update` and translate: {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    for message in read_catalog(language):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        targets = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(_PLACEHOLDER.findall(sources[-1]))
        for target in targets:
            assert set(_PLACEHOLDER.findall(target)) <= wanted | set(
                _PLACEHOLDER.findall(sources[0])
            )
            assert set(_PLACEHOLDER.findall(target)) >= set(_PLACEHOLDER.findall(sources[0])) - {
                "count"
            }, message.id
