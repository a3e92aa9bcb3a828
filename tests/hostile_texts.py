"""Texts that break naive text handling, built from a knowledge base's own words.

The robustness tests (every catalogue name, word-built Hypothesis texts, truncation, the channels)
share these. Everything here is deterministic: the same knowledge base gives the same texts, so
a failure names the text that caused it and reruns the same way.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import cache

from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.name_spotting import tokenize
from bot.core.text import fold

# Each of these once crashed the name matcher (issue 10): a text ending with the first words of
# a multi-word catalogue name, and a short word of a name replaced by a letter that folds away.
CRASHERS = (
    "I'm getting lots of spam through my contact form",
    "smart slider",
    "ͺ Optimizer",
    "Ik heb een vraag over Contact Form",
    "we use contact-form",
)

_WORD_CHAR = re.compile(r"[^\W_]")  # what the tokenizers count as part of a word


@cache
def _decomposing_word_chars() -> tuple[str, ...]:
    """Word characters that Unicode decomposes: the only ones `fold` can erase or split."""
    found = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.decomposition(char) and _WORD_CHAR.match(char):
            found.append(char)
    return tuple(found)


@cache
def letters_that_fold_to_nothing() -> tuple[str, ...]:
    """Word characters that `fold` removes entirely (U+037A "ͺ" decomposes to a space + a mark)."""
    return tuple(char for char in _decomposing_word_chars() if not fold(char))


@cache
def letters_that_fold_to_several_words() -> tuple[str, ...]:
    """Word characters that `fold` turns into more than one word ("ﷺ" becomes four)."""
    return tuple(char for char in _decomposing_word_chars() if " " in fold(char))


def catalogue_names(kb: KnowledgeBase) -> list[str]:
    """Every spelling the bot recognises: third-party names, aliases and slugs (the built-in
    list plus the knowledge base's ``third_party.yaml``) and our products' names and slugs."""
    names = [
        spelling
        for component in kb.third_party
        for spelling in (component.name, *component.aliases, *component.slugs)
    ]
    names += [name for product in kb.products.values() for name in product.names]
    return list(dict.fromkeys(names))


def word_prefixes(name: str) -> list[str]:
    """`name` as written, cut after each of its words: "Contact Form 7" gives three."""
    return [name[: token.end] for token in tokenize(name)]


def with_typo(word: str) -> str:
    """One slip that keeps the first letter: two inner letters swapped, or one dropped."""
    if len(word) < 4 or any(char.isdigit() for char in word):
        return word
    middle = len(word) // 2
    if word[middle - 1] != word[middle]:
        return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]
    return word[:middle] + word[middle + 1 :]


def typo_in_word(text: str, which: int) -> str:
    """`text` with a typo in its word number `which` (negative counts from the end)."""
    tokens = tokenize(text)
    if not tokens:
        return text
    token = tokens[which]
    return text[: token.start] + with_typo(token.text) + text[token.end :]


def short_words_replaced(text: str, letter: str, longest: int = 3) -> str:
    """`text` with every word of at most `longest` characters replaced by `letter`."""
    pieces, last = [], 0
    for token in tokenize(text):
        if len(token.text) <= longest:
            pieces += [text[last : token.start], letter]
            last = token.end
    return "".join(pieces) + text[last:]


def name_variants(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """(how, text) for every word prefix of every catalogue name: at the end of a text, at its
    start, alone, typo'd, and with its short words replaced by letters that fold away."""
    erasers = letters_that_fold_to_nothing() + letters_that_fold_to_several_words()
    seen: set[str] = set()
    count = 0
    for name in catalogue_names(kb):
        for prefix in word_prefixes(name):
            if prefix in seen:
                continue
            seen.add(prefix)
            eraser = erasers[count % len(erasers)]
            count += 1
            erased = short_words_replaced(prefix, eraser)
            yield "alone", prefix
            yield "at the end", f"I'm having trouble with {prefix}"
            yield "at the start", f"{prefix} stopped working after the update."
            yield "typo at the end", f"problem with {typo_in_word(prefix, -1)}"
            yield "typo at the start", typo_in_word(prefix, 0) + " is broken"
            if erased != prefix:
                yield "folded away", erased
                yield "folded away at the end", f"question about {erased}"
