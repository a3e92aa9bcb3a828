"""How the answer gate's thresholds trade answer rate against precision (how they were tuned).

Tuning data: the VIRA dev split (canonical questions + train paraphrases as alternatives) and
the even-numbered queries of bench/data/faq_paraphrases.yaml; the odd half is shown as a
held-out check. "answered" counts queries whose best score >= answer and whose lead over the
runner-up >= margin; precision counts those whose best entry is the expected one (a query
without an expected entry that gets answered is wrong).

Run: .venv/bin/python bench/tune_gate.py
"""

from __future__ import annotations

from common import DataSet, Query, our_set, print_table, vira_rows

from bot.core.knowledge.models import FaqEntry

ANSWER = (0.25, 0.3, 0.35, 0.4, 0.5)
MARGIN = (0.0, 0.04, 0.08, 0.12, 0.16)
Outcome = tuple[float, float, bool]  # best score, runner-up score, best is right


def vira_dev() -> DataSet:
    train = vira_rows("train")
    labels = sorted({label for _, label in train})
    ids = {label: f"vira-{number}" for number, label in enumerate(labels)}
    alternatives: dict[str, list[str]] = {label: [] for label in labels}
    for sentence, label in train:
        alternatives[label].append(sentence)
    entries = [FaqEntry(ids[lb], "en", lb, "", tuple(alternatives[lb])) for lb in labels]
    queries = [Query(sentence, "en", ids[label]) for sentence, label in vira_rows("dev")]
    return DataSet("VIRA dev", entries, queries)


def outcomes(data: DataSet, queries: list[Query]) -> list[Outcome]:
    index = data.index()
    found: list[Outcome] = []
    for query in queries:
        language = index.search(query.text, query.language).language
        ranked = index.ranked(query.text, language, limit=2)
        scores = [m.score for m in ranked] + [0.0, 0.0]
        right = bool(ranked) and ranked[0].entry.id == query.expected
        found.append((scores[0], scores[1], right))
    return found


def rate(found: list[Outcome], answer: float, margin: float) -> str:
    answered = [ok for best, second, ok in found if best >= answer and best - second >= margin]
    precision = sum(answered) / len(answered) if answered else 0.0
    return f"{len(answered) / len(found):.2f} / {precision:.3f}"


def main() -> None:
    sets: list[tuple[str, list[Outcome]]] = []
    ours = our_set()
    if ours is not None:
        sets.append(("ours, even half", outcomes(ours, ours.queries[0::2])))
        sets.append(("ours, odd half (held out)", outcomes(ours, ours.queries[1::2])))
    try:
        dev = vira_dev()
    except FileNotFoundError:
        dev = None
    if dev is not None:
        sets.append(("VIRA dev", outcomes(dev, dev.queries)))
    rows = [
        (answer, margin, *(rate(found, answer, margin) for _, found in sets))
        for answer in ANSWER
        for margin in MARGIN
    ]
    headers = ("answer >=", "margin >=", *(f"{name}: answered / precision" for name, _ in sets))
    print_table(headers, rows)


if __name__ == "__main__":
    main()
