"""Names as patterns: word tokens, which words are ordinary, and the spellings of one name.

A name is *distinctive* when it cannot be an ordinary phrase (a rare word, a digit-word, a
numbered name); the spotter (``name_spotting``) then matches it without context. Ordinary words
are those of the package's common-words list, plus those a caller names as ordinary where the
text comes from (a knowledge base's own lower-case vocabulary).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple

from bot.core.text import fold

# A word, with inner apostrophes ("don't"); a possessive "'s" is not part of the name
# ("Elementor's editor" names Elementor).
_TOKEN = re.compile(r"[^\W_]+(?:['’](?![sS]\b)[^\W_]+)*")
_MIN_SHORTENED = 3  # words left in a shortened name


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    package = resources.files("bot.core.knowledge")
    text = package.joinpath("data/common_words.txt").read_text("utf-8")
    ordinary, _, places = text.partition("[places]")
    return _word_set(ordinary) | _word_set(places), _word_set(places)


def _word_set(text: str) -> frozenset[str]:
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return frozenset(word for line in lines for word in line.split())


def common_words() -> frozenset[str]:
    """Ordinary English and Dutch words (package data) that never identify a product alone."""
    return _lexicon()[0]


def is_common(word: str) -> bool:
    """In the lexicon, also as a simple plural or inflection ("blocks", "leden", "fixes")."""
    words = common_words()
    plural = word[:-1] if word.endswith("s") else ""
    inflected = word[:-2] if word[-2:] in ("es", "en") else ""
    return any(stem in words for stem in (word, plural, inflected) if stem)


def fold_token(token: str) -> str:
    """One word, folded. Folding may split a letter into several words ("ﷺ") or erase it
    ("ͺ"); a token stays one word, so the pieces are joined."""
    if token.isascii():
        return token.casefold()
    return fold(token).replace("’", "'").replace(" ", "")


class Token(NamedTuple):
    text: str
    folded: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Word tokens with their folded form; a token that folds to nothing is not a word."""
    tokens = (
        Token(m.group(), fold_token(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)
    )
    return [token for token in tokens if token.folded]


def place_names() -> frozenset[str]:
    """Place names of the lexicon ("Sydney"): a name that is one of them needs a cue."""
    return _lexicon()[1]


@dataclass(frozen=True)
class NamePattern:
    """One way of writing one target: `target` is an index chosen by the caller."""

    target: int
    canonical: tuple[str, ...]
    folded: tuple[str, ...]
    via: str
    literal: str | None  # slugs must appear exactly as written (hyphens and all)
    free: bool  # distinctive: matches in any case without context


def is_distinctive(tokens: Sequence[str], ordinary: frozenset[str] = frozenset()) -> bool:
    """True when a name cannot be an ordinary phrase: a rare word, a digit-word, a numbered name.

    `ordinary` adds words that are ordinary where the name is read: a knowledge base's own
    lower-case vocabulary ("cookie", "notice" in a translation plugin's FAQ), so that a
    catalogue name made of them ("Cookie Notice") needs evidence there, as "Members" does."""
    for token in tokens:
        if any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token):
            return True
        if token.isalpha() and len(token) >= 3 and not is_common(token) and token not in ordinary:
            return True
    return len(tokens) > 1 and any(token.isdigit() for token in tokens)


def make_patterns(
    target: int, text: str, via: str, ordinary: frozenset[str] = frozenset()
) -> list[NamePattern]:
    """The patterns for one name, alias or slug (plus its squashed form: "wprocket", and its
    shortened forms: `shortened`)."""
    canonical = tuple(t.text for t in tokenize(text))
    if len("".join(canonical)) < 2:
        return []  # "X" or "-" would match everywhere
    folded = tuple(fold_token(t) for t in canonical)
    literal = text.casefold() if via == "slug" and len(folded) > 1 else None
    free = is_distinctive(folded, ordinary)
    patterns = [NamePattern(target, canonical, folded, via, literal, free)]
    squashed = "".join(folded)
    if len(folded) > 1 and len(squashed) >= 6 and not is_common(squashed):
        patterns.append(NamePattern(target, (squashed,), (squashed,), via, None, True))
    if via != "slug":
        patterns += shortened(target, canonical, folded, ordinary)
    return patterns


def shortened(
    target: int, canonical: tuple[str, ...], folded: tuple[str, ...], ordinary: frozenset[str]
) -> list[NamePattern]:
    """A long name as customers shorten it: one inner word left out ("yith ajax product
    filter" for "YITH WooCommerce Ajax Product Filter"). Only names of four words or more,
    so that three words stay, with the first and the last kept; only a distinctive result."""
    if len(folded) < _MIN_SHORTENED + 1:
        return []
    found = []
    for skip in range(1, len(folded) - 1):
        words = folded[:skip] + folded[skip + 1 :]
        if is_distinctive(words, ordinary):
            written = canonical[:skip] + canonical[skip + 1 :]
            found.append(NamePattern(target, written, words, "short", None, True))
    return found
