"""Taught phrasings written into an FAQ file's ``alternatives``, the rest of the file as it was.

Only lines are added: to the end of a block list (``alternatives:`` then ``  - ...`` lines),
or a new ``alternatives:`` block before the closing fence. A flow list on one line
(``alternatives: [a, b]``) becomes a block list with the same items first. Anything else (a
scalar, a flow list over several lines) is refused rather than rewritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import yaml

_KEY = re.compile(r"alternatives[ \t]*:(.*)$")
_FENCES = ("---", "...")


class PhrasingFileError(ValueError):
    """The file's ``alternatives`` cannot be extended without rewriting more than them."""


def yaml_item(text: str) -> str:
    """``text`` as a YAML list item's scalar: plain when that reads back the same, else quoted."""
    try:
        plain = yaml.safe_load(f"- {text}") == [text]
    except yaml.YAMLError:
        plain = False
    return text if plain and "#" not in text else json.dumps(text, ensure_ascii=False)


def with_alternatives(document: str, phrasings: Sequence[str]) -> str:
    """``document`` (an FAQ file) with ``phrasings`` added to the end of its alternatives."""
    lines = document.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise PhrasingFileError("the file does not start with front matter (---)")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in _FENCES), None)
    if end is None:
        raise PhrasingFileError("the front matter has no closing ---")
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    for i in range(1, end):
        found = _KEY.match(lines[i].rstrip("\r\n"))
        if found is None:
            continue
        rest = found.group(1).strip()
        if not rest or rest.startswith("#"):
            return "".join(_extend_block(lines, i, end, phrasings, newline))
        if rest.startswith("[") and rest.endswith("]"):
            return "".join(_flow_to_block(lines, i, rest, phrasings, newline))
        raise PhrasingFileError("alternatives is neither a list of lines nor a [flow, list]")
    block = [f"alternatives:{newline}", *_items(phrasings, "  ", newline)]
    return "".join([*lines[:end], *block, *lines[end:]])


def _items(phrasings: Sequence[str], indent: str, newline: str) -> list[str]:
    return [f"{indent}- {yaml_item(text)}{newline}" for text in phrasings]


def _extend_block(
    lines: list[str], key: int, end: int, phrasings: Sequence[str], newline: str
) -> list[str]:
    after, indent = key + 1, "  "
    while after < end and (not lines[after].strip() or lines[after][0] in " \t-"):
        stripped = lines[after].lstrip(" \t")
        if stripped.startswith("-"):
            indent = lines[after][: len(lines[after]) - len(stripped)]
        after += 1
    while after > key + 1 and not lines[after - 1].strip():
        after -= 1  # blank lines after the list stay after it
    if not lines[after - 1].endswith(("\n", "\r")):
        lines[after - 1] += newline
    return [*lines[:after], *_items(phrasings, indent, newline), *lines[after:]]


def _flow_to_block(
    lines: list[str], key: int, flow: str, phrasings: Sequence[str], newline: str
) -> list[str]:
    try:
        items = yaml.safe_load(flow)
    except yaml.YAMLError as exc:
        raise PhrasingFileError(f"alternatives cannot be read: {exc}") from exc
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise PhrasingFileError("alternatives is not a list of texts")
    block = [f"alternatives:{newline}", *_items([*items, *phrasings], "  ", newline)]
    return [*lines[:key], *block, *lines[key + 1 :]]
