"""Every sentence the widget shows exists in Dutch and in English, with the same placeholders."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.config import REPO_ROOT

SOURCE = (REPO_ROOT / "widget" / "src" / "widget.js").read_text(encoding="utf-8")
LANGUAGES = ("nl", "en")


def strings() -> dict[str, dict[str, str]]:
    block = re.search(r"/\*strings:begin\*/(.*?)/\*strings:end\*/", SOURCE, re.S)
    assert block, "widget.js must keep its strings between /*strings:begin*/ and /*strings:end*/"
    table: dict[str, Any] = json.loads(block.group(1))
    return table


def used_keys() -> set[str]:
    return set(re.findall(r"""\bt\(\s*["'](\w+)["']""", SOURCE))


def test_the_widget_speaks_exactly_dutch_and_english() -> None:
    assert tuple(strings()) == LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_the_script_uses_exists_and_is_not_empty(language: str) -> None:
    table = strings()[language]
    assert sorted(used_keys() - set(table)) == []
    assert [key for key, text in table.items() if not text.strip()] == []


def test_both_languages_have_the_same_keys_and_no_string_goes_unused() -> None:
    nl, en = strings()["nl"], strings()["en"]
    assert sorted(set(nl) ^ set(en)) == []
    assert sorted(set(nl) - used_keys()) == []


def test_placeholders_match_between_languages() -> None:
    nl, en = strings()["nl"], strings()["en"]
    for key in nl:
        assert set(re.findall(r"\{\w+\}", nl[key])) == set(re.findall(r"\{\w+\}", en[key])), key


def test_dutch_strings_are_translated_not_copied() -> None:
    nl, en = strings()["nl"], strings()["en"]
    same = {key for key in nl if nl[key] == en[key]}
    assert same <= {"title", "bot", "links", "ticket", "ticketOpen"}  # words both languages share
