"""Words and meaning in one score: the semantic stage as a second ranker.

An entry's fused score is its word score plus what meaning adds above the model's noise floor:

    fused = words + weight * clip((similarity - floor) / (1 - floor), 0, 1)

The floor is where this model puts unrelated texts of this knowledge base (the median
similarity between phrasings of different entries), so the same formula serves any embedding
model. The answers are a third ranker, added the same way with their own floor (the median
similarity between a phrasing and the answers of other entries) and weight:

    fused += answer_weight * clip((answer similarity - answer floor) / (1 - answer floor), 0, 1)
 The weight is chosen on held-out phrasings (`bot.core.retrieval.calibration`): the one
that ranks the most of them first. It is never 0: held-out phrasings are written in the FAQ's
own words, so they undersell meaning, which helps most where customers use other words (on
the development sets, leaving meaning out where held-out phrasings said so lost more than it
won).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.decision import Scored, same_answer, without_vetoed

WEIGHTS = (0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6, 2.0)
# The answers weigh half as much as the phrasings' meaning. Measured on the development sets of
# six foreign knowledge bases: choosing the share per knowledge base on held-out phrasings (0 to
# 1 in quarters) picked 0 for most Dutch ones and did no better than half (328 of 366 turns
# right either way, against 326 without answers): held-out phrasings are in the FAQ's own words,
# where answers add least.
ANSWER_SHARE = 0.5
NO_TEXT = -1.0  # the similarity of an entry without the text compared (`best_per_owner`)
DEFAULT_WEIGHT = 0.8
DEFAULT_FLOOR = 0.8  # e5's cosine for unrelated short questions, when there is nothing to measure


@dataclass(frozen=True)
class Fusion:
    weight: float = DEFAULT_WEIGHT
    floor: float = DEFAULT_FLOOR
    answer_weight: float = 0.0
    answer_floor: float = DEFAULT_FLOOR

    def meaning(self, similarity: float) -> float:
        return _above(similarity, self.floor)

    def scores(
        self,
        words: Mapping[int, float],
        similarities: Sequence[float],
        answers: Sequence[float] | None = None,
    ) -> list[float]:
        """Every entry's fused score (entries missing from `words` have no word score)."""
        fused = [
            words.get(position, 0.0) + self.weight * self.meaning(similarity)
            for position, similarity in enumerate(similarities)
        ]
        if answers is not None and self.answer_weight > 0:
            for position, similarity in enumerate(answers):
                if similarity <= NO_TEXT:  # a route card has no answer: its examples stand in
                    fused[position] += self.answer_weight * self.meaning(similarities[position])
                else:
                    fused[position] += self.answer_weight * _above(similarity, self.answer_floor)
        return fused


def _above(similarity: float, floor: float) -> float:
    """How far above the floor a similarity is, on a scale from 0 (at the floor) to 1."""
    if similarity <= floor:
        return 0.0
    return min(1.0, (similarity - floor) / max(1.0 - floor, 1e-6))


def noise_floor(
    pairwise: Sequence[Sequence[float]],
    owners: Sequence[int],
    column_owners: Sequence[int] | None = None,
) -> float:
    """The median similarity of phrasings of different entries (an even sample of the pairs);
    with `column_owners`, of phrasings and the other entries' texts in the columns."""
    size = len(owners)
    columns = column_owners if column_owners is not None else owners
    step, column_step = max(1, size // 200), max(1, len(columns) // 200)
    values = [
        pairwise[i][j]
        for i in range(0, size, step)
        for j in range(0 if column_owners is not None else i + 1, len(columns), column_step)
        if owners[i] != columns[j]
    ]
    return statistics.median(values) if values else DEFAULT_FLOOR


@dataclass(frozen=True)
class FusedMatch:
    entry: FaqEntry
    score: float
    explained: int = 0
    agreement: float | None = None


def fused_ranking(
    entries: Sequence[FaqEntry],
    words: Sequence[Scored],
    similarities: Sequence[float],
    fusion: Fusion,
    explain: Callable[[int], int],
    answers: Sequence[float] | None = None,
) -> list[FusedMatch]:
    """Every entry by fused score, vetoes applied; the best one says what it explains."""
    position_of = {(entry.key, entry.kind): n for n, entry in enumerate(entries)}
    by_words = {
        position_of[(m.entry.key, m.entry.kind)]: m.score
        for m in words
        if (m.entry.key, m.entry.kind) in position_of
    }
    answers = answers if fusion.answer_weight > 0 else None
    fused = fusion.scores(by_words, similarities, answers)
    order = sorted(range(len(entries)), key=lambda n: -fused[n])
    ranked = without_vetoed([FusedMatch(entries[n], fused[n]) for n in order if fused[n] > 0])
    if ranked:
        top = position_of[(ranked[0].entry.key, ranked[0].entry.kind)]
        firsts = _rankers_firsts(entries, words, similarities, answers)
        agreement = sum(same_answer(ranked[0].entry, first) for first in firsts) / len(firsts)
        ranked[0] = replace(ranked[0], explained=explain(top), agreement=agreement)
    return ranked


def _rankers_firsts(
    entries: Sequence[FaqEntry],
    words: Sequence[Scored],
    similarities: Sequence[float],
    by_answer: Sequence[float] | None = None,
) -> list[FaqEntry]:
    """What each ranker puts first on its own: the words (vetoes applied), the meaning (no
    counter cards: a counter card says what a message is not, not what it is) and, when they
    count, the answers."""
    firsts: list[FaqEntry] = []
    by_words = without_vetoed(words)
    if by_words:
        firsts.append(by_words[0].entry)
    candidates = [n for n, entry in enumerate(entries) if entry.kind != "counter"]
    if candidates:
        firsts.append(entries[max(candidates, key=lambda n: similarities[n])])
    answered = [n for n, similarity in enumerate(by_answer or ()) if similarity > NO_TEXT]
    if by_answer and answered:
        firsts.append(entries[max(answered, key=lambda n: by_answer[n])])
    return firsts
