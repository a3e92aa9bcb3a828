"""Protocols the engine depends on; adapters and the retrieval module implement them."""

from __future__ import annotations

from typing import Protocol


class Translator(Protocol):
    """A gettext catalog for one language."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
