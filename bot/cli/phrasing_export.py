"""`kb export-phrasings`: taught phrasings written into their entries' FAQ files, checked by
loading the knowledge base again; on any surprise every file is put back as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.learning.phrasing_files import PhrasingFileError, with_alternatives


@dataclass
class ExportReport:
    files: int = 0
    phrasings: int = 0
    skipped: list[str] = field(default_factory=list)
    failed: str = ""


def export(
    root: Path, kb: KnowledgeBase, learned: Mapping[tuple[str, str], Sequence[str]]
) -> ExportReport:
    report = ExportReport()
    written: dict[Path, str] = {}  # path -> its text before
    wanted: dict[tuple[str, str], tuple[str, ...]] = {}
    for (language, entry_id), texts in sorted(learned.items()):
        entry = kb.faq_entry(language, entry_id)
        if entry is None:
            report.skipped.append(f"{language}/{entry_id}: no such entry in {root}")
            continue
        known = {p.casefold() for p in entry.phrasings}
        new = [t for t in dict.fromkeys(texts) if t.casefold() not in known]
        if not new:
            continue
        path = root / entry.source
        if not entry.source.startswith("faq/") or not path.is_file():
            report.skipped.append(f"{entry.ref}: it comes from {entry.source}, not an FAQ file")
            continue
        before = path.read_text(encoding="utf-8")
        try:
            after = with_alternatives(before, new)
        except PhrasingFileError as exc:
            report.skipped.append(f"{entry.ref}: {entry.source}: {exc}")
            continue
        written[path] = before
        path.write_text(after, encoding="utf-8")
        wanted[entry.key] = (*entry.alternatives, *new)
        report.phrasings += len(new)
    report.files = len(written)
    report.failed = _check(root, kb, wanted)
    if report.failed:
        for path, text in written.items():
            path.write_text(text, encoding="utf-8")
        report.files = report.phrasings = 0
    return report


def _check(root: Path, kb: KnowledgeBase, wanted: Mapping[tuple[str, str], tuple[str, ...]]) -> str:
    """ "" when the files now read back as intended, with no new problem; else what is wrong."""
    if not wanted:
        return ""
    again = load_knowledge(root)
    new_problems = set(map(str, again.problems)) - set(map(str, kb.problems))
    if new_problems:
        return "writing would cause: " + "; ".join(sorted(new_problems))
    for (language, entry_id), alternatives in wanted.items():
        entry = again.faq_entry(language, entry_id)
        if entry is None or entry.alternatives != alternatives:
            return f"{language}/{entry_id} did not read back as written"
    return ""
