"""A terminal-sized summary of a `KnowledgeBase`, for ``supportbot kb check``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.core.knowledge.models import KnowledgeBase, Problem

_MISSING = "-"
_GENERAL = "(general)"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Left-aligned columns; the last column is not padded, so long names never wrap the rest."""
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    lines = []
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append(indent + "  ".join([*cells, row[-1]]).rstrip())
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _policy_lines(kb: KnowledgeBase) -> list[str]:
    policy = kb.policy
    languages = ", ".join(policy.languages)
    return [
        f"Policy: {policy.company}; languages {languages} (default {policy.default_language}); "
        f"helpdesk {policy.helpdesk_email}; reply target {policy.response_hours} h",
    ]


def _product_lines(kb: KnowledgeBase) -> list[str]:
    if not kb.products:
        return ["Products: none"]
    faq_counts = Counter(entry.product for entry in kb.faq if entry.product)
    rows = [
        [
            product.slug,
            product.latest_version or _MISSING,
            product.requires_wp or _MISSING,
            product.requires_php or _MISSING,
            product.tested_up_to or _MISSING,
            str(faq_counts[product.slug]),
            product.name + (" (example)" if product.example else ""),
        ]
        for product in sorted(kb.products.values(), key=lambda product: product.slug)
    ]
    header = ["SLUG", "LATEST", "REQUIRES WP", "REQUIRES PHP", "TESTED UP TO", "FAQ", "NAME"]
    return [f"Products ({len(kb.products)})", *_table(header, rows)]


def _faq_lines(kb: KnowledgeBase) -> list[str]:
    languages = list(kb.policy.languages)
    languages += sorted({entry.language for entry in kb.faq} - set(languages))
    counts = Counter((entry.product or _GENERAL, entry.language) for entry in kb.faq)
    per_language = Counter(entry.language for entry in kb.faq)
    groups = [_GENERAL, *sorted({entry.product for entry in kb.faq if entry.product})]
    rows = [[group, *(str(counts[(group, lang)]) for lang in languages)] for group in groups]
    rows.append(["total", *(str(per_language[lang]) for lang in languages)])
    header = ["PRODUCT", *(lang.upper() for lang in languages)]
    # The table's last column is unpadded; add an empty one so every language column lines up.
    return [
        f"FAQ entries ({len(kb.faq)})",
        *_table([*header, ""], [[*row, ""] for row in rows]),
    ]


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    errors = sum(1 for problem in problems if problem.severity == "error")
    warnings = len(problems) - errors
    if not problems:
        return ["Problems: none"]
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p.path, p.line or 0))
    summary = f"Problems: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    return [summary, *(f"  {problem}" for problem in ordered)]


def summarize(kb: KnowledgeBase) -> str:
    """Policy, products (latest version, requirements), FAQ counts, then problems (file:line)."""
    third_party = f"Third-party plugins and themes recognised: {len(kb.third_party)}"
    sections = [
        _policy_lines(kb),
        _product_lines(kb),
        _faq_lines(kb),
        [third_party],
        _problem_lines(kb.problems),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
