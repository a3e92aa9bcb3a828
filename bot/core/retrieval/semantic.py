"""The semantic stage's port: similarity by meaning, from an embedding model outside the core.

The lexical rankers are strong where customers use the FAQ's words and weak where they use other
words for the same thing, or another language. An embedding model fills that gap. The core only
asks for cosine similarities; the model, its vectors and their cache live in `bot.semantic`
(an optional extra), so the core imports no model package and works the same without one.

Texts are registered once per knowledge base (the phrasings of every entry and route card of a
language) and kept under a key; a query is then compared with all of them at once. Answers are
registered as *passages*: models trained for retrieval (e5) embed the text that is searched for
differently from the question that searches, and a question is closer to its answer that way.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Protocol

# The model sees at most this much of a text: a pasted 20,000-character log must not cost
# seconds (attention grows with the square of the length), and its first lines say the most.
MAX_SEMANTIC_CHARS = 500


class SemanticScorer(Protocol):
    """Cosine similarities between texts, by an embedding model (normalised vectors)."""

    @property
    def name(self) -> str:
        """The model, for reports (`supportbot kb check`)."""
        ...

    def register(self, texts: Sequence[str], *, passages: bool = False) -> Hashable:
        """Embed `texts` (or find them in the cache) and keep them under the returned key;
        `passages` for texts that are searched for (answers), not questions."""
        ...

    def similarities(self, query: str, key: Hashable) -> Sequence[float]:
        """The query's similarity to each registered text of `key`, in order."""
        ...

    def pairwise(self, key: Hashable, other: Hashable | None = None) -> Sequence[Sequence[float]]:
        """Every registered text of `key` against every other (for calibration), or against
        every text of `other`: row i holds text i's similarity to each text of `other`."""
        ...


def best_per_owner(
    similarities: Sequence[float],
    owners: Sequence[int],
    size: int,
    skip: frozenset[int] = frozenset(),
) -> list[float]:
    """Each owner's (entry's) best similarity over its texts; texts in `skip` do not count."""
    best = [-1.0] * size
    for position, (value, owner) in enumerate(zip(similarities, owners, strict=True)):
        if position not in skip and value > best[owner]:
            best[owner] = value
    return best
