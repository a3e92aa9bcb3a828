"""Quote the changelog between the customer's version and the latest; matching fixes first."""

from __future__ import annotations

from bot.core.dialogue.markup import markdown_escape
from bot.core.dialogue.replies import Replies
from bot.core.knowledge.models import ChangelogEntry, Product
from bot.core.knowledge.versions import compare_versions
from bot.core.retrieval.terms import concept_terms

MAX_ITEMS = 8


def entries_between(product: Product, version: str) -> list[ChangelogEntry]:
    """Changelog entries newer than ``version`` up to the latest, newest first."""
    latest = product.latest_version
    newer = [
        entry
        for entry in product.changelog
        if compare_versions(entry.version, version) > 0
        and (latest is None or compare_versions(entry.version, latest) <= 0)
    ]
    return sorted(newer, key=_sort_key, reverse=True)


def _sort_key(entry: ChangelogEntry) -> tuple[str, ...]:
    return tuple(part.zfill(6) for part in entry.version.split("."))


def relevant_items(entries: list[ChangelogEntry], complaint: str) -> list[tuple[str, str]]:
    """(version, item) pairs whose words overlap the complaint's, best overlap first."""
    wanted = concept_terms(complaint)
    if not wanted:
        return []
    scored: list[tuple[int, str, str]] = []
    for entry in entries:
        for item in entry.items:
            overlap = len(wanted & concept_terms(item))
            if overlap >= 2 or (overlap == 1 and len(wanted) <= 2):
                scored.append((overlap, entry.version, item))
    scored.sort(key=lambda row: -row[0])
    return [(version, item) for _, version, item in scored[:3]]


def matching_fixes(product: Product, version: str, complaint: str) -> list[tuple[str, str]]:
    """Changelog items after ``version`` that match what the customer describes."""
    return relevant_items(entries_between(product, version), complaint)


def changes_since(product: Product, version: str, complaint: str, replies: Replies) -> str:
    """Markdown: the matching fixes (if any), then the versions in between."""
    entries = entries_between(product, version)
    if not entries:
        return ""
    parts: list[str] = []
    likely = relevant_items(entries, complaint)
    if likely:
        fixes = "\n".join(f"- **{v}**: {markdown_escape(item)}" for v, item in likely)
        parts.append(f"{replies.likely_fix()}\n\n{fixes}")
    items = [(entry.version, item) for entry in entries for item in entry.items][:MAX_ITEMS]
    listed = "\n".join(f"- **{v}**: {markdown_escape(item)}" for v, item in items)
    parts.append(f"{replies.changelog_heading(len(entries))}\n\n{listed}")
    return "\n\n".join(parts)
