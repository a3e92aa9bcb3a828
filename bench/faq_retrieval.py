"""FAQ retrieval benchmark: Supportbot's FaqIndex against two baselines, in one table.

Data sets (skipped when absent):
- ours: bench/data/faq_paraphrases.yaml against the shipped faq_data/ (via the loader);
- VIRA: test paraphrases against the 181 canonical questions, alone and with the train
  paraphrases added as each FAQ's alternatives;
- StackFAQ: user rephrasings against the thread questions, alone and with the answers.
Baselines, run in the same process: rapidfuzz ``process.extract`` with ``WRatio`` over the
questions and alternatives (``processor=utils.default_process``; extractOne gives the same
top-1), and plain BM25 (lower-case ``\\w+`` tokens, no stemming or synonyms). "Supportbot, RRF"
ranks with the same rankers fused by reciprocal rank instead of the weighted sum.
"Supportbot + semantic" (when the `semantic` extra is installed, SUPPORTBOT_SEMANTIC not off)
ranks by words and meaning together (the bundled multilingual-e5-small) with its own gate; its
latency includes embedding the query (single-threaded). A last row asks our Dutch questions of
the English entries alone. Latency rows: one query (``FaqIndex.search``) against synthetic
indexes of 100, 1,000 and 10,000 entries built from real FAQ text.

Run: .venv/bin/python bench/faq_retrieval.py
"""

from __future__ import annotations

import math
import os
import random
import re
import time
from collections import Counter
from dataclasses import astuple, dataclass, field
from pathlib import Path

from common import REPO, DataSet, Query, load_data_sets, our_set, print_table
from rapidfuzz import fuzz, process, utils

from bot.core.knowledge.models import FaqEntry
from bot.core.matching import FaqIndex
from bot.core.retrieval.decision import decide, lead_of
from bot.core.retrieval.semantic import SemanticScorer

TOP = 10
HEADERS = (
    "data set", "queries", "method", "top-1", "top-3", "MRR@10",
    "answered", "answer precision", "p50 ms", "p99 ms",
)  # fmt: skip


class WRatioBaseline:
    """rapidfuzz's default scorer over every question and alternative, best per entry."""

    def __init__(self, entries: list[FaqEntry]) -> None:
        self._choices = [t for e in entries for t in (e.question, *e.alternatives)]
        self._owners = [e.id for e in entries for _ in (e.question, *e.alternatives)]

    def rank(self, text: str, limit: int) -> list[str]:
        hits = process.extract(
            text, self._choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None
        )
        return list(dict.fromkeys(self._owners[i] for _, _, i in hits))[:limit]


class Bm25Baseline:
    """Okapi BM25 (k1 1.5, b 0.75) over lower-case word tokens; each phrasing a document,
    the question's document with the answer appended; best document per entry."""

    def __init__(self, entries: list[FaqEntry], k1: float = 1.5, b: float = 0.75) -> None:
        docs: list[list[str]] = []
        self._owners: list[str] = []
        for entry in entries:
            for number, text in enumerate((entry.question, *entry.alternatives)):
                docs.append(_tokens(text + (" " + entry.answer if number == 0 else "")))
                self._owners.append(entry.id)
        average = sum(map(len, docs)) / max(len(docs), 1)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for doc_id, doc in enumerate(docs):
            norm = k1 * (1 - b + b * len(doc) / average)
            for term, tf in Counter(doc).items():
                self._postings.setdefault(term, []).append((doc_id, tf * (k1 + 1) / (tf + norm)))
        total = len(docs)
        self._idf = {
            t: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for t, p in self._postings.items()
        }

    def rank(self, text: str, limit: int) -> list[str]:
        scores: dict[int, float] = {}
        for term in set(_tokens(text)):
            for doc, saturation in self._postings.get(term, ()):
                scores[doc] = scores.get(doc, 0.0) + self._idf[term] * saturation
        ordered = sorted(scores, key=lambda d: -scores[d])
        return list(dict.fromkeys(self._owners[d] for d in ordered))[:limit]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def rrf_ranking(index: FaqIndex, text: str, language: str, k: int = 60) -> list[str]:
    """Entry ids ranked by reciprocal rank fusion of Supportbot's rankers (no product boost)."""
    by_entry = index.ranker_scores(text, language)
    table = {entry: astuple(scores) for entry, scores in by_entry.items()}
    fused: dict[str, float] = {}
    for ranker in range(len(next(iter(table.values()), ()))):
        ordered = sorted(table, key=lambda entry: -table[entry][ranker])
        for rank, entry in enumerate(ordered, start=1):
            if table[entry][ranker] > 0:
                fused[entry.id] = fused.get(entry.id, 0.0) + 1 / (k + rank)
    return sorted(fused, key=lambda entry_id: -fused[entry_id])[:TOP]


@dataclass
class Scores:
    """Ranking quality of one method on one data set."""

    top1: int = 0
    top3: int = 0
    reciprocal: float = 0.0
    labelled: int = 0
    answered: int = 0
    answered_right: int = 0
    latencies: list[float] = field(default_factory=list)

    def add(self, ranking: list[str], expected: str | None) -> None:
        if expected is None:
            return
        self.labelled += 1
        self.top1 += ranking[:1] == [expected]
        self.top3 += expected in ranking[:3]
        if expected in ranking[:TOP]:
            self.reciprocal += 1 / (ranking.index(expected) + 1)

    def row(self, data: DataSet, method: str, gate: bool) -> tuple[object, ...]:
        n = max(self.labelled, 1)
        latency = sorted(self.latencies)
        return (
            data.name, len(data.queries), method,
            f"{self.top1 / n:.3f}", f"{self.top3 / n:.3f}", f"{self.reciprocal / n:.3f}",
            f"{self.answered / len(data.queries):.2f}" if gate else "",
            f"{self.answered_right / max(self.answered, 1):.3f}" if gate else "",
            f"{_percentile(latency, 0.5):.2f}" if latency else "",
            f"{_percentile(latency, 0.99):.2f}" if latency else "",
        )  # fmt: skip


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def supportbot(data: DataSet, index: FaqIndex, rrf: bool = False) -> Scores:
    scores = Scores()
    for query in data.queries:
        start = time.perf_counter()
        result = index.search(query.text, query.language, limit=3)
        scores.latencies.append(time.perf_counter() - start)
        if rrf:
            ranking = rrf_ranking(index, query.text, result.language)
        else:
            ranking = [m.entry.id for m in index.ranked(query.text, result.language, limit=TOP)]
        scores.add(ranking, query.expected)
        if result.decision == "answer" and result.best is not None:
            scores.answered += 1
            scores.answered_right += result.best.entry.id == query.expected
    if rrf:
        scores.latencies = []
    return scores


def baseline(data: DataSet, ranker: WRatioBaseline | Bm25Baseline) -> Scores:
    scores = Scores()
    for query in data.queries:
        scores.add(ranker.rank(query.text, TOP), query.expected)
    return scores


def with_meaning(data: DataSet, index: FaqIndex) -> Scores:
    """The fused ranking (words and meaning) for every query; answered as the dialogue
    answers: the words' answer when their gate is certain, else the fused one's."""
    scores = Scores()
    for query in data.queries:
        start = time.perf_counter()
        result = index.search(query.text, query.language, limit=3)
        language = result.language
        ranked = index.fused_candidates(query.text, language, faq_only=True, k=TOP) or ()
        scores.latencies.append(time.perf_counter() - start)
        scores.add([m.entry.id for m in ranked], query.expected)
        answer = None
        if result.decision == "answer" and result.best is not None:
            answer = result.best.entry
        elif (
            ranked
            and decide(lead_of(ranked), index.gate(language, fused=True), "shown") == "answer"
        ):
            answer = ranked[0].entry
        if answer is not None:
            scores.answered += 1
            scores.answered_right += answer.id == query.expected
    return scores


def semantic_scorer() -> SemanticScorer | None:
    """The bundled model with a vector cache next to the run's, when the extra is installed."""
    if os.environ.get("SUPPORTBOT_SEMANTIC", "auto").lower() in ("0", "false", "off", "no"):
        return None
    try:
        from bot.semantic.embedders import E5Embedder
        from bot.semantic.vectors import VectorStore
    except ImportError:
        return None
    cache = Path(os.environ.get("SUPPORTBOT_EMBEDDING_CACHE") or REPO / "instance" / "embeddings")
    return VectorStore(E5Embedder(), cache)


def evaluate(data: DataSet, scorer: SemanticScorer | None) -> list[tuple[object, ...]]:
    index = data.index()
    rows = [supportbot(data, index).row(data, "Supportbot", gate=True)]
    if scorer is not None:
        semantic = data.index(semantic=scorer)
        rows.append(with_meaning(data, semantic).row(data, "Supportbot + semantic", gate=True))
    rows.append(supportbot(data, index, rrf=True).row(data, "Supportbot, RRF", gate=False))
    rows.append(baseline(data, WRatioBaseline(data.entries)).row(data, "WRatio", gate=False))
    rows.append(baseline(data, Bm25Baseline(data.entries)).row(data, "BM25", gate=False))
    return rows


def latency_rows(sets: list[DataSet]) -> list[tuple[object, ...]]:
    """Query latency against synthetic indexes made of the data sets' real questions/answers."""
    rng = random.Random(20261126)
    questions = [
        (e.language, t) for d in sets for e in d.entries for t in (e.question, *e.alternatives)
    ]
    answers = [e.answer for d in sets for e in d.entries if e.answer]
    queries = [q for d in sets for q in d.queries]
    rng.shuffle(queries)
    rows: list[tuple[object, ...]] = []
    for size in (100, 1_000, 10_000):
        entries = synthetic_entries(size, questions, answers, rng)
        index = FaqIndex(entries)
        for query in queries[500:550]:  # warm up, like a server that has been running
            index.search(query.text, query.language)
        timings = []
        for query in queries[:500]:
            start = time.perf_counter()
            index.search(query.text, query.language)
            timings.append(time.perf_counter() - start)
        timings.sort()
        name = f"synthetic, {size:,} entries"
        p50, p99 = _percentile(timings, 0.5), _percentile(timings, 0.99)
        rows.append((name, len(timings), "Supportbot", *[""] * 5, f"{p50:.2f}", f"{p99:.2f}"))
    return rows


def synthetic_entries(
    size: int, questions: list[tuple[str, str]], answers: list[str], rng: random.Random
) -> list[FaqEntry]:
    """Entries of a real question, two other real questions as alternatives, a real answer."""
    entries = []
    for number in range(size):
        (language, question), *alternatives = rng.sample(questions, 3)
        entries.append(FaqEntry(
            id=f"synthetic-{number}", language=language, question=question,
            alternatives=tuple(t for _, t in alternatives), answer=rng.choice(answers)[:1500],
        ))  # fmt: skip
    return entries


def dutch_to_english_only(scorer: SemanticScorer | None) -> list[tuple[object, ...]]:
    """Dutch questions of our set against the English entries alone: can a Dutch customer find
    an article that exists only in English?"""
    ours = our_set()
    if ours is None:
        return []
    english = [e for e in ours.entries if e.language == "en"]
    ids = {e.id for e in english}
    queries = [
        Query(q.text, "en", q.expected)
        for q in ours.queries
        if q.language == "nl" and q.expected in ids
    ]
    data = DataSet(
        "ours: Dutch questions, English-only FAQ", english, queries, ours.products, ("en",)
    )
    rows = [supportbot(data, data.index()).row(data, "Supportbot", gate=True)]
    if scorer is not None:
        semantic = data.index(semantic=scorer)
        rows.append(with_meaning(data, semantic).row(data, "Supportbot + semantic", gate=True))
    return rows


def main() -> None:
    sets = load_data_sets()
    scorer = semantic_scorer()
    rows: list[tuple[object, ...]] = []
    for data in sets:
        rows.extend(evaluate(data, scorer))
    rows.extend(dutch_to_english_only(scorer))
    if sets:
        rows.extend(latency_rows(sets))
    print_table(HEADERS, rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nLatency: wall-clock per search, {os.cpu_count()} vCPUs, load average {load:.1f}.")


if __name__ == "__main__":
    main()
