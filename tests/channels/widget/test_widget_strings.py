"""Every sentence the widget shows comes from the Babel catalogs, in Dutch and in English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask

from bot.channels.widget.assets import widget_source
from bot.channels.widget.strings import WIDGET_PLURALS, WIDGET_STRINGS, inject, plural_rules
from bot.i18n import load_translations

SOURCE = widget_source().decode("utf-8")
BLOCK = re.compile(r"/\*strings:begin\*/(.*?)/\*strings:end\*/", re.S)
PLURALS = re.compile(r"/\*plurals:begin\*/(.*?)/\*plurals:end\*/", re.S)
ALL_KEYS = set(WIDGET_STRINGS) | set(WIDGET_PLURALS)


def used_keys() -> set[str]:
    """Keys passed to ``t()``, and those named in ``data-t`` label specs (``t: "text:title"``;
    a message's author label is ``"text:" + role``: you, bot or staff)."""
    direct = set(re.findall(r"""\bt\(\s*["'](\w+)["']""", SOURCE))
    labelled = set(re.findall(r'\bt:\s*"[\w-]+:(\w+)"', SOURCE))
    by_role = (
        {"you", "bot", "staff"}
        if '"text:" + (role === "customer" ? "you" : role)' in SOURCE
        else set()
    )
    return direct | labelled | by_role


def served(app: Flask, pattern: re.Pattern[str]) -> Any:
    body = app.test_client().get("/widget.js").get_data(as_text=True)
    block = pattern.search(body)
    assert block, f"the served script has its {pattern.pattern[:12]} block"
    return json.loads(block.group(1))


def served_table(app: Flask) -> dict[str, Any]:
    table: dict[str, Any] = served(app, BLOCK)
    return table


def test_the_source_keeps_the_english_table_as_its_fallback() -> None:
    block = BLOCK.search(SOURCE)
    assert block, "widget.js must keep its strings between /*strings:begin*/ and /*strings:end*/"
    english = json.loads(block.group(1))["en"]
    expected = {**WIDGET_STRINGS, **{key: list(forms) for key, forms in WIDGET_PLURALS.items()}}
    assert english == expected, "edit widget/strings.py and the JS fallback together"
    rules = PLURALS.search(SOURCE)
    assert rules, "widget.js must keep its plural rules between /*plurals:begin*/ and :end*/"
    assert json.loads(rules.group(1)) == plural_rules(load_translations(["en"]), ["en"])


def test_every_key_the_script_uses_has_a_msgid_and_none_goes_unused() -> None:
    assert sorted(used_keys() - ALL_KEYS) == []
    assert sorted(ALL_KEYS - used_keys()) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_served_script_speaks_each_language(sqlite_app: Flask, language: str) -> None:
    table = served_table(sqlite_app)
    assert set(table) == {"nl", "en"}
    strings = table[language]
    assert set(strings) == ALL_KEYS
    for key, text in strings.items():
        source = WIDGET_STRINGS.get(key) or WIDGET_PLURALS[key][1]
        for form in text if isinstance(text, list) else [text]:
            assert form.strip(), key
            assert set(re.findall(r"\{\w+\}", form)) == set(re.findall(r"\{\w+\}", source))


def test_dutch_is_translated_not_copied(sqlite_app: Flask) -> None:
    nl, en = served_table(sqlite_app)["nl"], served_table(sqlite_app)["en"]
    same = {key for key in nl if nl[key] == en[key]}
    assert same <= {"title", "bot", "links", "ticket", "ticketOpen"}  # words both languages share


def test_injection_refuses_a_script_without_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        inject(b"var STRINGS = {};", {"en": {}})
    with pytest.raises(ValueError, match="plurals"):
        inject(b"/*strings:begin*/{}/*strings:end*/", {"en": {}}, {"en": "10"})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_counts_have_every_plural_form_and_the_rule_to_pick_one(
    sqlite_app: Flask, language: str
) -> None:
    """Issue 12, widget #3: "1 antwoorden gevonden" / "1 answers found"."""
    forms = served_table(sqlite_app)[language]["resultsCount"]
    rule = served(sqlite_app, PLURALS)[language]
    assert len(rule) == 200 and set(rule) == {"0", "1"}
    one = forms[int(rule[1])].replace("{n}", "1")
    assert one == ("1 antwoord gevonden" if language == "nl" else "1 answer found")
    assert forms[int(rule[2])].replace("{n}", "2") == (
        "2 antwoorden gevonden" if language == "nl" else "2 answers found"
    )
    assert rule[0] == rule[2] == rule[21] == rule[111]  # 0, 2, 21 and 111 take the plural
