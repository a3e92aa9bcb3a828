"""Reading what anyone can send: JSON bodies and frames, strings, numbers in URLs and forms.

Every channel reads these the same way, so every hostile variant gets the same clear refusal
instead of an exception deep in the database driver:

- JSON nested too deep raises ``RecursionError`` in the parser, not ``ValueError``;
- a ``"\\ud800"`` escape decodes to a lone UTF-16 surrogate, which no database, log file or mail
  can encode;
- ``str.isdigit()`` accepts ``"²"`` and ``"٣"``, which ``int()`` refuses or reads, and an
  integer can be longer than any database column (or than Python's 4,300-digit limit).
"""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.routing import BaseConverter, ValidationError

MAX_PARAM = 2**31 - 1  # PostgreSQL's INTEGER: every seq, id, page and count we take fits
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")  # 10 digits cover MAX_PARAM


class UnreadableJson(ValueError):
    """Not JSON, not UTF-8, or nested deeper than the parser goes."""


def read_json(raw: str | bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: "[[[[..." 10,000 deep
        raise UnreadableJson(str(error)[:200]) from error


def text_problem(value: str) -> str | None:
    """Why a received string cannot be stored (NUL bytes, a lone surrogate), or None."""
    if "\x00" in value:
        return "contains NUL bytes"
    if _SURROGATE.search(value):
        return "contains a lone UTF-16 surrogate (not valid Unicode text)"
    return None


def has_lone_surrogate(data: Any) -> bool:
    """Whether any string in a parsed JSON document (keys included) holds a lone surrogate."""
    pending = [data]  # a loop, not recursion: the document may be nested 900 deep
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def parse_int(raw: str | None, *, maximum: int = MAX_PARAM) -> int | None:
    """A whole number 0..``maximum`` in ASCII digits, else None (the caller refuses or defaults)."""
    if raw is None or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= maximum else None


class RowIdConverter(BaseConverter):
    """``<row_id:name>`` in a route: a database id, read by ``parse_int`` (else 404)."""

    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = parse_int(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))
