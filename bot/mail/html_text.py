"""HTML to readable plain text with the standard library parser: safe on hostile input."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

MAX_HTML_CHARS = 2_000_000

SplitRule = Callable[[str, dict[str, str]], bool]

_SKIP = set("script style title template noscript svg object xml iframe".split())
_LINE_BLOCKS = set(
    "address article aside center dd div dl dt fieldset figure footer form header main nav p"
    " section tr caption tbody thead tfoot summary details".split()
)
_PARAGRAPH_BLOCKS = set("h1 h2 h3 h4 h5 h6 table pre ul ol".split())
_SPACE = re.compile(r"\s+")
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(html: str) -> str:
    """Readable text: blocks on their own lines, bullets for lists, URLs kept after links."""
    return html_to_text_split(html, None)[0]


def html_to_text_split(html: str, split_at: SplitRule | None) -> tuple[str, str, bool]:
    """Text before and after the first element ``split_at`` accepts, and whether one did."""
    builder = _TextBuilder(split_at)
    try:
        builder.feed(html[:MAX_HTML_CHARS])
        builder.close()
    except Exception:  # html.parser is lenient; this only guards against the unforeseen
        pass
    return builder.render()


class _TextBuilder(HTMLParser):
    def __init__(self, split_at: SplitRule | None) -> None:
        super().__init__(convert_charrefs=True)
        self._split_at = split_at
        self._split_index: int | None = None
        self._lines: list[str] = []
        self._line: list[str] = []
        self._depth = 0  # blockquote nesting, rendered as "> "
        self._skip = 0
        self._pre = 0
        self._lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self._links: list[tuple[str, int]] = []  # (href, text length when the link opened)
        self._nbsp_only = False  # Outlook writes <p>&nbsp;</p> for an empty line
        self._marker = ""  # list bullet of the current line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        if self._split_at and self._split_index is None:
            if self._split_at(tag, {k.lower(): (v or "") for k, v in attrs}):
                self._break()
                self._split_index = len(self._lines)
        self._open(tag, dict(attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img", "wbr"):
            self.handle_endtag(tag)

    def _open(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "br":
            self._newline()
        elif tag == "hr":
            self._break()
            self._lines.append(self._prefix() + "---")
        elif tag == "blockquote":
            self._break()
            self._depth += 1
        elif tag in ("ul", "ol"):
            self._break() if self._lists else self._paragraph()
            self._lists.append([tag == "ol", 0])
        elif tag == "li":
            self._list_item()
        elif tag == "pre":
            self._paragraph()
            self._pre += 1
        elif tag in _PARAGRAPH_BLOCKS:
            self._paragraph()
        elif tag in _LINE_BLOCKS:
            self._break()
        elif tag in ("td", "th") and self._line:
            self._line.append(" ")
        elif tag == "a":
            self._links.append((attrs.get("href") or "", self._text_length()))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "blockquote":
            self._break()
            self._depth = max(0, self._depth - 1)
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._break() if self._lists else self._paragraph()
        elif tag == "pre":
            self._paragraph()
            self._pre = max(0, self._pre - 1)
        elif tag in _PARAGRAPH_BLOCKS:
            self._paragraph()
        elif tag in _LINE_BLOCKS or tag == "li":
            self._break()
        elif tag == "a" and self._links:
            self._close_link(*self._links.pop())

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre:
            lines = data.replace("\r\n", "\n").split("\n")
            for i, line in enumerate(lines):
                if i:
                    self._newline()
                self._line.append(line.replace("\xa0", " "))
            return
        if data.strip(" \t\r\n") == "\xa0" and not "".join(self._line).strip():
            self._nbsp_only = True
        text = _SPACE.sub(" ", data)
        if text.strip() or (self._line and text):
            self._line.append(text)

    def _close_link(self, href: str, start: int) -> None:
        if not href.lower().startswith(("http://", "https://")):
            return
        label = "".join(self._line)[start:].strip() if start <= self._text_length() else ""
        bare = href.split("://", 1)[1].rstrip("/")
        if label and href not in label and bare not in label:
            self._line.append(f" ({href})")

    def _list_item(self) -> None:
        self._break()
        if not self._lists:
            self._marker = "- "
            return
        current = self._lists[-1]
        current[1] += 1
        indent = "  " * (len(self._lists) - 1)
        self._marker = indent + (f"{current[1]}. " if current[0] else "- ")

    def _text_length(self) -> int:
        return sum(len(piece) for piece in self._line)

    def _prefix(self) -> str:
        return "> " * self._depth

    def _newline(self) -> None:
        content = "".join(self._line)
        if not self._pre:
            content = content.strip(" ")
        self._lines.append((self._prefix() + self._marker + content).rstrip())
        self._line = []
        self._marker = ""

    def _break(self) -> None:
        if "".join(self._line).strip():
            self._newline()
        else:
            if self._nbsp_only and self._lines and self._lines[-1].strip(">").strip():
                self._lines.append(self._prefix().rstrip())
            self._line = []
            self._marker = ""
        self._nbsp_only = False

    def _paragraph(self) -> None:
        self._break()
        if self._lines and self._lines[-1].strip(">").strip():
            self._lines.append(self._prefix().rstrip())

    def render(self) -> tuple[str, str, bool]:
        self._break()
        cut = self._split_index
        before = self._lines if cut is None else self._lines[:cut]
        after = [] if cut is None else self._lines[cut:]
        return _tidy(before), _tidy(after), cut is not None


def _tidy(lines: list[str]) -> str:
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
