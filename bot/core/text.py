"""Text folding shared by retrieval, slot filling and recognisers: one definition of 'same word'."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SPACE = re.compile(r"\s+")
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def strip_control(text: str) -> str:
    """Drop C0 control characters (NUL, BEL, ...) but keep tabs and newlines."""
    return text.translate(_CONTROL)


def fold(text: str) -> str:
    """Lower-case, accents removed (é → e, ë → e), whitespace collapsed."""
    folded = text.casefold()
    if not folded.isascii():  # ASCII has no marks to remove: skip the per-character pass
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", strip_control(folded)).strip()


def words(text: str) -> list[str]:
    """Folded word tokens; apostrophes inside words are kept (``don't``, ``zo'n``)."""
    return [w.replace("’", "'") for w in _WORD.findall(fold(text))]
