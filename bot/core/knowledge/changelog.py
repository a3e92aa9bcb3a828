"""A readme's ``== Changelog ==`` section split into one `ChangelogEntry` per version.

wordpress.org does not split changelogs, so the rule is ours, built on the directory's FAQ rule:
if any line starts with ``=`` or ``#``, those lines are headings (``= 1.6.3 =``,
``= 2024-06-25 – 1.6.3 =``, ``### 6.0.2``, ``#### 1.2.3 - 2024-01-01``); otherwise full-line
``**1.0**`` lines are. A heading naming a version starts an entry. A heading without one is a
category inside the entry (``#### Fixed`` under ``### 1.2.3``) unless it is at the entry's own
level (``= Earlier versions =``), which ends the entry. A horizontal rule also ends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.knowledge.models import ChangelogEntry

_VERSION = re.compile(
    r"(?<![\w.])v?(\d+(?:\.\d+)+(?:[-.]?(?:alpha|beta|rc|dev|pl)\.?\d*)?)(?!\w|\.\d)", re.I
)
_BARE_NUMBER_VERSION = re.compile(r"(?:version\s*)?v?(\d+)", re.I)
_DOTTED_DATE = re.compile(r"\d{4}\.\d{1,2}\.\d{1,2}|\d{1,2}\.\d{1,2}\.\d{4}")
_DATE_LIKE = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_DATE_NOISE = re.compile(r"\b(?:version|released?|release date|date)\b", re.I)
_RELEASE_DATE_LINE = re.compile(
    r"[*_\s]*release(?:d|\s+date)?\s*[:\-–—]?\s*(.*?\d.*?)[*_\s]*", re.I
)
# "__Fixed:__", "**Added**", or a short plain line ending in a colon ("Bugfixes:").
_CATEGORY_LINE = re.compile(
    r"(?:\*\*|__)\s*(?P<emphasised>[^*_]{1,40}?)\s*:?\s*(?:\*\*|__)\s*:?"
    r"|(?P<plain>[^*_:\[\]()`]{1,40}?)\s*:"
)
_BULLET = re.compile(r"\s*(?:[*+-]|\d+[.)])\s+(.*)")
_RULE = re.compile(r"([-*_])(?:\s*\1){2,}")
_MAX_CATEGORY_WORDS = 4


@dataclass
class _Entry:
    version: str
    date: str | None
    marker: str
    level: int
    # Each item is kept as its lines and joined at the end: wrapped items can be very long.
    items: list[list[str]] = field(default_factory=list)
    category: str = ""
    item_open: bool = False

    def frozen(self) -> ChangelogEntry:
        return ChangelogEntry(self.version, self.date, tuple(" ".join(i) for i in self.items))


def find_version(heading: str) -> tuple[str, str] | None:
    """The version a changelog heading names, and the rest of the heading; dates are skipped."""
    text = heading.strip()
    bare = _BARE_NUMBER_VERSION.fullmatch(text)
    if bare:
        return bare.group(1), ""
    candidates = list(_VERSION.finditer(text))
    if not candidates:
        return None
    match = next((m for m in candidates if not _DOTTED_DATE.fullmatch(m.group(1))), candidates[0])
    return match.group(1), text[: match.start()] + " " + text[match.end() :]


def _date_from(rest: str) -> str | None:
    text = _DATE_NOISE.sub(" ", rest)
    text = " ".join(text.split()).strip(" -–—:()[],|")
    return text if _DATE_LIKE.search(text) else None


def _heading(stripped: str, heading_style: bool) -> tuple[str, int, str] | None:
    """``(marker, level, text)`` when the line is a heading in this section's style."""
    if heading_style and stripped[0] in "#=":
        marker = stripped[0]
    elif not heading_style and len(stripped) > 4 and stripped[:2] == stripped[-2:] == "**":
        marker = "*"
    else:
        return None
    level = len(stripped) - len(stripped.lstrip(marker))
    return marker, level, stripped.strip(marker + " \t")


def split_changelog(text: str) -> tuple[ChangelogEntry, ...]:
    """Entries in the order the readme lists them (usually newest first)."""
    lines = text.split("\n")
    heading_style = any(line.strip().startswith(("#", "=")) for line in lines)
    entries: list[_Entry] = []
    current: _Entry | None = None
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current is not None:
                current.item_open = False
            continue
        heading = _heading(stripped, heading_style)
        if heading is not None:
            current = _on_heading(heading, current, entries)
        elif _RULE.fullmatch(stripped):
            current = None
        elif current is not None:
            _add_content(current, line)
    return tuple(entry.frozen() for entry in entries)


def _on_heading(
    heading: tuple[str, int, str], current: _Entry | None, entries: list[_Entry]
) -> _Entry | None:
    marker, level, text = heading
    found = find_version(text)
    if found is not None:
        version, rest = found
        entry = _Entry(version, _date_from(rest), marker, level)
        entries.append(entry)
        return entry
    if current is None:
        return None
    if marker == current.marker != "*" and level <= current.level:
        return None  # a sibling heading without a version, e.g. "= Earlier versions ="
    current.category, current.item_open = text.rstrip(":"), False
    return current


def _add_content(entry: _Entry, line: str) -> None:
    stripped = line.strip()
    if entry.date is None and not entry.items:
        release = _RELEASE_DATE_LINE.fullmatch(stripped)
        if release:
            entry.date = release.group(1).strip()
            return
    bullet = _BULLET.fullmatch(line)
    content = bullet.group(1).strip() if bullet else stripped
    category = _CATEGORY_LINE.fullmatch(content)
    name = category and (category.group("emphasised") or category.group("plain"))
    if name and len(name.split()) <= _MAX_CATEGORY_WORDS:
        entry.category, entry.item_open = name, False
        return
    if bullet is None and entry.item_open and entry.items:
        entry.items[-1].append(stripped)
        return
    entry.items.append([f"{entry.category}: {content}" if entry.category else content])
    entry.item_open = True
