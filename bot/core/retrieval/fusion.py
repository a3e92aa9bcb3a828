"""Words and meaning in one score: the semantic stage as a second ranker.

An entry's fused score is its word score plus what meaning adds above the model's noise floor:

    fused = words + weight * clip((similarity - floor) / (1 - floor), 0, 1)

The floor is where this model puts unrelated texts of this knowledge base (the median
similarity between phrasings of different entries), so the same formula serves any embedding
model. The weight is chosen on held-out phrasings (`bot.core.retrieval.calibration`): the one
that ranks the most of them first. It is never 0: held-out phrasings are written in the FAQ's
own words, so they undersell meaning, which helps most where customers use other words (on
the development sets, leaving meaning out where held-out phrasings said so lost more than it
won).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WEIGHTS = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6, 2.0)
DEFAULT_WEIGHT = 0.8
DEFAULT_FLOOR = 0.8  # e5's cosine for unrelated short questions, when there is nothing to measure


@dataclass(frozen=True)
class Fusion:
    weight: float = DEFAULT_WEIGHT
    floor: float = DEFAULT_FLOOR

    def meaning(self, similarity: float) -> float:
        if similarity <= self.floor:
            return 0.0
        return min(1.0, (similarity - self.floor) / max(1.0 - self.floor, 1e-6))

    def scores(self, words: Mapping[int, float], similarities: Sequence[float]) -> list[float]:
        """Every entry's fused score (entries missing from `words` have no word score)."""
        return [
            words.get(position, 0.0) + self.weight * self.meaning(similarity)
            for position, similarity in enumerate(similarities)
        ]


def noise_floor(pairwise: Sequence[Sequence[float]], owners: Sequence[int]) -> float:
    """The median similarity of phrasings of different entries (an even sample of the pairs)."""
    size = len(owners)
    step = max(1, size // 200)
    values = [
        pairwise[i][j]
        for i in range(0, size, step)
        for j in range(i + 1, size, step)
        if owners[i] != owners[j]
    ]
    return statistics.median(values) if values else DEFAULT_FLOOR
