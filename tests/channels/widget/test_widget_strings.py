"""Every sentence the widget shows comes from the Babel catalogs, in Dutch and in English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask

from bot.channels.widget.strings import WIDGET_STRINGS, inject
from bot.config import REPO_ROOT

SOURCE = (REPO_ROOT / "widget" / "src" / "widget.js").read_text(encoding="utf-8")
BLOCK = re.compile(r"/\*strings:begin\*/(.*?)/\*strings:end\*/", re.S)


def used_keys() -> set[str]:
    return set(re.findall(r"""\bt\(\s*["'](\w+)["']""", SOURCE))


def served_table(app: Flask) -> dict[str, Any]:
    body = app.test_client().get("/widget.js").get_data(as_text=True)
    block = BLOCK.search(body)
    assert block, "the served script has its string table"
    table: dict[str, Any] = json.loads(block.group(1))
    return table


def test_the_source_keeps_the_english_table_as_its_fallback() -> None:
    block = BLOCK.search(SOURCE)
    assert block, "widget.js must keep its strings between /*strings:begin*/ and /*strings:end*/"
    english = json.loads(block.group(1))["en"]
    assert english == WIDGET_STRINGS, "edit widget/strings.py and the JS fallback together"


def test_every_key_the_script_uses_has_a_msgid_and_none_goes_unused() -> None:
    assert sorted(used_keys() - set(WIDGET_STRINGS)) == []
    assert sorted(set(WIDGET_STRINGS) - used_keys()) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_served_script_speaks_each_language(sqlite_app: Flask, language: str) -> None:
    table = served_table(sqlite_app)
    assert set(table) == {"nl", "en"}
    strings = table[language]
    assert set(strings) == set(WIDGET_STRINGS)
    for key, text in strings.items():
        assert text.strip(), key
        assert set(re.findall(r"\{\w+\}", text)) == set(re.findall(r"\{\w+\}", WIDGET_STRINGS[key]))


def test_dutch_is_translated_not_copied(sqlite_app: Flask) -> None:
    nl, en = served_table(sqlite_app)["nl"], served_table(sqlite_app)["en"]
    same = {key for key in nl if nl[key] == en[key]}
    assert same <= {"title", "bot", "links", "ticket", "ticketOpen"}  # words both languages share


def test_injection_refuses_a_script_without_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        inject(b"var STRINGS = {};", {"en": {}})
