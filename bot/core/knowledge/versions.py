"""Version strings compared the way WordPress does (PHP's version_compare), not PEP 440.

WordPress versions such as ``6.4``, ``3.5.1.27`` or ``2.0.5B1`` are not all PEP 440, so we
mirror PHP: canonicalise (``-``, ``_``, ``+`` become ``.``; a dot between digits and letters),
then compare part by part, with special words ordered dev < alpha < beta < RC < # < pl.
"""

from __future__ import annotations

import re

_SPECIAL_ORDER = {
    "dev": 0,
    "alpha": 1,
    "a": 1,
    "beta": 2,
    "b": 2,
    "rc": 3,
    "c": 3,
    "#": 4,
    "pl": 5,
    "p": 5,
}
_VERSION_IN_TEXT = re.compile(
    r"(?<![\w.])v?(\d+(?:\.\d+){0,3}(?:[-.]?(?:alpha|beta|rc|dev|pl|[ab])\d*)?)(?![\w.])", re.I
)


def canonical_parts(version: str) -> list[str]:
    text = version.strip().lower().lstrip("v")
    text = re.sub(r"[-_+]", ".", text)
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", ".", text)
    return [part for part in text.split(".") if part]


def _part_rank(part: str) -> tuple[int, int]:
    """Numbers sort above every special word except 'pl'/'p', as in PHP."""
    if part.isdigit():
        return (4, int(part))
    return (_SPECIAL_ORDER.get(part, -1), 0)


def compare_versions(left: str, right: str) -> int:
    """-1, 0 or 1, like PHP ``version_compare($left, $right)``."""
    a, b = canonical_parts(left), canonical_parts(right)
    for index in range(max(len(a), len(b))):
        if index >= len(a):
            return -1 if b[index].isdigit() or _part_rank(b[index])[0] >= 4 else 1
        if index >= len(b):
            return 1 if a[index].isdigit() or _part_rank(a[index])[0] >= 4 else -1
        ra, rb = _part_rank(a[index]), _part_rank(b[index])
        if ra != rb:
            return -1 if ra < rb else 1
    return 0


def _without_trailing_zeros(version: str) -> str:
    parts = canonical_parts(version)
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def is_older(version: str, than: str) -> bool:
    """Policy comparisons: a customer's ``3.4`` is the same release as ``3.4.0``."""
    return compare_versions(_without_trailing_zeros(version), _without_trailing_zeros(than)) < 0


def looks_like_version(text: str) -> bool:
    return bool(_VERSION_IN_TEXT.fullmatch(text.strip()))
