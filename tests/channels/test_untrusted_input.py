"""The one reader for what anyone can send: JSON, strings, and numbers in URLs and forms."""

from __future__ import annotations

import json

import pytest

from bot.channels.untrusted_input import (
    MAX_PARAM,
    UnreadableJson,
    has_lone_surrogate,
    parse_int,
    read_json,
    text_problem,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        (str(MAX_PARAM), MAX_PARAM),
        (str(MAX_PARAM + 1), None),  # beyond PostgreSQL's INTEGER
        ("9" * 5000, None),  # beyond Python's 4,300-digit int() limit too
        ("²", None),  # str.isdigit() says yes, int() says no
        ("٣", None),  # int() would read 3: only ASCII digits are numbers here
        ("１２", None),  # fullwidth digits
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        (" 1", None),
        ("1\n", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_takes_ascii_digits_within_a_database_integer(
    raw: str | None, expected: int | None
) -> None:
    assert parse_int(raw) == expected


def test_parse_int_honours_a_smaller_maximum() -> None:
    assert parse_int("90", maximum=90) == 90
    assert parse_int("91", maximum=90) is None


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"\xff\xfe", "[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000],
)
def test_read_json_turns_every_unreadable_body_into_one_error(raw: str | bytes) -> None:
    with pytest.raises(UnreadableJson):
        read_json(raw)


def test_read_json_reads_json() -> None:
    assert read_json(b'{"text": "h\\u00e9"}') == {"text": "hé"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("gewone tekst 😀", None),  # a surrogate pair in JSON is one emoji: fine
        ("a\x00b", "NUL"),
        ("\ud800", "surrogate"),
        ("x\udfffx", "surrogate"),
    ],
)
def test_text_problem_names_what_cannot_be_stored(value: str, problem: str | None) -> None:
    found = text_problem(value)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_surrogate_pair_escape_is_one_character_and_no_problem() -> None:
    assert text_problem(json.loads('"\\ud83d\\ude00"')) is None
    assert text_problem(json.loads('"\\ud83d"')) is not None


def test_lone_surrogates_are_found_anywhere_in_a_document_even_deep() -> None:
    deep: object = "\udc00"
    for _ in range(5_000):
        deep = [deep]
    assert has_lone_surrogate(deep)
    assert has_lone_surrogate({"ok": 1, "\ud800": 2})
    assert not has_lone_surrogate({"name": "Jan 😀", "items": [1, None, True, {"k": "v"}]})
