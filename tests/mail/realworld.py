"""The real-world mail in ``shared/realworld/email`` and what its SOURCES.md says about each file.

SOURCES.md is read, not copied: one table per source folder, with a "Reply?" column (REPLY,
NO-REPLY, BODY) and, for reply bodies, the visible text the source project's tests expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared_data import SHARED_DIR

EMAIL_DIR = SHARED_DIR / "realworld" / "email"


def require_email_dir() -> Path:
    """The fixture folder, or a skip when the shared data is not on this machine."""
    if not EMAIL_DIR.is_dir():
        pytest.skip(f"shared real-world mail not found at {EMAIL_DIR}")
    return EMAIL_DIR


@dataclass(frozen=True)
class SourceRow:
    """One table row of SOURCES.md."""

    path: str  # relative to the email folder, e.g. "talon/standard_replies/gmail.eml"
    kind: str
    verdict: str  # REPLY, NO-REPLY, BODY or "" (expected-output files)
    visible: str  # the "Visible new text" column, "" when the table has none

    def __str__(self) -> str:
        return self.path


_FOLDER_HEADING = re.compile(r"^## (\S+)/")
_VERDICT = re.compile(r"\b(NO-REPLY|REPLY|BODY)\b")


def load_sources() -> list[SourceRow]:
    """Every file row of SOURCES.md; empty when the shared data is absent."""
    sources = EMAIL_DIR / "SOURCES.md"
    if not sources.is_file():
        return []
    rows: list[SourceRow] = []
    folder = None
    for line in sources.read_text(encoding="utf-8").splitlines():
        heading = _FOLDER_HEADING.match(line)
        if heading:
            folder = heading.group(1)
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if folder is None or len(cells) < 3 or cells[0] in ("File", "") or set(cells[0]) <= {"-"}:
            continue
        verdict = _VERDICT.search(cells[2])
        rows.append(
            SourceRow(
                path=f"{folder}/{cells[0]}",
                kind=cells[1],
                verdict=verdict.group(1) if verdict else "",
                visible=cells[3] if len(cells) > 3 else "",
            )
        )
    return rows


def data_files() -> list[Path]:
    """Every fixture file in the folder (SOURCES.md itself excluded)."""
    if not EMAIL_DIR.is_dir():
        return []
    return sorted(p for p in EMAIL_DIR.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def is_raw_message(path: Path) -> bool:
    """Whole RFC 5322 messages, as opposed to bare bodies (.txt/.html) and expected outputs."""
    return path.suffix not in (".txt", ".html") and not path.name.endswith("_reply_text")
