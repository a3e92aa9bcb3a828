"""The Snowball Dutch stemmer, pure Python, with two additions for support-desk Dutch.

The additions: plurals in ``-ies``/``-ieen`` (``licenties``, ``categorieen``) lose their plural
ending like other plurals do; English loan words with an ``-es`` plural (``updates``,
``websites``) stem like their singular; and the present-tense ``-t`` after k, g, p, f, d or l
goes (``werkt``/``werken``, ``krijgt``/``krijgen``), because customers describe problems in
that tense and the FAQ in the infinitive; past participles lose ``ge-`` and ``-d``/``-t``, also
after a separable particle (``gewijzigd``, ``aangepast``, ``ingesteld``); and every doubled
final consonant is undoubled, not only kk/dd/tt (``instellen`` and ``stel in`` meet at
``instel``). These follow Kraaij and Pohlmann's Dutch stemmer. Input is folded (lower case,
accents removed).

Why not Snowball 3's ``dutch`` (PyStemmer): measured in issue 14, it stems 342 of our 1,031
Dutch FAQ words differently, keeps ``krijgt``/``krijgen``, ``gestart``/``starten`` and
``gewijzigd``/``wijzigen`` apart, cuts ``mogelijkheden`` to ``molijk``, and lowered held-out
figures of ``bench/tune_gate.py``.
"""

from __future__ import annotations

import re

_VOWELS = frozenset("aeiouyè")
_UNDOUBLE = ("bb", "dd", "ff", "gg", "kk", "ll", "mm", "nn", "pp", "rr", "ss", "tt")
_PARTICIPLE = re.compile(
    r"^(aan|af|bij|door|in|mee|na|om|op|over|terug|toe|uit|vast|voor|weg)?ge([a-z]{4,})$"
)
_PREFIXED_PARTICIPLE = re.compile(r"^(?:be|ver|ont|her)[a-z]{2,}[glr]d$")
# Words that start with "ge" but are no past participle.
_NOT_PARTICIPLES = frozenset(
    ("gebied", "gezicht", "gewicht", "geduld", "gemiddeld", "gezond", "gebed", "geschikt")
)
_VERB_T_ENDINGS = ("kt", "gt", "pt", "ft", "dt", "lt")


def _mark_semivowels(word: str) -> str:
    """Upper-case y at the start or after a vowel, and i between vowels: they act as consonants."""
    chars = list(word)
    for i, ch in enumerate(chars):
        after_vowel = i > 0 and chars[i - 1] in _VOWELS
        if ch == "y" and (i == 0 or after_vowel):
            chars[i] = "Y"
        elif ch == "i" and after_vowel and i + 1 < len(chars) and chars[i + 1] in _VOWELS:
            chars[i] = "I"
    return "".join(chars)


def _regions(word: str) -> tuple[int, int]:
    def after_vc(start: int) -> int:
        for i in range(start + 1, len(word)):
            if word[i] not in _VOWELS and word[i - 1] in _VOWELS:
                return i + 1
        return len(word)

    r1 = after_vc(0)
    return max(r1, 3), after_vc(r1)


def _undouble(word: str) -> str:
    return word[:-1] if word.endswith(_UNDOUBLE) else word


def _drop_en_ending(word: str, suffix: str, r1: int) -> str | None:
    """Remove -en/-ene after a consonant (not after ``gem``), undoubling; None when invalid."""
    stem = word[: -len(suffix)]
    if len(stem) < r1 or not stem or stem[-1] in _VOWELS or stem.endswith("gem"):
        return None
    return _undouble(stem)


def _participle_stem(word: str) -> str:
    """``gewijzigd`` → ``wijzig``, ``aangepast`` → ``aanpas``: the verb stem of a participle.

    The ending goes only where it was added: -d after a consonant, -t after a voiceless one
    ('t kofschip); ``gedownload`` and ``gestart`` keep theirs, as do the verbs.
    """
    if len(word) < 7 or word in _NOT_PARTICIPLES or word.startswith("gebruik"):
        return word
    if _PREFIXED_PARTICIPLE.match(word):
        return word[:-1]  # besteld, verlengd, verwijderd
    match = _PARTICIPLE.match(word)
    if match is None:
        return word
    stem = (match.group(1) or "") + match.group(2)
    if stem.endswith("d") and stem[-2] not in _VOWELS and stem[-2] != "d":
        return stem[:-1]
    if stem.endswith("t") and (stem[-2] in "kfsp" or stem.endswith("cht")):
        return stem[:-1]
    return stem


def _loan_plural(word: str) -> str:
    if word.endswith("'s"):
        return word[:-2]
    if word.endswith("ieen") and len(word) > 5:
        return word[:-2]
    if word.endswith("ies") and len(word) > 5:
        return word[:-1]
    if word.endswith(("tes", "ces", "ges")) and len(word) > 5:
        return word[:-1]
    return word


def _step1(word: str, r1: int) -> str:
    if word.endswith("heden"):
        return word[:-5] + "heid" if len(word) - 5 >= r1 else word
    for suffix in ("ene", "en"):
        if word.endswith(suffix):
            stem = _drop_en_ending(word, suffix, r1)
            return word if stem is None else stem
    for suffix in ("se", "s"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            valid = bool(stem) and stem[-1] not in _VOWELS and stem[-1] != "j"
            return stem if valid and len(stem) >= r1 else word
    return word


def _drop_verb_t(word: str, r1: int) -> str:
    if len(word) - 1 >= r1 and word.endswith(_VERB_T_ENDINGS):
        return word[:-1]
    return word


def _step2(word: str, r1: int) -> tuple[str, bool]:
    if word.endswith("e") and len(word) - 1 >= r1 and len(word) > 1:
        if word[-2] not in _VOWELS:
            return _undouble(word[:-1]), True
    return word, False


def _step3a(word: str, r1: int, r2: int) -> str:
    if word.endswith("heid") and len(word) - 4 >= r2 and not word.endswith("cheid"):
        word = word[:-4]
        if word.endswith("en"):
            stem = _drop_en_ending(word, "en", r1)
            word = word if stem is None else stem
    return word


def _step3b(word: str, r1: int, r2: int, e_removed: bool) -> str:
    for suffix in ("lijk", "baar", "end", "ing", "bar", "ig"):
        if not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        if len(stem) < r2:
            return word
        if suffix in ("end", "ing"):
            if stem.endswith("ig") and len(stem) - 2 >= r2 and not stem.endswith("eig"):
                return stem[:-2]
            return _undouble(stem)
        if suffix == "ig":
            return word if stem.endswith("e") else stem
        if suffix == "lijk":
            return _step2(stem, r1)[0]
        if suffix == "bar" and not e_removed:
            return word
        return stem
    return word


def _undouble_vowel(word: str) -> str:
    """``maan`` → ``man``: a doubled a/e/o/u between consonants at the end loses one letter."""
    if len(word) >= 4 and word[-3:-1] in ("aa", "ee", "oo", "uu"):
        if word[-4] not in _VOWELS and word[-1] not in _VOWELS and word[-1] != "I":
            return word[:-2] + word[-1]
    return word


def stem_dutch(word: str) -> str:
    """Stem one folded Dutch word (``instellingen`` → ``instell``, ``licenties`` → ``licentie``)."""
    if len(word) <= 2:
        return word
    word = _mark_semivowels(_participle_stem(_loan_plural(word)))
    r1, r2 = _regions(word)
    word = _drop_verb_t(_step1(word, r1), r1)
    word, e_removed = _step2(word, r1)
    word = _step3a(word, r1, r2)
    word = _step3b(word, r1, r2, e_removed)
    word = _undouble_vowel(word)
    return word.replace("I", "i").replace("Y", "y")
