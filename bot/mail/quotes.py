"""Separate the new text of a reply from quoted history and the signature.

HTML first (client markers such as Gmail's ``gmail_quote``), then a line scanner that knows
Dutch, English, German (and a few more) reply headers, Outlook header blocks, separators and
``>`` quoting. Linear in the input: every line is looked at a bounded number of times.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.mail import quote_patterns as qp
from bot.mail.html_text import html_to_text, html_to_text_split
from bot.mail.signatures import signature_start

_MAX_PATTERN_LINE = 1_000  # longer lines are never headers; skipping them keeps scans linear
_MAX_HEADER_CHARS = 400
_MAX_FALLBACK_DEPTH = 3


@dataclass(frozen=True)
class ReplyParts:
    """The visible new text, the quoted history and the signature of one message."""

    new_text: str
    quoted: str
    signature: str
    used_fallback: bool = False  # new_text came from the safety net: worth a look by staff


@dataclass(frozen=True)
class _Cut:
    start: int  # first line of the quoted original
    length: int  # lines that make up the boundary itself (header block, separator...)
    forward: bool = False


def extract_reply(text: str, html: str | None = None) -> ReplyParts:
    """New text, quotes and signature; all-quoted input gives an empty ``new_text``."""
    if html:
        parts = _from_html(html)
        if parts is not None:
            return parts
        if not text.strip():
            text = html_to_text(html)
    return extract_from_text(text)


def _from_html(html: str) -> ReplyParts | None:
    before, after, found = html_to_text_split(html, qp.is_html_quote_start)
    if not found:
        return None
    parts = extract_from_text(before)
    if not parts.new_text or parts.used_fallback:
        return None  # a marker at the very top: let the plain-text scan decide
    quoted = "\n\n".join(p for p in (parts.quoted, after) if p)
    return ReplyParts(parts.new_text, quoted, parts.signature)


def extract_from_text(text: str, _depth: int = 0) -> ReplyParts:
    """The plain-text scanner; see the module docstring."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    quote = [_is_quote(line) for line in lines]
    header = [False] * len(lines)
    cut = _scan(lines, quote, header, [_field_kind(line) for line in lines])
    end = cut.start if cut else len(lines)
    new_lines, signature_lines = _new_and_signature(lines[:end], quote, header)
    quoted = [line for i, line in enumerate(lines[:end]) if quote[i] or header[i]]
    if cut and cut.forward:  # keep a forwarded message as content
        new_lines += [""] + lines[cut.start :]
    elif cut:
        quoted += lines[cut.start :]
    parts = ReplyParts(_join(new_lines), _join(quoted), _join(signature_lines))
    if parts.new_text or _depth >= _MAX_FALLBACK_DEPTH:
        return parts
    return _safety_net(parts, lines, cut, _depth)


def _safety_net(parts: ReplyParts, lines: list[str], cut: _Cut | None, depth: int) -> ReplyParts:
    """Never lose text the customer wrote just because it sits below a header."""
    if cut is not None:
        rest = extract_from_text("\n".join(lines[cut.start + cut.length :]), depth + 1)
        if rest.new_text:
            quoted = _join(lines[: cut.start + cut.length] + [rest.quoted])
            return ReplyParts(rest.new_text, quoted, rest.signature, used_fallback=True)
    if parts.signature:
        return ReplyParts(parts.signature, parts.quoted, "", used_fallback=True)
    return parts


def _scan(
    lines: list[str], quote: list[bool], header: list[bool], fields: list[str | None]
) -> _Cut | None:
    """Mark soft reply headers in ``header`` and return where the quoted original starts."""
    soft_seen = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if "##-" in line and qp.REPLY_MARKER.search(line):
            return _Cut(i, 1)
        if quote[i] or not line.strip() or len(line) > _MAX_PATTERN_LINE:
            i += 1
            continue
        if qp.FORWARD.match(line):
            return _Cut(i, 1, forward=True)
        if qp.SEPARATOR.match(line):
            return _Cut(i, 1)
        block = _header_block_length(lines, fields, i) if fields[i] else 0
        if block:
            return _Cut(i, block)
        found = _reply_header(lines, quote, i)
        if found is not None:
            end, quote_follows = found
            top_posted = not soft_seen and _top_posted(lines, quote, i, end)
            if not quote_follows or top_posted:
                return _Cut(i, end - i + 1)
            header[i : end + 1] = [True] * (end - i + 1)
            soft_seen = True
            i = end + 1
            continue
        i += 1
    return None


def _reply_header(lines: list[str], quote: list[bool], start: int) -> tuple[int, bool] | None:
    """(last line, followed by quotes) of a 1-3 line attribution starting at ``start``."""
    first = lines[start]
    if "@" not in first and not any(map(str.isdigit, first)):
        return None  # every attribution starts with a date or an address
    for end in range(start, min(start + 3, len(lines))):
        if end > start and lines[end].strip() == ">:" and "<" in lines[end - 1]:
            quote[end] = False  # Gmail wrapped "Name <address" + ">:" onto the next line
        if quote[end] or not lines[end].strip() or len(lines[end]) > _MAX_PATTERN_LINE:
            return None
        follows = _quote_follows(lines, quote, end + 1)
        if _is_attribution(lines, start, end, follows):
            # "Hi,\nOn ... wrote:": the header is the later line alone, not the greeting.
            if any(_is_known_header(lines, k, end) for k in range(start + 1, end + 1)):
                return None
            return end, follows
    return None


def _is_attribution(lines: list[str], start: int, end: int, follows: bool) -> bool:
    if _is_known_header(lines, start, end):
        return True
    first = lines[start]
    if not (any(map(str.isdigit, first)) or "@" in first):
        return False
    joined = " ".join(line.strip() for line in lines[start : end + 1])
    if len(joined) > _MAX_HEADER_CHARS or not joined.endswith(":"):
        return False
    # Any language: a line ending in ":" that names a sender's address *and* a date or time
    # ("W dniu 2017-01-09 11:59 użytkownik X <x@y> napisał:", "30.09.2017, 18.30, X <x@y>:"),
    # whether or not the original below it is ">"-quoted.
    if qp.ADDRESS.search(joined) and qp.DATE_OR_TIME.search(joined):
        return True
    # A dated or addressed line ending in ":" right above quoted lines.
    return follows and bool(qp.ATTRIBUTION_HINT.search(joined))


def _is_known_header(lines: list[str], start: int, end: int) -> bool:
    """A known "On <date> ... wrote:" line in any of our languages; it starts with a date."""
    if not any(map(str.isdigit, lines[start])):
        return False
    joined = " ".join(line.strip() for line in lines[start : end + 1]).strip("-_=*~ ")
    return len(joined) <= _MAX_HEADER_CHARS and qp.REPLY_HEADER.match(joined) is not None


def _quote_follows(lines: list[str], quote: list[bool], index: int) -> bool:
    for i in range(index, min(index + 6, len(lines))):
        if quote[i]:
            return True
        if lines[i].strip():
            return False
    return False


def _top_posted(lines: list[str], quote: list[bool], start: int, end: int) -> bool:
    """Real text above the first attribution and none between later quotes: a top post."""
    above = [line.strip() for line in lines[:start] if line.strip()]
    if len(above) < 2 and sum(map(len, above)) < 25:
        return False  # "Hi," above an inline reply
    return not _interleaved(lines, quote, end + 1)


def _interleaved(lines: list[str], quote: list[bool], index: int) -> bool:
    """Real unquoted text between two quoted blocks after ``index``: an inline reply."""
    seen_quote = text_after_quote = False
    for i in range(index, len(lines)):
        if quote[i]:
            if text_after_quote:
                return True
            seen_quote = True
        elif seen_quote and _is_sentence_like(lines[i]):
            text_after_quote = True
    return False


def _is_sentence_like(line: str) -> bool:
    """Not a scrap of a wrapped quote ("y", "om>", "rote:") but something a person wrote."""
    text = line.strip()
    return len(text) >= 12 or len(text.split()) >= 3


def _field_kind(line: str) -> str | None:
    """ "from", "date", "to", "subject" or "cc" for a header-like line ("Van: ..."), else None."""
    if ":" not in line[:60] or len(line) > _MAX_PATTERN_LINE:
        return None
    match = qp.HEADER_FIELD.match(line)
    return qp.FIELD_KIND[match.group(1).lower()] if match else None


def _header_block_length(lines: list[str], fields: list[str | None], start: int) -> int:
    """Lines in an Outlook-style "From:/Sent:/To:/Subject:" block starting here, or 0."""
    kinds: set[str] = set()
    loose = 0
    end = start
    for i in range(start, min(start + 12, len(lines))):
        line = lines[i]
        if not line.strip() or len(line) > _MAX_PATTERN_LINE:
            break
        kind = fields[i]
        if kind:
            kinds.add(kind)
            loose, end = 0, i
        elif i == start or loose >= 2:
            break
        else:
            loose += 1  # a value wrapped onto the next line
    has_from = "from" in kinds
    if (has_from and kinds & {"date", "subject"}) or len(kinds) >= 3:
        return end - start + 1
    return 0


def _new_and_signature(
    lines: list[str], quote: list[bool], header: list[bool]
) -> tuple[list[str], list[str]]:
    """Unquoted segments with their signatures taken off, in order."""
    new_lines: list[str] = []
    signature: list[str] = []
    segment: list[str] = []

    def flush() -> None:
        trimmed = _trim(segment)
        sig = signature_start(trimmed) if trimmed else None
        body = _trim(trimmed if sig is None else trimmed[:sig])
        if sig is not None:
            signature.extend(trimmed[sig:])
        if body:
            new_lines.extend(([""] if new_lines else []) + body)
        segment.clear()

    for i, line in enumerate(lines):
        if quote[i] or header[i]:
            flush()
        else:
            segment.append(line)
    flush()
    return new_lines, signature


def _trim(lines: list[str]) -> list[str]:
    """Drop blank and separator-only lines ("-----", "____") around a segment."""
    start, end = 0, len(lines)
    # Leading "____" and "--" stay: they open a signature (a mailing-list footer).
    while start < end and _is_loose_separator(lines[start]):
        start += 1
    while end > start and qp.SEPARATOR_ONLY.match(lines[end - 1]):
        end -= 1
    return lines[start:end]


def _is_loose_separator(line: str) -> bool:
    text = line.strip()
    opens_signature = text == "--" or text.startswith("__")
    return bool(qp.SEPARATOR_ONLY.match(line)) and not opens_signature


def _is_quote(line: str) -> bool:
    return line.lstrip(" ").startswith(">")


def _join(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")
