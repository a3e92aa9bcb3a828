"""Shared by the benchmarks: the data sets, where the real-world data is, printing a table.

Import it before ``bot``: it puts the repository on ``sys.path`` when run from a checkout.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from a checkout, without installing
    sys.path.insert(0, str(REPO))

from bot.core.knowledge.models import FaqEntry, Product, ThirdPartyComponent  # noqa: E402
from bot.core.matching import FaqIndex  # noqa: E402
from bot.storage.db import Database  # noqa: E402

SHARED = Path(os.environ.get("SUPPORTBOT_SHARED_DIR", "/work/shared"))
FAQ_BENCH = SHARED / "realworld" / "faq-bench"
VIRA = FAQ_BENCH / "vira-intents-en"
STACKFAQ = FAQ_BENCH / "stackfaq-en" / "stackExchange-FAQ.json"
POLICY_NL = SHARED / "seed" / "support-policy.nl.txt"


def vira_rows(split: str) -> list[tuple[str, str]]:
    """(sentence, canonical question) pairs of a VIRA split (train, dev, test)."""
    with (VIRA / f"{split}_23.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["sentence"], row["label"]) for row in csv.DictReader(handle)]


def stackfaq_threads() -> list[tuple[str, list[str], list[str]]]:
    """(question, answers, rephrasings) per StackFAQ thread; '*' placeholders dropped."""
    pairs = json.loads(STACKFAQ.read_text(encoding="utf-8"))["root"]["qapair"]

    def as_list(value: object) -> list[str]:
        items = value if isinstance(value, list) else [value]
        return [str(i) for i in items if i and str(i).strip() and str(i).strip() != "*"]

    return [(p["question"], as_list(p.get("answer")), as_list(p.get("rephr"))) for p in pairs]


def sentences(text: str) -> list[str]:
    """Split running text into sentences (full stop, question or exclamation mark, newline)."""
    parts = re.split(r"(?<=[.?!])\s+|\n+", text)
    return [p.strip() for p in parts if len(p.strip().split()) >= 3]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, columns padded to their widest cell."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))


@dataclass(frozen=True)
class Query:
    text: str
    language: str
    expected: str | None  # FAQ id, or None when no entry answers it


@dataclass(frozen=True)
class DataSet:
    name: str
    entries: list[FaqEntry]
    queries: list[Query]
    products: dict[str, Product] = field(default_factory=dict)
    languages: tuple[str, ...] = ("en",)
    third_party: tuple[ThirdPartyComponent, ...] = ()

    def index(self, **options: Any) -> FaqIndex:
        """The FaqIndex the engine would build for this data (with the route cards)."""
        from bot.core.knowledge.route_cards import builtin_cards

        return FaqIndex(
            self.entries,
            self.products,
            self.languages,
            third_party=self.third_party,
            cards=builtin_cards(self.languages),
            **options,
        )


def our_set() -> DataSet | None:
    """Our labelled paraphrases against the shipped faq_data/, loaded like production."""
    from bot.core.knowledge.loader import load_knowledge

    path = REPO / "bench" / "data" / "faq_paraphrases.yaml"
    if not path.exists() or not (REPO / "faq_data").is_dir():
        return None
    kb = load_knowledge(REPO / "faq_data")
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = [Query(str(r["query"]), r["lang"], r["expected"]) for r in rows]
    return DataSet(
        "ours (faq_data, nl+en)",
        list(kb.faq),
        queries,
        dict(kb.products),
        tuple(kb.policy.languages),
        tuple(kb.third_party),
    )


def vira_set(with_train: bool) -> DataSet | None:
    """VIRA test paraphrases → canonical questions (optionally + train paraphrases)."""
    if not VIRA.exists():
        return None
    train = vira_rows("train")
    labels = sorted({label for _, label in train})
    ids = {label: f"vira-{number}" for number, label in enumerate(labels)}
    alternatives: dict[str, list[str]] = {label: [] for label in labels}
    if with_train:
        for sentence, label in train:
            alternatives[label].append(sentence)
    entries = [
        FaqEntry(ids[label], "en", label, "", tuple(alternatives[label])) for label in labels
    ]
    queries = [Query(sentence, "en", ids[label]) for sentence, label in vira_rows("test")]
    name = "VIRA test, canonical + train paraphrases" if with_train else "VIRA test, canonical"
    return DataSet(name, entries, queries)


def stackfaq_set(with_answers: bool) -> DataSet | None:
    """StackFAQ rephrasings → thread questions (optionally with the threads' answers)."""
    if not STACKFAQ.exists():
        return None
    entries: list[FaqEntry] = []
    queries: list[Query] = []
    for number, (question, answers, rephrasings) in enumerate(stackfaq_threads()):
        answer = "\n\n".join(answers) if with_answers else ""
        entries.append(FaqEntry(f"stackfaq-{number}", "en", question, answer))
        queries.extend(Query(text, "en", f"stackfaq-{number}") for text in rephrasings)
    name = "StackFAQ, questions + answers" if with_answers else "StackFAQ, questions"
    return DataSet(name, entries, queries)


def foreign_sets() -> list[DataSet]:
    """The FAQ questions of the foreign evaluation sets (`bench/foreign_eval.py`): each set's
    first turns labelled with an FAQ entry, dev and held-out as separate data sets."""
    from bot.core.knowledge.loader import load_knowledge

    roots = sorted((SHARED / "eval").glob("vendor-*")) + sorted((REPO / "bench/eval").glob("*"))
    found = []
    for root in roots:
        if not (root / "cases.json").is_file():
            continue
        kb = load_knowledge(root / "kb")
        by_question = {(e.language, _normal(e.question)): e.id for e in kb.faq}
        by_question.update({("*", _normal(e.question)): e.id for e in kb.faq})
        cases = json.loads((root / "cases.json").read_text(encoding="utf-8"))
        for split in ("dev", "heldout"):
            queries = [
                Query(turn["say"], case["lang"], by_question[("*", _normal(turn["faq"]))])
                for case in cases
                if case["split"] == split
                for turn in case["turns"][:1]
                if "faq" in turn and ("*", _normal(turn["faq"])) in by_question
            ]
            found.append(
                DataSet(
                    f"{root.name} {split} (FAQ first turns)",
                    list(kb.faq),
                    queries,
                    dict(kb.products),
                    tuple(kb.policy.languages),
                    tuple(kb.third_party),
                )
            )
    return found


def _normal(question: str) -> str:
    return " ".join(re.sub(r"\W+", " ", question.lower()).split())


def load_data_sets() -> list[DataSet]:
    found = [our_set(), vira_set(False), vira_set(True), stackfaq_set(False), stackfaq_set(True)]
    return [data for data in found if data is not None] + foreign_sets()


# What the chat benchmarks ask, in turn: FAQ questions in both languages and a closing.
CHAT_QUESTIONS = (
    "Hoe installeer ik de plugin?",
    "How do I renew my licence?",
    "Waar vind ik mijn licentiesleutel?",
    "Can I move my licence to another site?",
    "Hoe zeg ik mijn abonnement op?",
    "bedankt!",
)


@contextmanager
def scratch_database(kind: str, postgres: str, workdir: Path, prefix: str) -> Iterator[str]:
    """The URL of an empty database for one run: a SQLite file in ``workdir``, or a new schema
    in ``postgres``'s database (``kind`` "postgresql"), dropped afterwards."""
    if kind != "postgresql":
        yield f"sqlite:///{workdir / (prefix + '.sqlite3')}"
        return
    schema = f"{prefix}_{int(time.time() * 1000)}"
    admin = Database(postgres)
    with admin.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres}?options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
