"""Typed values out of a YAML mapping: a wrong type becomes a `Problem`, never an exception."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.knowledge.frontmatter import YamlDocument
from bot.core.knowledge.models import Problem, Severity
from bot.core.knowledge.versions import looks_like_version


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value; put quotes around it if it is text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


@dataclass
class FieldReader:
    """Reads one YAML mapping's keys; problems name ``path`` and the key's line."""

    document: YamlDocument
    path: str
    problems: list[Problem]
    mapping: dict[object, object] = field(init=False)
    _read: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        data = self.document.data
        self.mapping = dict(data) if isinstance(data, dict) else {}
        for key, line in self.document.duplicate_keys:
            self.report(key, f"'{key}' is given twice; the last value is used", "warning", line)

    def report(
        self, key: str, message: str, severity: Severity = "error", line: int | None = None
    ) -> None:
        where = line if line is not None else self.document.line_of(key)
        self.problems.append(Problem(self.path, where, message, severity))

    def _value(self, key: str) -> object:
        self._read.add(key)
        return self.mapping.get(key)

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string; plain numbers are read as written (``name: 1984``)."""
        value = self._value(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = self.document.scalar_text.get(key, str(value))
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report(key, f"'{key}' is required", line=self.document.line_of(key) or 1)
            return None
        if not isinstance(value, str):
            self.report(key, f"'{key}' must be text, not {_describe(value)}")
            return None
        return value.strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        """A list of strings; a single string counts as a one-item list."""
        value = self._value(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value.strip(),) if value.strip() else ()
        if not isinstance(value, list):
            self.report(key, f"'{key}' must be a list of text, not {_describe(value)}")
            return ()
        items: list[str] = []
        for item in value:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if str(item).strip():
                    items.append(str(item).strip())
            else:
                self.report(key, f"'{key}' items must be text; skipped {_describe(item)}")
        return tuple(items)

    def nested_mapping(self, key: str) -> dict[str, object] | None:
        """A nested ``key:`` mapping as written (its values are the caller's to check)."""
        value = self._value(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.report(
                key, f"'{key}' must be a mapping ('name: value' lines), not {_describe(value)}"
            )
            return None
        return {str(name): item for name, item in value.items()}

    def integer(self, key: str, *, minimum: int = 0) -> int | None:
        value = self._value(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(key, f"'{key}' must be a whole number, not {_describe(value)}")
            return None
        if value < minimum:
            self.report(key, f"'{key}' must be at least {minimum}, not {value}")
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self._value(key)
        if value is None or isinstance(value, bool):
            return value
        self.report(key, f"'{key}' must be true or false, not {_describe(value)}")
        return None

    def choice(self, key: str, options: Iterable[str]) -> str | None:
        value = self.text(key)
        allowed = tuple(options)
        if value is not None and value not in allowed:
            self.report(key, f"'{key}' must be one of {', '.join(allowed)}, not {value!r}")
            return None
        return value

    def version(self, key: str) -> str | None:
        """A version as written: ``1.10`` stays ``1.10`` although YAML reads the float 1.1."""
        value = self.text(key)
        if value is not None and not looks_like_version(value):
            self.report(key, f"'{key}' {value!r} does not look like a version (6.4.2)", "warning")
        return value

    def report_unknown_keys(self, hint: str = "") -> None:
        for key in self.mapping:
            if str(key) not in self._read:
                message = f"unknown key '{key}' is ignored{hint}"
                self.report(str(key), message, "warning")
