"""Every text in ``../shared/realworld`` a customer could send, read in place (never copied).

- ``faq-bench``: the VIRA queries and FAQ questions (all splits) and the StackFAQ rephrasings,
  questions and answers;
- ``wp/readmes``: every non-empty line of each real readme.txt;
- ``wp/errors`` and ``wp/site-health``: each PHP trace and Site Health paste, whole;
- ``email``: each message's whole body and the new text the email channel gives the engine
  (subject first, quotes and signature removed), as ``EmailChannel`` computes them.

Empty when the shared data is absent; callers skip then.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.channels.email.replying import engine_text
from bot.mail.message import parse_message
from bot.mail.quotes import extract_reply
from tests.shared_data import SHARED_DIR

REALWORLD = SHARED_DIR / "realworld"


@dataclass(frozen=True)
class RealText:
    kind: str  # faq-bench, readme, trace, site-health, email
    source: str  # the file, relative to realworld/
    text: str

    def __str__(self) -> str:
        return f"{self.kind} {self.source}: {self.text[:60]!r}"


@cache
def real_texts() -> tuple[RealText, ...]:
    """All of them, each distinct text once, in a stable order."""
    if not REALWORLD.is_dir():
        return ()
    found: dict[str, RealText] = {}
    for text in (*_faq_bench(), *_readme_lines(), *_pastes(), *_email_texts()):
        if text.text.strip():
            found.setdefault(text.text, text)
    return tuple(found.values())


def _relative(path: Path) -> str:
    return str(path.relative_to(REALWORLD))


def _faq_bench() -> Iterator[RealText]:
    for path in sorted((REALWORLD / "faq-bench").glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as rows:
            for row in csv.DictReader(rows):
                for column in ("sentence", "label"):
                    yield RealText("faq-bench", _relative(path), row.get(column) or "")
    for path in sorted((REALWORLD / "faq-bench").glob("*/*.json")):
        root = json.loads(path.read_text(encoding="utf-8"))["root"]["qapair"]
        for pair in root:
            answers = pair.get("answer") or []
            answers = answers if isinstance(answers, list) else [answers]
            for text in (*(pair.get("rephr") or []), pair.get("question"), *answers):
                if isinstance(text, str):
                    yield RealText("faq-bench", _relative(path), text)


def _readme_lines() -> Iterator[RealText]:
    for path in sorted((REALWORLD / "wp" / "readmes").glob("*.txt")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            yield RealText("readme", _relative(path), line)


def _pastes() -> Iterator[RealText]:
    for kind, folder in (("trace", "errors"), ("site-health", "site-health")):
        for path in sorted((REALWORLD / "wp" / folder).glob("*.txt")):
            yield RealText(
                kind, _relative(path), path.read_text(encoding="utf-8", errors="replace")
            )


def _email_texts() -> Iterator[RealText]:
    for path in sorted(p for p in (REALWORLD / "email").rglob("*") if p.is_file()):
        source = _relative(path)
        if path.suffix == ".md":
            continue
        raw = path.read_bytes()
        if path.suffix == ".txt":
            body = raw.decode("utf-8", errors="replace")
            parts = extract_reply(body)
            yield RealText("email", source, body)
            yield RealText("email", source, parts.new_text)
        elif path.suffix == ".html":
            parts = extract_reply("", raw.decode("utf-8", errors="replace"))
            yield RealText("email", source, parts.new_text)
        else:  # a whole message: .eml, .box, or none
            mail = parse_message(raw)
            parts = extract_reply(mail.text, mail.html)
            yield RealText("email", source, mail.text)
            yield RealText("email", source, engine_text(parts.new_text, mail.subject, first=True))


def real_sample(per_kind: int = 3) -> list[RealText]:
    """A few texts of each kind, spread over the corpus (the same ones every run)."""
    sample: list[RealText] = []
    for kind in ("faq-bench", "readme", "trace", "site-health", "email"):
        of_kind = [text for text in real_texts() if text.kind == kind]
        step = max(len(of_kind) // per_kind, 1)
        sample += of_kind[::step][:per_kind]
    return sample
