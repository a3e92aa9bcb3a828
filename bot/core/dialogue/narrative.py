"""The customer's own words around a pasted Site Health report.

A report is full of words that mean something elsewhere ("custom-header", "Facebook for
WooCommerce", "php_version: 8.2"). Intents, versions and FAQ search read only the narrative;
the report itself is parsed separately and fills the slots.
"""

from __future__ import annotations

import re

from bot.core.knowledge.site_health_lines import is_fence, parse_component_line, section_header

# ``site_language: nl_NL``, ``wordpress_size: 70,20 MB``, ``WP_DEBUG: false``: a report field.
_FIELD = re.compile(r"^[A-Za-z0-9_ .()-]{1,60}:")
_KEY_STYLE = re.compile(r"^[a-z0-9_.-]+$|^[A-Z0-9_]+$")
_WRAPPER = re.compile(r"^</?(details|summary|pre|code)[^>]*>$", re.I)


def _is_report_line(line: str, inside: bool) -> bool:
    stripped = line.strip().strip("`").strip()
    if not stripped or is_fence(stripped) or _WRAPPER.match(stripped):
        return True
    if section_header(stripped) is not None or parse_component_line(stripped) is not None:
        return True
    if stripped.startswith("\t") or line.startswith("\t"):
        return inside
    key, sep, _ = stripped.partition(":")
    return bool(sep) and bool(_FIELD.match(stripped)) and bool(_KEY_STYLE.match(key.strip()))


def narrative(text: str) -> str:
    """The lines of ``text`` that are not part of a pasted Site Health report."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        if _is_report_line(line, inside):
            inside = True
            continue
        inside = False
        kept.append(line)
    return "\n".join(kept).strip()
