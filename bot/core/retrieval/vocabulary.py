"""What one index knows, and how unknown query words are mapped onto it.

Two repairs, both driven by the index's own words rather than a dictionary: Dutch-style
compounds are split into known parts ("notificatiemails" → "notificatie" + "mails"), and
misspelt words are mapped to the nearest known word within one or two edits.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.retrieval.analysis import Analyzer, Token

MIN_QUERY_PART = 3
MIN_INDEX_PART = 4
MIN_TYPO_LENGTH = 5
# Longer "words" are pasted tokens (hashes, base64, "xxxx..."): no compound or typo of ours,
# and splitting them would cost quadratic time.
MAX_WORD_LENGTH = 40
# Closeness of a typo-repaired word to an exact one: a repair is evidence, but weaker.
TYPO_WEIGHT_PER_EDIT = 0.2
# Query words resolved lately, kept per index: a turn resolves each word three times or more
# (terms, bigrams, distinctive words) and customers use the same words.
RESOLVED_KEPT = 1024

WeightedTerms = list[tuple[str, float]]


class Vocabulary:
    """The surface words and terms of one index, with compound splitting and typo repair."""

    def __init__(self, analyzer: Analyzer, tokens: Iterable[Token]) -> None:
        self._analyzer = analyzer
        self._term_of: dict[str, str] = {}
        for token in tokens:
            self._term_of.setdefault(token.surface, token.term)
        self.terms = frozenset(self._term_of.values())
        self._by_initial: dict[str, list[str]] = {}
        for surface in self._term_of:
            if len(surface) >= MIN_TYPO_LENGTH - 1 and surface.isalpha():
                self._by_initial.setdefault(surface[0], []).append(surface)
        self._resolved: dict[Token, WeightedTerms] = {}

    def resolve(self, token: Token) -> WeightedTerms:
        """Index terms for a query word: itself, its compound parts, or its typo repairs.

        The same list for the same word (the vocabulary never changes): read, never change it.
        """
        found = self._resolved.get(token)
        if found is None:
            if len(self._resolved) >= RESOLVED_KEPT:
                self._resolved.clear()  # threads may both add: the same value either way
            found = self._resolved[token] = self._resolve(token)
        return found

    def _resolve(self, token: Token) -> WeightedTerms:
        if token.term in self.terms or len(token.surface) > MAX_WORD_LENGTH:
            return [(token.term, 1.0)]
        parts = self.split_compound(token.surface, MIN_QUERY_PART)
        if parts:
            return [(part, 1.0) for part in parts]
        return self.closest(token.surface) or [(token.term, 1.0)]

    def split_compound(self, word: str, min_part: int, depth: int = 2) -> list[str] | None:
        """Terms of the known words `word` is made of (longest known first part wins)."""
        if len(word) < 2 * min_part or not word.isalpha():
            return None
        for cut in range(len(word) - min_part, min_part - 1, -1):
            head = self._known_part(word[:cut], min_part)
            if head is None:
                continue
            tail = self._known_part(word[cut:], min_part)
            if tail is not None:
                return [head, tail]
            rest = self.split_compound(word[cut:], min_part, depth - 1) if depth > 1 else None
            if rest:
                return [head, *rest]
        return None

    def compound_parts(self, word: str) -> list[str]:
        """Index side: the known parts of a long word, to be indexed next to the word itself."""
        if len(word) < 2 * MIN_INDEX_PART:
            return []
        return self.split_compound(word, MIN_INDEX_PART) or []

    def closest(self, word: str) -> WeightedTerms:
        """Terms of the nearest known words within 1 edit (2 for long words), same first letter."""
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
            return []
        max_edits = 1 if len(word) < 8 else 2
        candidates = self._by_initial.get(word[0], [])
        hits = process.extract(
            word, candidates, scorer=OSA.distance, score_cutoff=max_edits, limit=4
        )
        if not hits:
            return []
        best = min(int(distance) for _, distance, _ in hits)
        weight = 1.0 - TYPO_WEIGHT_PER_EDIT * best
        terms = dict.fromkeys(self._term_of[c] for c, d, _ in hits if int(d) == best)
        return [(term, weight) for term in terms]

    def _known_part(self, part: str, min_part: int) -> str | None:
        if len(part) < min_part:
            return None
        if part in self._term_of:
            return self._term_of[part]
        term = self._analyzer.term(part)
        if term in self.terms:
            return term
        # Dutch links compound parts with an s ("betalingsbewijs"): try without it.
        if part.endswith("s") and len(part) > min_part:
            return self._known_part(part[:-1], min_part)
        return None
