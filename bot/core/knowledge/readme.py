"""WordPress ``readme.txt`` files, read the way the wordpress.org plugin directory reads them.

The rules mirror ``class-parser.php`` of the plugin directory (see research notes, section 1.2).
Deliberate differences, because we keep Markdown rather than render HTML:

* section bodies, FAQ answers and upgrade notices stay Markdown text (no HTML, no kses);
* an unknown section is kept under ``other_notes`` with a ``### Title`` heading instead of
  ``<h3>``, and ``sections["faq"]`` / ``sections["changelog"]`` keep their raw text;
* text is not HTML-escaped (``&`` stays ``&``), tags are only stripped;
* the "no newer than the current WordPress branch + 0.1" check and the 2,500/5,000-word display
  limits are not applied: we do not know today's WordPress release, and we want every FAQ item;
* a line of only spaces inside the header block counts as blank (PHP's ``empty()`` does not);
* remarks that only matter for the wordpress.org page (tags, short description) go to
  ``Readme.notes``; ``Readme.warnings`` holds what changes the data we use (name, versions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.knowledge.changelog import split_changelog
from bot.core.knowledge.encoding import decode_text
from bot.core.knowledge.headers import (
    README_HEADER_FIELDS,
    README_HEADER_LINE,
    ReadmeHeaders,
    parse_style_css_header,
)
from bot.core.knowledge.models import Readme, ReadmeFaq

__all__ = ["decode_text", "parse_readme", "parse_section_items", "parse_style_css_header"]

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
_EXPECTED_SECTIONS = (
    "description",
    "installation",
    "faq",
    "screenshots",
    "changelog",
    "upgrade_notice",
    "other_notes",
)
_SECTION_ALIASES = {
    "frequently_asked_questions": "faq",
    "change_log": "changelog",
    "screenshot": "screenshots",
}
# Every pattern below stops at the next delimiter or after a bounded run, so a pathological
# line (a megabyte of "<a " or "*a ") costs linear time instead of quadratic backtracking.
_HTML_TAG = re.compile(r"<[^<>]*>")
_SHORT_DESCRIPTION_CHARS = 150
# Markup never turns 2,000 characters into fewer than 150, so the rest need not be read.
_SHORT_DESCRIPTION_SOURCE_CHARS = 2000


@dataclass
class _Lines:
    """The readme's lines as a queue, consumed front to back like the PHP parser's array."""

    items: list[str]
    position: int = 0

    def shift(self) -> str | None:
        if self.position >= len(self.items):
            return None
        self.position += 1
        return self.items[self.position - 1]

    def unshift(self) -> None:
        self.position = max(0, self.position - 1)

    def peek(self) -> str | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def first_nonblank(self) -> str | None:
        while (line := self.shift()) is not None:
            if line.strip():
                return line
        return None


@dataclass
class _Draft:
    """What parsing has found so far; frozen into a `Readme` at the end."""

    name: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    short_description: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_readme(text: str) -> Readme:
    """Parse a readme.txt; never raises, oddities end up in ``Readme.warnings``."""
    lines = _Lines(_LINE_BREAK.split(text.removeprefix("\ufeff")))
    draft = _Draft()
    _read_name(lines, draft)
    _read_headers(lines, draft)
    _read_short_description(lines, draft)
    _read_sections(lines, draft)
    return _finish(draft)


def _strip_tags(text: str) -> str:
    return _HTML_TAG.sub("", text).strip()


def _read_name(lines: _Lines, draft: _Draft) -> None:
    first = lines.first_nonblank()
    if first is None:
        draft.warnings.append("the readme is empty")
        return
    if README_HEADER_LINE.match(first.strip()):
        draft.warnings.append("no plugin name: the first line is already a header")
        lines.unshift()
        return
    draft.name = _strip_tags(first.strip("#= \t\0\x0b")) or None
    following = lines.peek()
    if following is not None and not following.strip("=-"):
        lines.shift()  # a Markdown setext underline (=== or ---) below the name
    if draft.name and draft.name.lower() == "plugin name":
        draft.warnings.append("the title line is the placeholder '=== Plugin Name ==='")
        candidate = lines.first_nonblank()
        if candidate is None or len(candidate) > 50 or README_HEADER_LINE.match(candidate):
            draft.name = None
            if candidate is not None:
                lines.unshift()
        else:
            draft.name = _strip_tags(candidate.strip("#= \t")) or None


def _read_headers(lines: _Lines, draft: _Draft) -> None:
    """Header lines may be separated by blank lines; an unknown key after a blank line ends them."""
    line = lines.first_nonblank()
    last_line_was_blank = False
    while line is not None:
        if ":" not in line or line.startswith(("#", "=")):
            if line.strip():
                break
            last_line_was_blank = True
        else:
            key, value = line.strip().split(":", 1)
            field_name = README_HEADER_FIELDS.get(key.strip(" \t*-\r\n").lower())
            if field_name is not None:
                draft.headers[field_name] = value.strip()
            elif last_line_was_blank:
                break
            last_line_was_blank = False
        line = lines.shift()
    if line is not None:
        lines.unshift()


def _is_section_start(stripped: str, *, allow_h3: bool) -> bool:
    if stripped.startswith("=="):
        return True
    if allow_h3:
        return stripped.startswith("##")
    return stripped.startswith("##") and len(stripped) > 2 and stripped[2] != "#"


def _read_short_description(lines: _Lines, draft: _Draft) -> None:
    collected: list[str] = []
    while (line := lines.shift()) is not None:
        if _is_section_start(line.strip(), allow_h3=True):
            lines.unshift()
            break
        collected.append(line)
    draft.short_description = "\n".join(collected).strip()


def _section_key(title: str) -> str:
    key = title.replace(" ", "_").lower()
    return _SECTION_ALIASES.get(key, key)


def _read_sections(lines: _Lines, draft: _Draft) -> None:
    """``==`` / ``##`` headings start sections; a repeated section is appended to the first."""
    chunks: dict[str, list[list[str]]] = {}
    current: list[str] | None = None
    while (line := lines.shift()) is not None:
        stripped = line.strip()
        if stripped and _is_section_start(stripped, allow_h3=False):
            title = line.strip("#= \t")
            key = _section_key(title)
            known = key in _EXPECTED_SECTIONS
            current = [] if known else [f"### {title}", ""]
            chunks.setdefault(key if known else "other_notes", []).append(current)
            continue
        if current is not None:
            current.append(line)
    for key, parts in chunks.items():
        texts = ("\n".join(part).strip() for part in parts)
        body = "\n\n".join(text for text in texts if text)
        if body:
            draft.sections[key] = body


def parse_section_items(text: str) -> dict[str, str]:
    """A FAQ or upgrade-notice section as ``heading -> text`` (``""`` holds text before any).

    If any line starts with ``#`` or ``=``, every such line is a heading; otherwise full-line
    ``**bold**`` lines are. A heading directly followed by another heading is dropped, and a
    repeated heading replaces the earlier text, as on wordpress.org.
    """
    lines = text.split("\n")
    heading_style = any(line.strip().startswith(("#", "=")) for line in lines)
    items: dict[str, str] = {}
    key, value = "", []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            value.append("")
            continue
        if heading_style:
            is_heading = stripped[0] in "#="
        else:
            is_heading = stripped.startswith("**") and stripped.endswith("**")
        if is_heading:
            if value:  # PHP's `if ($value)`: even a blank line keeps the previous heading
                items[key] = "\n".join(value).strip()
            key, value = line.strip(stripped[0] + " \t"), []
            continue
        value.append(line)
    if key or value:
        items[key] = "\n".join(value).strip()
    return items


def _finish(draft: _Draft) -> Readme:
    sections = draft.sections
    if not sections.get("description"):
        sections["description"] = draft.short_description
    other_notes = sections.pop("other_notes", "")
    if other_notes:
        sections["description"] = f"{sections['description']}\n{other_notes}".strip()
    faq_items = parse_section_items(sections.get("faq", ""))
    faq_items.pop("", None)  # free text before the first question is not a question
    notices = parse_section_items(sections.get("upgrade_notice", ""))
    notices.pop("", None)
    headers = ReadmeHeaders(draft.headers, draft.warnings, draft.notes)
    license_text, license_uri = headers.license()
    short_description = _short_description(draft, sections.get("description", ""))
    return Readme(
        name=draft.name,
        short_description=short_description,
        stable_tag=headers.stable_tag(),
        requires_wp=headers.wordpress_version("requires", ("or higher", "and above", "+")),
        tested_up_to=headers.wordpress_version("tested", ()),
        requires_php=headers.php_version(),
        contributors=headers.contributors(),
        tags=headers.tags(),
        license=license_text,
        license_uri=license_uri,
        donate_link=headers.plain("donate_link"),
        sections=dict(sections),
        faq=tuple(ReadmeFaq(question, answer) for question, answer in faq_items.items()),
        changelog=split_changelog(sections.get("changelog", "")),
        upgrade_notice={version: _strip_tags(text) for version, text in notices.items()},
        requires_plugins=headers.required_plugins(),
        # Evaluated last on purpose: the header checks above append warnings and notes.
        warnings=tuple(draft.warnings),
        notes=tuple(draft.notes),
    )


_MARKDOWN_LINK = re.compile(r"!?\[([^\[\]]{0,500})\]\([^()\s]{0,2000}\)")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.{1,300}?)(?<=\S)\1")


def _plain(markdown: str) -> str:
    """Markdown to one line of plain text, as the directory shows the short description."""
    text = _MARKDOWN_LINK.sub(r"\1", _strip_tags(markdown))
    text = _MARKDOWN_EMPHASIS.sub(r"\2", text)
    return " ".join(text.split())


def _short_description(draft: _Draft, description: str) -> str:
    text = _plain(draft.short_description[:_SHORT_DESCRIPTION_SOURCE_CHARS])
    if not text:
        first_line = next((line for line in description.split("\n") if line.strip()), "")
        text = _plain(first_line[:_SHORT_DESCRIPTION_SOURCE_CHARS])
        if text:
            draft.notes.append("no short description; the first line of Description is used")
    if len(text) <= _SHORT_DESCRIPTION_CHARS:
        return text
    draft.notes.append(f"short description longer than {_SHORT_DESCRIPTION_CHARS} characters")
    cut = text[:_SHORT_DESCRIPTION_CHARS]
    if cut.endswith("."):
        return cut
    last_stop = cut.rfind(".")
    if last_stop > 0.8 * _SHORT_DESCRIPTION_CHARS:
        return cut[: last_stop + 1]
    return cut.rstrip() + " …"
