"""Language-neutral word overlap: the concept terms of a text, for comparing short texts."""

from __future__ import annotations

from bot.core.retrieval.analysis import Analyzer

# One analyser for every text: changelogs and readmes are English, and a Dutch complaint meets
# them through the shared concepts ("factuur" and "invoice" are both ~invoice), so one stemmer
# keeps each word to one term and overlap counts stay comparable.
_ANALYZER = Analyzer("en")


def concept_terms(text: str) -> set[str]:
    """Content-word terms of `text`: synonym concepts, else English stems; stop words dropped."""
    return set(_ANALYZER.terms(text))
