"""Reading files of one knowledge-base directory and collecting the problems found."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.encoding import decode_text
from bot.core.knowledge.frontmatter import YamlDocument, YamlProblem, load_yaml
from bot.core.knowledge.models import Problem, Severity

MAX_FILE_BYTES = 1_000_000


class KnowledgeError(Exception):
    """The knowledge-base directory is missing or is not a directory."""


@dataclass
class LoadContext:
    """The data directory being read and the problems found so far."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def report(
        self, path: Path, message: str, severity: Severity = "error", line: int | None = None
    ) -> None:
        self.problems.append(Problem(self.relative(path), line, message, severity))

    def read_text(self, path: Path, *, truncate: bool = False) -> str | None:
        """The decoded file, or None (reported) when unreadable or too large to use."""
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.report(path, f"cannot read the file: {exc.strerror or exc}")
            return None
        if len(data) > MAX_FILE_BYTES:
            if not truncate:
                self.report(path, f"file is larger than {MAX_FILE_BYTES:,} bytes; skipped")
                return None
            self.report(
                path,
                f"file is larger than {MAX_FILE_BYTES:,} bytes; only the start is read",
                "warning",
            )
            data = _cut_at_line_end(data[:MAX_FILE_BYTES])
        text, warnings = decode_text(data)
        for warning in warnings:
            self.report(path, warning, "warning")
        return text

    def read_yaml(self, path: Path) -> YamlDocument | None:
        """A YAML file whose top level is a mapping, or None (reported)."""
        text = self.read_text(path)
        if text is None:
            return None
        try:
            document = load_yaml(text)
        except YamlProblem as problem:
            self.report(path, f"{problem.message}; file skipped", line=problem.line)
            return None
        if document.data is None:
            return YamlDocument({})
        if not isinstance(document.data, dict):
            self.report(path, "expected 'key: value' lines at the top level; file skipped", line=1)
            return None
        return document


def _cut_at_line_end(data: bytes) -> bytes:
    """Drop a partial last line (and keep UTF-16 text at an even length)."""
    end = data.rfind(b"\n") + 1 or len(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        end -= end % 2
    return data[:end]
