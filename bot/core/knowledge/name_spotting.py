"""Spot product names in free text: exact token sequences, context rules, typo tolerance.

A name made only of ordinary words ("Members", "Code Snippets") needs context: a cue such as
"plugin"/"thema" within two words, a version number right after it, or a capitalised use that
does not start a sentence ("the Code Snippets settings"). A single capitalised ordinary word is
weak evidence ("The Total was wrong") and counts only next to another name ("Yoast, Members and
Woo"); a place name ("Sydney") needs a cue. Distinctive names ("Elementor",
"sitepress-multilingual-cms", "CF7") match in any case, and with a typo when long enough; a long
name shortened by one inner word ("yith ajax product filter") matches with a lower score. Which
names are distinctive, and their spellings: ``name_patterns``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.knowledge.name_patterns import (
    NamePattern,
    Token,
    common_words,
    fold_token,
    is_common,
    is_distinctive,
    make_patterns,
    place_names,
    tokenize,
)

__all__ = [
    "FUZZY_CHARS",
    "NamePattern",
    "NameSpotter",
    "Spot",
    "Token",
    "common_words",
    "fold_token",
    "is_common",
    "is_distinctive",
    "make_patterns",
    "tokenize",
]

_VERSION_AFTER = re.compile(r"[ \t]{0,3}(?:v|versie |version )?\d+\.\d+")
_SENTENCE_END = frozenset(".!?:;\n\r\"'“”‘’(*#>-•")
_CUES = frozenset(
    "plugin plugins plug-in theme themes thema themas thema's extensie extensies addon addons "
    "add-on module premium versie version child "
    # what one installs or switches on is software: "since we installed charitable", "een
    # collega heeft smush geinstalleerd" (an ordinary word next to these is a product's name)
    "install installs installed installing installeer installeert installeren geinstalleerd "
    "activate activates activated activating activeer activeert activeren geactiveerd "
    "deactivate deactivated deactiveren gedeactiveerd uninstall uninstalled".split()
)
FUZZY_CHARS = 20_000  # typos come from short chat messages; long pastes get exact matching only
_MIN_FUZZY_SINGLE = 6
_KEPT_WORDS = 20_000  # words whose close names a spotter keeps (they recur from text to text)
_MIN_FUZZY_MULTI = 8
WEAK = 0.7  # a lone capitalised ordinary word: "Members" in "I use Yoast, Members and Woo"
_COMPANY_CHARS = 80
_SHORTENED_SCORE = 0.9
_ENOUGH = 25  # occurrences of one spelling worth keeping; a pasted log repeats names endlessly


@dataclass(frozen=True)
class Spot:
    target: int
    start: int
    end: int
    score: float
    via: str


class NameSpotter:
    """Finds every non-overlapping occurrence of the given patterns in a text."""

    def __init__(self, patterns: Iterable[NamePattern]) -> None:
        self._by_first: dict[str, list[NamePattern]] = {}
        # One pattern per spelling; the first given wins (callers pass names before slugs).
        unique = {(p.target, p.folded, p.literal): p for p in reversed(list(patterns))}
        # A shortened spelling two targets share names neither.
        owners: dict[tuple[str, ...], set[int]] = {}
        for p in unique.values():
            owners.setdefault(p.folded, set()).add(p.target)
        unique = {
            key: p for key, p in unique.items() if p.via != "short" or len(owners[p.folded]) == 1
        }
        for pattern in unique.values():
            self._by_first.setdefault(pattern.folded[0], []).append(pattern)
        fuzzy = [
            p
            for group in self._by_first.values()
            for p in group
            if p.free and p.via not in ("slug", "short")
        ]
        self._single_choices = [
            p for p in fuzzy if len(p.folded) == 1 and len(p.folded[0]) >= _MIN_FUZZY_SINGLE
        ]
        self._single_spellings = [p.folded[0] for p in self._single_choices]
        self._close_singles: dict[str, list[tuple[NamePattern, float]]] = {}
        multi = [
            p for p in fuzzy if len(p.folded) > 1 and len(" ".join(p.folded)) >= _MIN_FUZZY_MULTI
        ]
        self._multi_by_first: dict[str, list[NamePattern]] = {}
        self._multi_by_last: dict[tuple[int, str], list[NamePattern]] = {}
        for pattern in multi:
            self._multi_by_first.setdefault(pattern.folded[0], []).append(pattern)
            key = (len(pattern.folded), pattern.folded[-1])
            self._multi_by_last.setdefault(key, []).append(pattern)
        self._multi_sizes = sorted({len(p.folded) for p in multi})

    def spot(self, text: str) -> list[Spot]:
        tokens = tokenize(text)
        spots = self._exact(text, tokens)
        limit = sum(1 for t in tokens if t.end <= FUZZY_CHARS)
        spots += self._fuzzy(tokens[:limit])
        return _with_company(_without_overlaps(spots))

    def _exact(self, text: str, tokens: list[Token]) -> list[Spot]:
        spots: list[Spot] = []
        accepted: dict[NamePattern, int] = {}
        for index, token in enumerate(tokens):
            for pattern in self._by_first.get(token.folded, ()):
                if accepted.get(pattern, 0) >= _ENOUGH:
                    continue
                size = len(pattern.folded)
                window = tokens[index : index + size]
                if tuple(t.folded for t in window) != pattern.folded:
                    continue
                start, end = window[0].start, window[-1].end
                if pattern.literal is not None and text[start:end].casefold() != pattern.literal:
                    continue
                score = _exact_score(pattern, text, tokens, index, size)
                if score:
                    spots.append(Spot(pattern.target, start, end, score, pattern.via))
                    accepted[pattern] = accepted.get(pattern, 0) + 1
        return spots

    def _fuzzy(self, tokens: list[Token]) -> list[Spot]:
        spots: list[Spot] = []
        for index, token in enumerate(tokens):
            if len(token.folded) >= _MIN_FUZZY_SINGLE - 1 and not is_common(token.folded):
                close = self._close_single(token.folded)
                spots += [_fuzzy_spot(p, score, [token]) for p, score in close]
            for pattern in self._multi_candidates(tokens, index):
                window = tokens[index : index + len(pattern.folded)]
                written = tuple(t.folded for t in window)
                found = _close_names(written, [pattern], [" ".join(pattern.folded)])
                spots += [_fuzzy_spot(p, score, window) for p, score in found]
        return spots

    def _close_single(self, word: str) -> list[tuple[NamePattern, float]]:
        found = self._close_singles.get(word)
        if found is None:
            if len(self._close_singles) >= _KEPT_WORDS:  # bounded; threads only ever read a list
                self._close_singles.clear()
            found = _close_names((word,), self._single_choices, self._single_spellings)
            self._close_singles[word] = found
        return found

    def _multi_candidates(self, tokens: list[Token], index: int) -> set[NamePattern]:
        """Multi-word names whose first or last word is spelt right at this position.

        Only names that fit in the words left: a text may end (or be cut) after the first
        words of a name ("... through my contact form" for "Contact Form 7").
        """
        left = len(tokens) - index
        first = self._multi_by_first.get(tokens[index].folded, ())
        found = {pattern for pattern in first if len(pattern.folded) <= left}
        for size in self._multi_sizes:
            if size <= left:
                found.update(self._multi_by_last.get((size, tokens[index + size - 1].folded), ()))
        return found


def _close_names(
    written: Sequence[str], patterns: Sequence[NamePattern], spellings: Sequence[str]
) -> list[tuple[NamePattern, float]]:
    """Patterns within 1 edit (2 from 12 letters; a swap counts as one) of the words `written`.

    `spellings` are the patterns' folded words joined by spaces (computed once by the caller).
    """
    found = process.extract(
        " ".join(written), spellings, scorer=OSA.distance, score_cutoff=2, limit=None
    )
    close = []
    for wanted, distance, position in found:
        allowed = 1 if len(wanted) < 12 else 2
        pattern = patterns[position]
        if 0 < distance <= allowed and _tokens_agree(written, pattern.folded):
            close.append((pattern, round(0.85 * (1 - distance / len(wanted)), 3)))
    return close


def _tokens_agree(written: Sequence[str], wanted: Sequence[str]) -> bool:
    """Word by word: as many words, same first letter, numbers exact, at most one slip (two in
    long words). A different number of words is another name, however close the letters."""
    if len(written) != len(wanted):
        return False
    for have, want in zip(written, wanted, strict=True):
        if have[:1] != want[:1] or (have != want and any(ch.isdigit() for ch in have + want)):
            return False
        if OSA.distance(have, want, score_cutoff=2) > (1 if len(want) < 9 else 2):
            return False
    return True


def _fuzzy_spot(pattern: NamePattern, score: float, window: Sequence[Token]) -> Spot:
    return Spot(pattern.target, window[0].start, window[-1].end, score, "fuzzy")


def _exact_score(
    pattern: NamePattern, text: str, tokens: list[Token], index: int, size: int
) -> float:
    """1.0 distinctive, 0.9 ordinary words with a cue nearby, 0.8 capitalised use, else 0.

    A single capitalised ordinary word scores WEAK: it counts only next to another name.
    """
    if pattern.via == "short":
        return _SHORTENED_SCORE
    if pattern.free:
        return 1.0 if _case_agrees(pattern, tokens[index : index + size]) else 0.0
    if _has_cue(text, tokens, index, size):
        return 0.9
    if size == 1 and pattern.folded[0] in place_names():
        return 0.0
    if not _capitalised_use(pattern, text, tokens[index : index + size]):
        return 0.0
    return WEAK if size == 1 else 0.8


def _case_agrees(pattern: NamePattern, window: Sequence[Token]) -> bool:
    """A short acronym on its own ("EDD", "RCP") must be written in capitals."""
    name = pattern.canonical[0]
    if len(pattern.canonical) == 1 and len(name) <= 3 and name.isupper() and name.isalpha():
        return window[0].text.isupper()
    return True


def _has_cue(text: str, tokens: list[Token], index: int, size: int) -> bool:
    nearby = tokens[max(0, index - 2) : index] + tokens[index + size : index + size + 2]
    if any(t.folded in _CUES for t in nearby):
        return True
    return bool(_VERSION_AFTER.match(text, tokens[index + size - 1].end))


def _capitalised_use(pattern: NamePattern, text: str, window: Sequence[Token]) -> bool:
    """Written as a name: its capitals kept, at least one of them not starting a sentence."""
    evidence = False
    for position, (canonical, token) in enumerate(zip(pattern.canonical, window, strict=True)):
        if not canonical[:1].isupper():
            continue
        if not token.text[:1].isupper():
            return False
        shouting = token.text.isupper() and len(token.text) > 3 and not canonical.isupper()
        if shouting:
            return False
        if position > 0 or not _starts_sentence(text, token.start):
            evidence = True
    return evidence


def _starts_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def _with_company(spots: list[Spot]) -> list[Spot]:
    """Drop a weak spot ("The Total was wrong") unless another name is spotted close by."""
    strong = [s for s in spots if s.score != WEAK]
    return [
        spot
        for spot in spots
        if spot.score != WEAK
        or any(abs(other.start - spot.start) <= _COMPANY_CHARS for other in strong)
    ]


_VIA_RANK = {"name": 0, "alias": 1, "slug": 2, "short": 3, "fuzzy": 4}


def _without_overlaps(spots: list[Spot]) -> list[Spot]:
    """Longest spans first, then the best score; a later overlapping spot is dropped."""
    starts: list[int] = []  # chosen spans never overlap, so sorted starts mean sorted ends
    chosen: dict[int, Spot] = {}
    order = sorted(spots, key=lambda s: (s.start - s.end, -s.score, _VIA_RANK[s.via], s.start))
    for spot in order:
        at = bisect.bisect_right(starts, spot.start)
        before_ok = at == 0 or chosen[starts[at - 1]].end <= spot.start
        after_ok = at == len(starts) or starts[at] >= spot.end
        if before_ok and after_ok:
            starts.insert(at, spot.start)
            chosen[spot.start] = spot
    return [chosen[start] for start in starts]
