"""The semantic stage inside the FAQ index: every phrasing of a language's entries, by meaning.

The phrasings (questions, alternatives, route examples) are registered with the scorer once,
per language; a query's similarity to an entry is its best similarity to one of the entry's
phrasings. Each FAQ entry's answer is registered too, as a passage: how close a question comes
to the answer is evidence of its own, for questions asked in words no phrasing has. A failing
model never fails a search: it is logged, and the words decide alone.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.knowledge.models import FaqEntry
from bot.core.retrieval.calibration import MeaningMatrix
from bot.core.retrieval.semantic import SemanticScorer, best_per_owner

log = logging.getLogger(__name__)
# Two whole entries this close in meaning (the mean of their phrasings' and their answers'
# similarity), each the other's closest and clearly so, are one article translated. Measured
# with e5 on the five bilingual knowledge bases we have (nl and en, different file names): the
# 37 translations score 0.90 and more, 0.029 and more ahead of the next entry; the closest
# neighbouring topics reach 0.906 but never lead by more than 0.017.
TWIN_SIMILARITY = 0.9
TWIN_LEAD = 0.025
ARTICLE_CHARS = 500


@dataclass(frozen=True)
class Translations:
    """What the semantic stage knows of an article in another language (none without it)."""

    twins: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    near: frozenset[tuple[str, str, str]] = frozenset()  # (language, id, other language)

    def twin_id(self, entry: FaqEntry, language: str) -> str | None:
        """The id of `entry`'s translation in `language`."""
        return self.twins.get((entry.language, entry.id), {}).get(language)

    def has_near(self, entry: FaqEntry, language: str) -> bool:
        """`language` has an article close in meaning to `entry` (a translation or a close
        neighbour: the same topic)."""
        return (entry.language, entry.id, language) in self.near


class MeaningIndex:
    def __init__(self, scorer: SemanticScorer, entries: Mapping[str, Sequence[FaqEntry]]) -> None:
        self.scorer = scorer
        self._entries = entries
        self._keys: dict[str, Hashable] = {}
        self._owners: dict[str, list[int]] = {}
        self._text_of: dict[str, dict[tuple[int, str], int]] = {}
        self._articles: dict[str, tuple[Hashable, Hashable, list[str]]] = {}
        self._answers: dict[str, tuple[Hashable, list[int]]] = {}  # key, row -> entry position
        for language, found in entries.items():
            texts: list[str] = []
            owners: list[int] = []
            text_of: dict[tuple[int, str], int] = {}
            for position, entry in enumerate(found):
                for phrasing in entry.phrasings:
                    text_of[(position, phrasing)] = len(texts)
                    texts.append(phrasing)
                    owners.append(position)
            self._keys[language] = scorer.register(texts)
            self._owners[language] = owners
            self._text_of[language] = text_of
            answered = [n for n, e in enumerate(found) if e.kind == "faq" and e.answer.strip()]
            if answered:  # a knowledge base of bare questions has no third ranker
                passages = [found[n].answer[:ARTICLE_CHARS] for n in answered]
                self._answers[language] = (scorer.register(passages, passages=True), answered)
            articles = [entry for entry in found if entry.kind == "faq"]
            if articles:
                questions = scorer.register([_asked(entry) for entry in articles])
                answers = scorer.register([entry.answer[:ARTICLE_CHARS] for entry in articles])
                self._articles[language] = (questions, answers, [e.id for e in articles])

    @property
    def name(self) -> str:
        return self.scorer.name

    def scores(self, query: str, language: str) -> list[float] | None:
        """Each entry's similarity to the query, in the language index's order; None when the
        model failed (logged) or the language has no entries."""
        key = self._keys.get(language)
        if key is None or not self._owners[language]:
            return None
        similarities = self._similarities(query, key)
        if similarities is None:
            return None
        size = len(self._entries[language])
        return best_per_owner(similarities, self._owners[language], size)

    def answer_scores(self, query: str, language: str) -> list[float] | None:
        """Each entry's answer's similarity to the query, in the language index's order (-1 for
        a route card or an entry without an answer); None when the model failed (logged) or no
        entry of the language has an answer."""
        found = self._answers.get(language)
        if found is None:
            return None
        key, positions = found
        similarities = self._similarities(query, key)
        if similarities is None:
            return None
        return best_per_owner(similarities, positions, len(self._entries[language]))

    def _similarities(self, query: str, key: Hashable) -> Sequence[float] | None:
        try:
            return self.scorer.similarities(query, key)
        except Exception:  # a broken model must not cost the customer an answer
            log.warning("semantic stage failed; the word rankers decide alone", exc_info=True)
            return None

    def translations(self, languages: Sequence[str]) -> Translations:
        """Entries that are translations of each other although their ids differ, and the
        entries that have an article close in meaning in another language.

        Each FAQ entry is read whole (its phrasings, and the start of its answer);
        two entries of two languages are twins when each is the other's closest, closely
        (`TWIN_SIMILARITY`) and clearly (`TWIN_LEAD` over the next)."""
        twins: dict[tuple[str, str], dict[str, str]] = {}
        near: set[tuple[str, str, str]] = set()
        for a in languages:
            for b in languages:
                if a >= b:
                    continue
                forward, backward = self._closest(a, b), self._closest(b, a)
                for source, target, closest in ((a, b, forward), (b, a, backward)):
                    near.update(
                        (source, entry, target)
                        for entry, (_, similarity, _) in closest.items()
                        if similarity >= TWIN_SIMILARITY
                    )
                for entry_a, (entry_b, similarity, lead) in forward.items():
                    back = backward.get(entry_b)
                    if back and back[0] == entry_a and similarity >= TWIN_SIMILARITY:
                        if min(lead, back[2]) >= TWIN_LEAD:
                            twins.setdefault((a, entry_a), {})[b] = entry_b
                            twins.setdefault((b, entry_b), {})[a] = entry_a
        return Translations(twins, frozenset(near))

    def _closest(self, source: str, target: str) -> dict[str, tuple[str, float, float]]:
        """Each FAQ entry of `source` -> (closest FAQ entry of `target`, similarity, lead)."""
        articles = self._articles.get(target)
        if articles is None:
            return {}
        questions, answers, ids = articles
        closest: dict[str, tuple[str, float, float]] = {}
        for entry in self._entries[source]:
            if entry.kind != "faq":
                continue
            by_question = self.scorer.similarities(_asked(entry), questions)
            by_answer = self.scorer.similarities(entry.answer[:ARTICLE_CHARS], answers)
            both = [(q + a) / 2 for q, a in zip(by_question, by_answer, strict=True)]
            scores = sorted(zip(both, ids, strict=True), reverse=True)
            if scores:
                lead = scores[0][0] - (scores[1][0] if len(scores) > 1 else 0.0)
                closest[entry.id] = (scores[0][1], scores[0][0], lead)
        return closest

    def matrix(self, language: str) -> MeaningMatrix:
        """Every phrasing against every other, and against every answer, for calibration."""
        key = self._keys[language]
        answers, answer_owners = self._answers.get(language, (None, []))
        return MeaningMatrix(
            self.scorer.pairwise(key),
            self._text_of[language],
            self._owners[language],
            self.scorer.pairwise(key, answers) if answers is not None else (),
            answer_owners,
        )


def _asked(entry: FaqEntry) -> str:
    """All the ways an entry is asked, as one text."""
    return " ".join(entry.phrasings)
