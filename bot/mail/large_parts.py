"""Clip oversized base64 runs before parsing: the stdlib parser needs ~8x a part's size in memory.

Only the prefix we keep as attachment data goes to the parser; the decoded size of the whole
part is remembered under the last base64 characters kept, so the attachment still reports it.
The caller stores the untouched raw bytes, so nothing is lost.
"""

from __future__ import annotations

import re

# Possessive: a greedy group would keep a backtracking entry per line (~200 bytes each).
_BASE64_RUN = re.compile(rb"(?m)(?:^[A-Za-z0-9+/=]{16,998}\r?\n)++")
_KEY_CHARS = 64


def clip_base64_runs(raw: bytes, limit: int) -> tuple[bytes, dict[str, int]]:
    """``raw`` with every base64 run longer than ``limit`` decoded bytes cut to that limit."""
    keep_chars = (limit // 3 + 1) * 4
    if len(raw) <= keep_chars:
        return raw, {}
    view = memoryview(raw)
    pieces: list[memoryview] = []
    sizes: dict[str, int] = {}
    last = 0
    for match in _BASE64_RUN.finditer(raw):
        start, end = match.span()
        newlines = raw.count(b"\n", start, end) + raw.count(b"\r", start, end)
        encoded = end - start - newlines
        if encoded <= keep_chars + 4096:
            continue
        cut = _cut_after(raw, start, keep_chars)
        kept_tail = re.sub(rb"\s", b"", bytes(view[max(start, cut - 2 * _KEY_CHARS) : cut]))
        padding = raw[max(start, end - 4) : end].count(b"=")
        sizes[kept_tail[-_KEY_CHARS:].decode("ascii")] = encoded * 3 // 4 - padding
        pieces += [view[last:cut]]
        last = end
    if not sizes:
        return raw, {}
    pieces.append(view[last:])
    return b"".join(pieces), sizes


def clipped_size(payload: str, sizes: dict[str, int]) -> int | None:
    """The full decoded size of a part whose base64 was clipped, else None."""
    if not sizes:
        return None
    tail = re.sub(r"\s", "", payload[-4 * _KEY_CHARS :])
    return sizes.get(tail[-_KEY_CHARS:])


def _cut_after(raw: bytes, start: int, keep_chars: int) -> int:
    """The line end after which at least ``keep_chars`` base64 characters lie."""
    first_end = raw.index(b"\n", start) + 1
    line_chars = len(raw[start:first_end].rstrip())
    line_bytes = first_end - start
    lines = -(-keep_chars // max(line_chars, 1))  # lines of uniform length hold the prefix
    return min(start + lines * line_bytes, len(raw))
