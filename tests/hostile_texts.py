"""Texts that break naive text handling, built from a knowledge base's own words.

The robustness tests (every catalogue name, word-built Hypothesis texts, truncation, the channels)
share these. Everything here is deterministic: the same knowledge base gives the same texts, so
a failure names the text that caused it and reruns the same way.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

from hypothesis import strategies as st

from bot.core.dialogue import lexicon
from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.name_spotting import tokenize
from bot.core.retrieval.stopwords import ALL as FILLER_WORDS
from bot.core.text import fold, words

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


def name_prefixes(kb: KnowledgeBase) -> list[str]:
    """Every word prefix of every catalogue name, once each, in catalogue order."""
    prefixes = (prefix for name in catalogue_names(kb) for prefix in word_prefixes(name))
    return list(dict.fromkeys(prefixes))


def name_variants(kb: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """(how, text) putting every word prefix of every catalogue name at the start of a text and
    at its end, typo'd there, and with its short words replaced by letters that fold away.

    One text carries two prefixes (one at its start, the next at its end), so every prefix
    takes each place once at half the number of texts.
    """
    erasers = letters_that_fold_to_nothing() + letters_that_fold_to_several_words()
    prefixes = name_prefixes(kb)
    for number, prefix in enumerate(prefixes):
        following = prefixes[(number + 1) % len(prefixes)]
        yield "at the start and the end", f"{prefix} stopped working, says {following}"
        start, end = typo_in_word(prefix, 0), typo_in_word(following, -1)
        yield "typo'd at the start and the end", f"{start} is broken since {end}"
        erased = short_words_replaced(prefix, erasers[number % len(erasers)])
        if erased != prefix:
            yield "folded away, alone", erased
            yield "folded away, in a sentence", f"My {erased} settings are gone"


def _strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, re.Pattern):
        yield str(value.pattern)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _strings_in(item)


@cache
def cue_words() -> tuple[str, ...]:
    """The literal words of the dialogue's cue patterns ("factuur", "bellen", "werkt", "refund").

    Read from whatever pattern data ``bot.core.dialogue.lexicon`` holds, so the words follow
    the lexicon when it changes.
    """
    found: set[str] = set()
    for name, value in vars(lexicon).items():
        if name.startswith("__"):
            continue  # the docstring is prose, not cues
        for pattern in _strings_in(value):
            plain = re.sub(r"\\.", " ", pattern)  # escapes (\b, \w, \.) are not letters
            found.update(re.findall(r"[a-z][a-z'-]+", plain))
    return tuple(sorted(found))


def kb_words(kb: KnowledgeBase) -> tuple[str, ...]:
    """The words of the knowledge base's own FAQ questions and alternative phrasings."""
    texts: Iterable[str] = (
        text for entry in kb.faq for text in (entry.question, *entry.alternatives)
    )
    return tuple(sorted({word for text in texts for word in words(text)}))


def filler_words() -> tuple[str, ...]:
    """Function words and politeness in Dutch and English (the retrieval stop words)."""
    return tuple(sorted(FILLER_WORDS))


# Customer text around the words: punctuation, possessives, glued words, pasted fragments.
SEPARATORS = (" ", " ", " ", ", ", ". ", "? ", "!\n", "\n\n", "'s ", "-", "", " (", ") ", ": ")
PASTED = (
    "PHP 8.1.", "WordPress 6.6", "WP 6.8", "versie 3.1", "version 3.4.2", "v2.0.1", "3.10",
    "jan@example.org", "PHP Fatal error:", "Uncaught TypeError:", "Stack trace:", "#0",
    "/var/www/html/wp-content/plugins/{slug}/includes/class-x.php:212",
    "### wp-plugins-active (3) ###", "{name}: version: 3.3.0, author: Someone",
    "`", "```", "**", "> ", "- ", "1.", "https://example.com/?p=1", "NME-1001",
)  # fmt: skip


def name_shaped(names: list[str]) -> st.SearchStrategy[str]:
    """A catalogue name as customers write it: whole, cut after a word, typo'd, in lower case,
    two words glued, or with its short words replaced by a letter that folds away."""
    erasers = letters_that_fold_to_nothing() + letters_that_fold_to_several_words()

    def shape(name: str, how: str, which: int, eraser: str) -> str:
        tokens = tokenize(name)
        if not tokens:
            return name
        if how == "cut":
            return name[: tokens[which % len(tokens)].end]
        if how == "typo":
            return typo_in_word(name, which % len(tokens))
        if how == "erase":
            return short_words_replaced(name, eraser)
        if how == "glue":
            return name.replace(" ", "", 1)
        return name.lower() if how == "lower" else name

    # Cut and erased names are what character-level generators never produce: twice as often.
    hows = st.sampled_from(["whole", "cut", "cut", "typo", "erase", "erase", "glue", "lower"])
    return st.builds(
        shape, st.sampled_from(names), hows, st.integers(0, 6), st.sampled_from(erasers)
    )


_BUILT: dict[tuple[int, int], tuple[KnowledgeBase, st.SearchStrategy[str]]] = {}


def word_built_texts(kb: KnowledgeBase, max_words: int = 14) -> st.SearchStrategy[str]:
    """Text built word by word from the knowledge base's own names, the dialogue's cue words,
    the FAQ's words and filler words, with customer punctuation and pasted fragments.

    Built once per knowledge base (which is kept with it, so its id stays its own).
    """
    key = (id(kb), max_words)
    if key not in _BUILT:
        _BUILT[key] = (kb, _word_built_texts(kb, max_words))
    return _BUILT[key][1]


def _word_built_texts(kb: KnowledgeBase, max_words: int) -> st.SearchStrategy[str]:
    names = catalogue_names(kb)
    slugs = [component.slugs[0] for component in kb.third_party] + list(kb.products)
    pasted = st.builds(
        lambda template, slug, name: template.format(slug=slug, name=name),
        st.sampled_from(PASTED),
        st.sampled_from(slugs),
        st.sampled_from(names),
    )
    shaped = name_shaped(names)
    word = st.one_of(
        shaped,
        st.sampled_from(cue_words()),
        st.sampled_from(kb_words(kb)),
        st.sampled_from(filler_words()),
        pasted,
    )
    pieces = st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), min_size=1, max_size=max_words)
    # Where a name ends a text matters most (a typed text ends anywhere), so half end with one.
    last = st.none() | st.tuples(shaped, st.sampled_from(("", "", ".", "?", " ", "\n")))
    return st.builds(_joined, pieces, last)


def _joined(pieces: list[tuple[str, str]], last: tuple[str, str] | None) -> str:
    """The words with their separators, and the last word with its end."""
    text = "".join(word + separator for word, separator in pieces)
    if last is None:
        return text
    return text + "".join(last)
