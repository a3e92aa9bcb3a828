"""Text analysis for retrieval: folding, tokens, stop words, stems and support-desk synonyms.

The same analysis runs over FAQ entries (when indexing) and over queries, so "factuur",
"facturen" and "invoice" end up as the same term on both sides. Vocabulary-dependent steps
(compound splitting, typo repair) live in ``vocabulary.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.core.retrieval.dutch_stemmer import stem_dutch
from bot.core.retrieval.english_stemmer import stem_english
from bot.core.retrieval.stopwords import is_stop_word
from bot.core.retrieval.synonyms import join_phrases, variant_index
from bot.core.text import fold, words

# Queries longer than this are cut before analysis: a customer question fits easily, and a
# pasted 100 KB log must not cost more than a normal message.
MAX_ANALYSED_CHARS = 2000

CONCEPT_PREFIX = "~"

_HYPHENATED = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_CONTRACTIONS = {"can't": ("can", "not"), "won't": ("will", "not"), "m'n": ("mijn",),
                 "z'n": ("zijn",), "zo'n": ("zo",), "'t": ("het",)}  # fmt: skip
_CLITICS = ("'s", "'re", "'ve", "'ll", "'m", "'d")


@lru_cache(maxsize=65536)
def _stem_nl(word: str) -> str:
    return stem_dutch(word)


@lru_cache(maxsize=65536)
def _stem_en(word: str) -> str:
    return stem_english(word)


STEMMERS: dict[str, Callable[[str], str]] = {"nl": _stem_nl, "en": _stem_en}


@dataclass(frozen=True)
class Token:
    """One content word of a text: as written (folded) and as the term retrieval compares."""

    surface: str
    term: str


def normalise(text: str) -> str:
    """Folded text with hyphenated words joined (``e-mail`` → ``email``) and phrases joined."""
    folded = fold(text[:MAX_ANALYSED_CHARS])
    return join_phrases(_HYPHENATED.sub("", folded))


def split_words(text: str) -> list[str]:
    """Word tokens of normalised text, with English and Dutch contractions expanded."""
    result: list[str] = []
    for word in words(text):
        if "'" not in word:
            result.append(word)
        elif word in _CONTRACTIONS:
            result.extend(_CONTRACTIONS[word])
        elif word.endswith("n't"):
            result.extend((word[:-3], "not"))
        else:
            result.append(next((word[: -len(c)] for c in _CLITICS if word.endswith(c)), word))
    return [w.strip("'") for w in result if w.strip("'")]


class Analyzer:
    """Turns text into terms for one language: stems, with synonym variants as one concept."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._stem = STEMMERS.get(language, _stem_en)
        variants = variant_index()
        self._concept_by_surface = {fold(v): CONCEPT_PREFIX + c for v, c in variants.items()}
        self._concept_by_stem = {
            self._stem(fold(v)): CONCEPT_PREFIX + c for v, c in variants.items()
        }

    def term(self, surface: str) -> str:
        """The retrieval term for one folded word."""
        concept = self._concept_by_surface.get(surface)
        if concept:
            return concept
        if any(map(str.isdigit, surface)):
            return surface
        stem = self._stem(surface)
        return self._concept_by_stem.get(stem, stem)

    def tokens(self, text: str) -> list[Token]:
        """Content words of `text` in order; stop words and single characters dropped."""
        return [
            Token(word, self.term(word))
            for word in split_words(normalise(text))
            if len(word) > 1 and not is_stop_word(word)
        ]

    def terms(self, text: str) -> list[str]:
        return [token.term for token in self.tokens(text)]
