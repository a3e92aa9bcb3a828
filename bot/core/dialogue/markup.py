"""Markdown to sanitised HTML for bot messages; customer text never reaches it unescaped."""

from __future__ import annotations

import functools
import html
import re
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
}
_local = threading.local()  # Markdown instances keep state between calls: one per thread
_LINK = re.compile(r"(?<![(<\"'])\bhttps?://[^\s<>()]+[^\s<>().,;:!?'\"]")
# Rendered texts kept: FAQ answers and bot sentences repeat, and Markdown with the sanitiser
# costs about a millisecond a reply. Bounded (least recently used go first).
RENDERED_KEPT = 1024


@functools.lru_cache(maxsize=RENDERED_KEPT)
def render(text: str) -> str:
    """Markdown (FAQ answers, bot sentences) to HTML safe to insert into the widget.

    A pure function of ``text``, so its result is kept: the same text renders once."""
    converter: markdown.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["sane_lists"])
    converter.reset()
    autolinked = _LINK.sub(lambda m: f"<{m.group(0)}>", text)
    produced = converter.convert(autolinked)
    return nh3.clean(
        produced,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def escape(text: str) -> str:
    """Customer-supplied text quoted inside a bot sentence is escaped first."""
    return html.escape(text, quote=False)


def markdown_escape(text: str) -> str:
    """Neutralise Markdown syntax in a value inserted into a Markdown template."""
    return re.sub(r"([\\`*_{}\[\]()#+!<>|])", r"\\\1", text)
