"""Which plugin or theme caused a pasted PHP error, stack trace, debug.log excerpt or JS error.

The error's own location (``in <file>``, ``thrown in``) names the culprit first; otherwise the
first plugin/theme frame of the trace does. WordPress core frames (wp-includes, wp-admin) only
show how the code was reached. A library in a plugin's ``vendor/`` belongs to that plugin.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from bot.core.knowledge.error_paths import (
    ComponentKind,
    PathHit,
    component_paths,
    has_core_path,
    normalise_error_text,
)

ErrorKind = Literal[
    "memory_exhausted",
    "redeclare_conflict",
    "time_limit",
    "php_parse_error",
    "type_error",
    "undefined_function",
    "uncaught_exception",
    "php_fatal",
    "php_warning",
    "php_notice",
    "php_deprecated",
    "js_error",
    "critical_error_notice",
]
Role = Literal["culprit", "involved", "vendor-lib"]

_LEVEL = re.compile(
    r"(?:PHP )?(Fatal error|Catchable fatal error|Recoverable fatal error|Parse error|"
    r"Warning|Notice|Deprecated|Strict Standards)[ \t]{0,3}:",
    re.I,
)
_UNCAUGHT = re.compile(r"Uncaught (?:\(in promise\) )?[\w\\]{0,120}(?:Error|Exception)\b")
_JS_MARKER = re.compile(
    r"is not a function|is not defined|Cannot read propert(?:y|ies) of|\.js(?:\?|:\d)|"
    r"Uncaught (?:\(in promise\) )?(?:TypeError|ReferenceError|SyntaxError|RangeError)",
    re.I,
)
_JS_SHAPE = re.compile(r"\b(?:TypeError|ReferenceError|SyntaxError|RangeError)\b|\.js\b")
_LOCATED = re.compile(r"\.php(?::\d|\(\d| on line \d)| on line \d|Stack trace|Call Stack", re.I)
_TRACE_START = re.compile(r"Stack trace:|Call Stack|\s#0\s|\n#?0 ", re.I)
_CRITICAL_NOTICE = re.compile(
    r"critical error on (?:this|your) (?:web)?site|experiencing technical difficulties|"
    r"kritieke fout\b[^.\n]{0,30}\bop (?:deze|je|jouw|uw) (?:web)?site",
    re.I,
)
_MENTION = re.compile(r"fatal error|critical error|kritieke fout|fatale fout", re.I)
_PRE_CHECK = re.compile(
    r"fatal error|parse error|uncaught|stack trace|allowed memory size|cannot redeclare|"
    r"critical error|kritieke fout|fatale fout|technical difficulties|is not a function|"
    r"is not defined|cannot read propert|(?:warning|notice|deprecated)[ \t]{0,3}:",
    re.I,
)
_CONTENT_KINDS: tuple[tuple[re.Pattern[str], ErrorKind], ...] = (
    (re.compile(r"allowed memory size of|out of memory", re.I), "memory_exhausted"),
    (re.compile(r"cannot redeclare|cannot declare class", re.I), "redeclare_conflict"),
    (re.compile(r"maximum execution time", re.I), "time_limit"),
    (re.compile(r"parse error|syntax error, unexpected", re.I), "php_parse_error"),
    (re.compile(r"TypeError|ArgumentCountError|must be of (?:the )?type", re.I), "type_error"),
    (re.compile(r"call to undefined (?:function|method)", re.I), "undefined_function"),
    (re.compile(r"uncaught [\w\\]{0,120}exception", re.I), "uncaught_exception"),
)
_LIGHT_KINDS: dict[str, ErrorKind] = {
    "warning": "php_warning",
    "notice": "php_notice",
    "strict standards": "php_notice",
    "deprecated": "php_deprecated",
}
_TIER: dict[ErrorKind, int] = {"php_warning": 2, "php_notice": 1, "php_deprecated": 0}
_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class ErrorComponent:
    kind: ComponentKind
    slug: str  # folder name normalised: no -master, no version suffix, lower case
    folder: str  # as written in the path
    version: str | None  # from ``?ver=`` or a version in the folder name
    role: Role
    libraries: tuple[str, ...] = ()  # bundled ``vendor/<a>/<b>`` packages seen in the error
    file: str | None = None  # first file of the component named, relative to its folder
    line: int | None = None


@dataclass(frozen=True)
class ErrorAnalysis:
    kind: ErrorKind
    message: str
    components: tuple[ErrorComponent, ...]  # culprit first, then in order of appearance
    culprit: ErrorComponent | None
    conflict: bool  # two components collide (Cannot redeclare ...)
    duplicate_install: bool  # ... and they are the same product installed twice
    core_only: bool  # only WordPress core files named: nothing to attribute
    quoted: bool  # the actual error text, not only a mention ("I get a critical error")

    @property
    def plugin_slugs(self) -> tuple[str, ...]:
        return tuple(c.slug for c in self.components if c.kind != "theme")


@dataclass(frozen=True)
class _Record:
    """One error message with its trace: text[start:end], location part before `trace_at`."""

    kind: ErrorKind
    start: int
    trace_at: int
    end: int

    @property
    def tier(self) -> int:
        return _TIER.get(self.kind, 3)


def looks_like_error(text: str) -> bool:
    """Cheap pre-check: an error phrase or log marker appears somewhere."""
    return bool(_PRE_CHECK.search(text))


def analyse_error(text: str) -> ErrorAnalysis | None:
    """The error in `text` and who caused it, or None when the text holds no error."""
    if not looks_like_error(text):
        return None
    text = normalise_error_text(text)
    records = _records(text)
    hits = component_paths(text)
    if not records:
        return _without_record(text, hits)
    primary = _primary(records, hits)
    culprit_hit = _culprit(primary, hits) or (hits[0] if hits else None)
    message = _message(text[primary.start : primary.trace_at])
    return _analysis(primary.kind, message, hits, culprit_hit, primary, text, quoted=True)


def _records(text: str) -> list[_Record]:
    starts = [(m.start(), m.group(1).casefold()) for m in _LEVEL.finditer(text)]
    if not starts:
        starts = [(m.start(), "uncaught") for m in _UNCAUGHT.finditer(text)]
    records = []
    for index, (start, level) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        body = text[start:end]
        kind = _kind(level, body)
        if kind is None:
            continue
        trace = _TRACE_START.search(body)
        records.append(_Record(kind, start, start + trace.start() if trace else end, end))
    return records


def _kind(level: str, body: str) -> ErrorKind | None:
    """Classify one record; a bare "Warning:" without a file and line is prose, not an error."""
    if level in _LIGHT_KINDS:
        return _LIGHT_KINDS[level] if _LOCATED.search(body) else None
    if ".php" not in body and _JS_MARKER.search(body):
        return "js_error"
    head = body[:2000]
    for pattern, kind in _CONTENT_KINDS:
        if pattern.search(head):
            return kind
    return "php_fatal"


def _primary(records: list[_Record], hits: list[PathHit]) -> _Record:
    """The most severe record; of equals, the first that names a plugin or theme."""
    top = max(record.tier for record in records)
    severe = [record for record in records if record.tier == top]
    starts = [hit.start for hit in hits]  # in text order
    for record in severe:
        at = bisect.bisect_left(starts, record.start)
        if at < len(starts) and starts[at] < record.end:
            return record
    return severe[0]


def _culprit(record: _Record, hits: list[PathHit]) -> PathHit | None:
    located = [h for h in hits if record.start <= h.start < record.trace_at]
    if located:
        # "Cannot redeclare f() (previously declared in A) in B": B is where it broke.
        return located[-1] if record.kind == "redeclare_conflict" else located[0]
    framed = [h for h in hits if record.trace_at <= h.start < record.end]
    return framed[0] if framed else None


def _without_record(text: str, hits: list[PathHit]) -> ErrorAnalysis | None:
    """No PHP/JS error line: a browser-console error, WordPress's notice, or a mere mention."""
    js = _JS_MARKER.search(text)
    if js and _JS_SHAPE.search(text):
        message = _message(text[text.rfind("\n", 0, js.start()) + 1 :])
        return _analysis("js_error", message, hits, hits[0] if hits else None, None, text, True)
    notice = _CRITICAL_NOTICE.search(text)
    mention = notice or _MENTION.search(text)
    if mention is None:
        return None
    fatal = "fatal" in mention.group().casefold() and notice is None
    kind: ErrorKind = "php_fatal" if fatal else "critical_error_notice"
    message = _message(text[text.rfind("\n", 0, mention.start()) + 1 :])
    culprit = hits[0] if hits else None
    return _analysis(kind, message, hits, culprit, None, text, quoted=notice is not None)


def _analysis(
    kind: ErrorKind,
    message: str,
    hits: list[PathHit],
    culprit: PathHit | None,
    record: _Record | None,
    text: str,
    quoted: bool,
) -> ErrorAnalysis:
    components = _components(hits, culprit)
    located = [h for h in hits if record and record.start <= h.start < record.trace_at]
    rivals = {h.key for h in located}
    conflict = kind == "redeclare_conflict" and len(rivals) >= 2
    return ErrorAnalysis(
        kind=kind,
        message=message,
        components=components,
        culprit=components[0] if culprit is not None else None,
        conflict=conflict,
        duplicate_install=conflict and _same_product(located),
        core_only=not hits and has_core_path(text),
        quoted=quoted,
    )


def _components(hits: list[PathHit], culprit: PathHit | None) -> tuple[ErrorComponent, ...]:
    by_key: dict[tuple[ComponentKind, str], list[PathHit]] = {}
    if culprit is not None:
        by_key[culprit.key] = []
    for hit in hits:
        by_key.setdefault(hit.key, []).append(hit)
    components = []
    for key, mine in by_key.items():
        first = culprit if culprit is not None and culprit.key == key else mine[0]
        libraries = tuple(dict.fromkeys(h.library for h in mine if h.library))
        role: Role = "culprit" if first is culprit else "involved"
        if role == "involved" and all(h.library for h in mine):
            role = "vendor-lib"  # seen only running a library it bundles
        version = next((h.version for h in mine if h.version), None)
        components.append(
            ErrorComponent(
                first.kind,
                first.slug,
                first.folder,
                version,
                role,
                libraries,
                first.file,
                first.line,
            )
        )
    return tuple(components)


def _same_product(hits: list[PathHit]) -> bool:
    """Two folders, one product: same slug once normalised, or the same file inside both."""
    slugs = {hit.slug for hit in hits}
    files = {hit.file.casefold() for hit in hits if hit.file}
    return len(slugs) == 1 or (len(files) == 1 and len(hits) >= 2)


def _message(text: str) -> str:
    line = text.split("\n", 1)[0]
    line = re.sub(r"\s+", " ", line).strip().strip('"')
    return line[:_MESSAGE_CHARS]
