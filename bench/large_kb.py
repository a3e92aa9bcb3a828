"""A large knowledge base for memory and speed at scale: the shipped faq_data/ plus N generated
entries, written to a folder the server reads through ``SUPPORTBOT_DATA_DIR``.

The generated entries are not copies: each draws its subject, its action and its words from the
vocabulary of the shipped FAQ (per language), so the index holds about as many distinct terms and
postings per entry as a real knowledge base of that size. Seeded: the same N gives the same files.

Run alone: .venv/bin/python bench/large_kb.py DIR [--entries 10000]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

from common import REPO

SHIPPED = REPO / "faq_data"
WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
QUESTION_FORMS = {
    "en": ("How do I {a} the {b} in {p}?", "Why does {p} not {a} my {b}?",
           "Can I {a} {b} with {c}?", "Where do I find the {b} {c} setting?",
           "What happens to the {b} when I {a} {c}?"),
    "nl": ("Hoe kan ik de {b} in {p} {a}?", "Waarom werkt {a} van {b} niet in {p}?",
           "Kan ik {b} {a} met {c}?", "Waar vind ik de instelling {b} {c}?",
           "Wat gebeurt er met {b} als ik {c} {a}?"),
}  # fmt: skip


def vocabulary(language: str) -> list[str]:
    words: set[str] = set()
    for path in (SHIPPED / "faq" / language).glob("*.md"):
        words.update(w.lower() for w in WORD.findall(path.read_text(encoding="utf-8")))
    return sorted(words)


def products() -> list[str]:
    return sorted(p.name for p in (SHIPPED / "products").iterdir() if p.is_dir())


def entry(rng: random.Random, language: str, words: list[str], product: str) -> str:
    def pick() -> str:
        return rng.choice(words)

    def question() -> str:
        form = rng.choice(QUESTION_FORMS[language])
        return form.format(a=pick(), b=pick(), c=pick(), p=product)

    alternatives = "".join(f"  - {question()}\n" for _ in range(rng.randint(1, 3)))
    tags = ", ".join(f'"{pick()}"' for _ in range(rng.randint(2, 4)))  # quoted: "ja" is text
    sentences = []
    for _ in range(rng.randint(3, 7)):
        sentence = " ".join(pick() for _ in range(rng.randint(6, 16)))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
    body = " ".join(sentences)
    return (
        f"---\nquestion: {question()}\nalternatives:\n{alternatives}product: {product}\n"
        f"tags: [{tags}]\n---\n{body}\n"
    )


def build(folder: Path, entries: int, seed: int = 10_000) -> Path:
    """``folder`` with the shipped knowledge base and ``entries`` generated FAQ files."""
    shutil.copytree(SHIPPED, folder, dirs_exist_ok=True)
    rng = random.Random(seed)
    languages = sorted(QUESTION_FORMS)
    words = {language: vocabulary(language) for language in languages}
    names = products()
    for n in range(entries):
        language = languages[n % len(languages)]
        path = folder / "faq" / language / f"generated-{n:05d}.md"
        path.write_text(entry(rng, language, words[language], rng.choice(names)), "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    build(args.folder, args.entries)
    print(f"{args.entries:,} generated entries and the shipped ones in {args.folder}")


if __name__ == "__main__":
    main()
