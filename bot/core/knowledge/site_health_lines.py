"""Line-level reading of Site Health pastes: cleaning the damage, headers, plugin lines.

Everything here is linear in the line length (``str.rfind``/``partition``, bounded regexes),
so a pasted megabyte cannot make the parser backtrack.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

FENCE = "```"
_BREAK = re.compile(r"<br\s{0,5}/?>", re.I)
_QUOTE = re.compile(r"^(?:[ \t]{0,3}>)+ ?")
_WRAPPER_TAG = re.compile(
    r"</?(?:details|summary|pre|code|p|div|span|blockquote)\b[^<>]{0,200}>", re.I
)
_FENCE_LINE = re.compile(r"(?:`{1,4}|~~~)[\w-]{0,20}")
_HEADER = re.compile(r"#{2,4}[ \t]*([A-Za-z0-9_.-]{1,80})(?:[ \t]*\((\d{1,6})\))?[ \t]*#{0,4}")
_LATEST = " (latest version: "
_VERSION = re.compile(r"\d+(?:\.\d+)+")
_TRUE = {"true", "yes", "1", "ja", "oui", "si", "sì", "tak", "да"}
_FALSE = {"false", "no", "0", "nee", "non", "nie", "нет"}
_AUTO_HINTS = (
    "auto",
    "авто",
    "update",
    "actualiz",
    "atualiz",
    "aggiorn",
    "mise à jour",
    "mises à jour",
)
# Disabled first: several "disabled" words contain an "enabled" word ("désactivé" ⊃ "activé").
_DISABLED = tuple(
    "disabled uitgeschakeld deaktiviert désactiv disattiv deshabilit desactiv "
    "wyłącz отключ выключ off uit aus".split()
)
_ENABLED = tuple("enabled ingeschakeld aktiviert activ attiv habilit włącz включ on aan".split())


def clean_lines(text: str) -> Iterator[tuple[str, bool]]:
    """Yield (line, tab_indented) without quotes, wrappers, backticks or blank lines.

    A fence or a lone backtick (WordPress wraps the copy in them) is yielded as ``FENCE``.
    """
    for raw in _BREAK.sub("\n", text).splitlines():
        line = _WRAPPER_TAG.sub("", _QUOTE.sub("", raw))
        indented = line.startswith("\t")
        line = line.strip()
        if not line:
            continue
        if _FENCE_LINE.fullmatch(line):
            yield FENCE, False
            continue
        if line.startswith("`"):
            yield FENCE, False
            line = line.lstrip("`").strip()
        closing = line.endswith("`")
        line = line.rstrip("`").strip()
        if line:
            yield line, indented
        if closing:
            yield FENCE, False


def is_fence(line: str) -> bool:
    return line == FENCE


def section_header(line: str) -> tuple[str, int | None] | None:
    """``### wp-plugins-active (25) ###`` → ("wp-plugins-active", 25)."""
    match = _HEADER.fullmatch(line)
    if match is None:
        return None
    count = match.group(2)
    return match.group(1).casefold(), int(count) if count else None


@dataclass(frozen=True)
class ComponentLine:
    """A plugin or theme line as written; `trailing` is a phrase known not to be the author."""

    name: str
    version: str | None
    author: str | None
    latest_version: str | None = None
    trailing: str | None = None


def parse_component_line(line: str) -> ComponentLine | None:
    """Split ``Name: version: V, author: A (latest version: L), Auto-updates X`` from the right.

    WordPress also writes ``Name: author: A, version: V`` when either value is missing.
    """
    at_version, at_author = line.rfind(": version: "), line.rfind(": author: ")
    if at_version > at_author:
        name, rest = line[:at_version], line[at_version + len(": version: ") :]
        version, _, author = rest.partition(", author: ")
        author, latest, trailing = _split_latest(author)
    elif at_author >= 0:
        name, rest = line[:at_author], line[at_author + len(": author: ") :]
        author, _, version = rest.rpartition(", version: ")
        version, latest, trailing = _split_latest(version)
        version, _, after_version = version.partition(", ")
        trailing = trailing or after_version or None
    else:
        return None
    name = name.strip()
    if not name or len(name) > 300 or len(version) > 60:
        return None
    return ComponentLine(name, version.strip() or None, author.strip() or None, latest, trailing)


def _split_latest(part: str) -> tuple[str, str | None, str | None]:
    """``A (latest version: L), Auto-updates X`` → ("A", "L", "Auto-updates X")."""
    at = part.rfind(_LATEST)
    if at < 0:
        return part, None, None
    close = part.find(")", at)
    close = len(part) if close < 0 else close
    latest = part[at + len(_LATEST) : close].strip() or None
    trailing = part[close + 1 :].strip().lstrip(",").strip() or None
    return part[:at], latest, trailing


def final_segments(authors: Sequence[str]) -> Counter[str]:
    """How often each last ``, ``-separated segment ends an author field of the paste."""
    return Counter(a.rpartition(", ")[2] for a in authors if ", " in a)


def split_trailing_phrase(author: str, endings: Counter[str], lines: int) -> tuple[str, str | None]:
    """Separate a trailing auto-update phrase from an author that may itself hold commas.

    The phrase is recognised by its words in any language, or because the same final segment
    ends most author fields of the paste (`endings` of `lines`; a translation we do not know).
    """
    head, sep, last = author.rpartition(", ")
    if not sep:
        return author, None
    if len(last) <= 60 and any(hint in last.casefold() for hint in _AUTO_HINTS):
        return head, last
    if lines >= 3 and endings[last] >= max(2, lines // 2):
        return head, last
    return author, None


def auto_update_state(phrase: str) -> bool | None:
    """``Auto-updates enabled`` / ``Automatische updates uitgeschakeld`` / ``Enabled`` → bool."""
    words = re.findall(r"[^\W\d_]+", phrase.casefold())
    for state, stems in ((False, _DISABLED), (True, _ENABLED)):
        if any(_word_is(word, stem) for word in words for stem in stems):
            return state
    return None


def _word_is(word: str, stem: str) -> bool:
    return word == stem if len(stem) <= 3 else word.startswith(stem)


def name_and_slug(value: str) -> tuple[str, str | None]:
    """``Astra (astra)`` → ("Astra", "astra"); ``Divi`` → ("Divi", None)."""
    value = value.strip()
    cut = value.rfind(" (")
    if cut > 0 and value.endswith(")") and " " not in value[cut + 2 : -1]:
        return value[:cut].strip(), value[cut + 2 : -1]
    return value, None


def known_value(value: str | None) -> str | None:
    """Empty, ``undefined`` and ``(undefined)`` mean: not known."""
    if value is None:
        return None
    value = value.strip()
    return None if value.casefold() in ("", "undefined", "(undefined)", "loading...") else value


def version_in(value: str | None) -> str | None:
    match = _VERSION.search(value or "")
    return match.group() if match else None


def boolean_value(value: str | None) -> bool | None:
    folded = (value or "").strip().casefold()
    return True if folded in _TRUE else False if folded in _FALSE else None


def author_text(value: str | None) -> str | None:
    """Authors may arrive as HTML links (``<a href=...>Thrive Themes</a>``): keep the text."""
    if value is None:
        return None
    return known_value(html.unescape(re.sub(r"<[^<>]{0,500}>", "", value)))
