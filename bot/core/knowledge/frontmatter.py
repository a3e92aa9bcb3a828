"""YAML documents and Markdown front matter, with errors that name the line in the file.

PyYAML counts lines from 0 within the text it was given; front matter starts on line 2 of its
file, so every position is shifted by where the YAML begins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

# libyaml's parser is several times faster; the pure-Python one gives the same nodes and marks.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FENCE = "---"
_CLOSING_FENCES = ("---", "...")


class YamlProblem(ValueError):
    """The YAML (or the front-matter fence around it) cannot be read."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus where each top-level key was written.

    ``scalar_text`` keeps each top-level scalar as written, so ``latest_version: 1.10`` can be
    read as ``"1.10"`` although YAML resolves it to the float ``1.1``.
    """

    data: object
    key_lines: Mapping[str, int] = field(default_factory=dict)
    scalar_text: Mapping[str, str] = field(default_factory=dict)
    duplicate_keys: tuple[tuple[str, int], ...] = ()

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)


@dataclass(frozen=True)
class FrontMatter:
    meta: YamlDocument
    body: str
    body_line: int


def load_yaml(text: str, first_line: int = 1) -> YamlDocument:
    """Parse one YAML document whose first line is line ``first_line`` of its file."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        line = _error_line(exc, text, first_line)
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or str(exc)
        raise YamlProblem(f"invalid YAML: {reason}", line) from exc
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        # e.g. a date like 2024-13-45 passes the parser but fails in the constructor.
        raise YamlProblem(f"invalid YAML: {exc}", None) from exc
    finally:
        loader.dispose()
    return _with_positions(data, node, first_line)


def _with_positions(data: object, node: yaml.Node | None, first_line: int) -> YamlDocument:
    key_lines: dict[str, int] = {}
    scalar_text: dict[str, str] = {}
    duplicates: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            line = key_node.start_mark.line + first_line
            if key_node.value in key_lines:
                duplicates.append((key_node.value, line))  # YAML keeps the last one silently
            key_lines[key_node.value] = line
            if isinstance(value_node, yaml.ScalarNode):
                scalar_text[key_node.value] = value_node.value
    return YamlDocument(data, key_lines, scalar_text, tuple(duplicates))


def _error_line(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> int | None:
    """Where the parser noticed the problem; for an unclosed bracket or quote, noticed only at
    the end of the text, where the construct began or else the last line with content."""
    lines = text.splitlines()
    for mark in (exc.problem_mark, exc.context_mark):
        if mark is not None and mark.line < len(lines):
            return mark.line + first_line
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return (filled[-1] if filled else 0) + first_line


def split_front_matter(text: str) -> FrontMatter:
    """``---`` / YAML / ``---`` (or ``...``) then the Markdown body."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[0].rstrip() != _FENCE:
        raise YamlProblem("no front matter: the file must start with a '---' line", 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in _CLOSING_FENCES:
            meta = load_yaml("\n".join(lines[1:index]), first_line=2)
            body = "\n".join(lines[index + 1 :]).strip()
            return FrontMatter(meta, body, index + 2)
    raise YamlProblem("front matter is not closed: no second '---' line", 1)
