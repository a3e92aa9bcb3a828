"""One-letter typos in cue words ("werkt nie meer", "doesnt wrok"), repaired before cue matching.

The cue lexicon is written in correct spelling; customers are not. A word that is neither a
known word (frequent Dutch and English words, the ordinary-word list, every word of the
knowledge base) nor a cue word, but is one edit (insertion, deletion, substitution or swap of
neighbours) away from exactly one cue word, is read as that cue word. An inflection of a cue word
(the same stem in Dutch or English: "medewerkers", "tickets") is not a typo: it is that word,
and the cue's own pattern says whether its inflections count. Only for matching cues: retrieval
has its own typo repair against the knowledge base's vocabulary.

One edit away is not enough on its own: most words one letter from a cue word are words of
their own ("plant" is no "plan", "filled" no "billed", "room" no "zoom"). The repair is a
noisy channel: a word is read as the cue word only when the cue word is far more common in
Dutch or English (`TYPO_ODDS`, by wordfreq's frequencies in `cue_frequencies`), so that a
typo is the likelier story ("nie" for "niet", "wrok" for "work").
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import OSA

from bot.core.dialogue.cue_frequencies import WORD, cue_words, zipf
from bot.core.knowledge.name_patterns import common_words
from bot.core.language_profiles import DUTCH_WORDS, ENGLISH_WORDS
from bot.core.retrieval.analysis import STEMMERS

MIN_WORD = 3  # shorter words are too easily another word
# How much more common (Zipf scale: 2 = a hundred times) a cue word must be than the word as
# written to read the word as its typo. On the foreign development sets' messages, 1.5 still
# turned "far" into "for" and "rid" into "did"; 2.5 kept "wrok" from "work".
TYPO_ODDS = 2.0
# A word this common (Zipf 4: ten in a million words) is what it says: "heen" is no "een".
COMMON_WORD = 4.0


class CueSpelling:
    def __init__(self, cue_sources: Iterable[str], known: Iterable[str] = ()) -> None:
        self.cues = cue_words(cue_sources)
        self.known = frozenset(known) | DUTCH_WORDS | ENGLISH_WORDS | common_words() | self.cues
        self._by_length: dict[int, list[str]] = {}
        for word in self.cues:
            self._by_length.setdefault(len(word), []).append(word)
        self._cache: dict[str, str] = {}

    def repair(self, folded: str) -> str:
        """`folded` with unknown words one edit from a single cue word replaced by it."""
        return WORD.sub(lambda match: self._word(match.group()), folded)

    def _word(self, word: str) -> str:
        if len(word) < MIN_WORD or word in self.known:
            return word
        if word not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[word] = self._closest(word)
        return self._cache[word]

    def _closest(self, word: str) -> str:
        candidates = [
            cue
            for size in (len(word) - 1, len(word), len(word) + 1)
            for cue in self._by_length.get(size, ())
            if OSA.distance(word, cue, score_cutoff=1) <= 1 and not _inflection(word, cue)
        ]
        written = zipf(word) if candidates else 0.0
        if written >= COMMON_WORD:
            return word
        candidates = [cue for cue in candidates if zipf(cue) - written >= TYPO_ODDS]
        if len(candidates) > 1:  # a dropped last letter ("nie") is the likeliest, then the
            # same beginning: keep the candidates that agree best with how the word starts
            best = max(_agreement(word, cue) for cue in candidates)
            candidates = [cue for cue in candidates if _agreement(word, cue) == best]
        return candidates[0] if len(candidates) == 1 else word


def _inflection(word: str, cue: str) -> bool:
    return any(stem(word) == stem(cue) for stem in STEMMERS.values())


def _agreement(word: str, cue: str) -> int:
    if cue.startswith(word):
        return len(word) + 1
    return len(_common_prefix(word, cue))


def _common_prefix(a: str, b: str) -> str:
    size = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        size += 1
    return a[:size]
