"""Find plugin, theme and must-use-plugin paths (and WordPress core paths) in error text.

Input is the error text after ``normalise_error_text``: escapes undone and backslashes turned
into slashes, character for character, so that offsets still point into the original message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.knowledge.third_party import normalise_slug

ComponentKind = Literal["plugin", "theme", "mu-plugin"]

_ESCAPED_BREAK = re.compile(r"\\n(?=#\d|Stack trace|\s*thrown|\[\d|PHP |\{main\}|\s{2})")
_QUOTE_MARK = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)
_SEGMENT = r"[^/\s'\"()<>?:*|,;\[\]`]{1,200}"
_COMPONENT_PATH = re.compile(
    r"(?<![\w.-])(?:[\w-]{0,40}content|app)/(mu-plugins|plugins|themes)/"
    rf"({_SEGMENT})((?:/{_SEGMENT}){{0,40}})"
    r"(?:\?(?:ver|v)=([\w.-]{1,40}))?"
    r"(?::(\d{1,7})|\((\d{1,7})\)| on line (\d{1,7}))?"
)
_CORE_PATH = re.compile(r"(?<![\w.-])wp-(?:includes|admin)/|/wp-(?:settings|blog-header|load)\.php")
_LIBRARY = re.compile(r"/vendor[\w-]{0,20}/([\w.-]{1,80})/([\w.-]{1,80})/")
_FOLDER_VERSION = re.compile(r"v?\d+(?:\.\d+)+[\w.-]*", re.I)
_KINDS: dict[str, ComponentKind] = {
    "plugins": "plugin",
    "themes": "theme",
    "mu-plugins": "mu-plugin",
}


def normalise_error_text(text: str) -> str:
    """Undo log escaping (``\\n#0``, ``\\/``) and e-mail/forum quote marks; keep backslashes."""
    text = _ESCAPED_BREAK.sub("\n", text).replace("\\/", "/").replace("\\\\", "\\")
    return _QUOTE_MARK.sub("", text)


@dataclass(frozen=True)
class PathHit:
    """One mention of a component folder; `file` is relative to the folder."""

    kind: ComponentKind
    folder: str
    slug: str
    file: str
    line: int | None
    version: str | None
    library: str | None
    start: int

    @property
    def key(self) -> tuple[ComponentKind, str]:
        return (self.kind, self.folder.casefold())


def component_paths(text: str) -> list[PathHit]:
    """Every plugin/theme/mu-plugin path in `text` (Windows backslashes tolerated), in order."""
    hits = []
    for match in _COMPONENT_PATH.finditer(text.replace("\\", "/")):
        where, folder, file, query_version = match.group(1, 2, 3, 4)
        line = next((int(g) for g in match.group(5, 6, 7) if g), None)
        library = _LIBRARY.search(file + "/")
        hits.append(
            PathHit(
                kind=_KINDS[where],
                folder=folder,
                slug=normalise_slug(folder),
                file=file.lstrip("/"),
                line=line,
                version=query_version or _version_in_folder(folder),
                library=f"{library.group(1)}/{library.group(2)}" if library else None,
                start=match.start(),
            )
        )
    return hits


def has_core_path(text: str) -> bool:
    return bool(_CORE_PATH.search(text.replace("\\", "/")))


def _version_in_folder(folder: str) -> str | None:
    """``plausible-analytics-2.0.5B1`` → ``2.0.5B1`` (a zip unpacked with its version)."""
    slug = normalise_slug(folder)
    rest = folder[len(slug) :].lstrip("-_")
    match = _FOLDER_VERSION.match(rest) if folder.casefold().startswith(slug) else None
    return match.group().lstrip("vV") if match else None
