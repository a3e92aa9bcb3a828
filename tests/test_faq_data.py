"""The shipped knowledge base (faq_data/) and the labelled paraphrase set agree with each other."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "faq_data"
PARAPHRASES = REPO / "bench" / "data" / "faq_paraphrases.yaml"
LANGUAGES = ("nl", "en")
PRODUCT_DIRS = sorted(p for p in (DATA_DIR / "products").iterdir() if p.is_dir())
REQUIRED_PRODUCT_FIELDS = (
    "name",
    "kind",
    "aliases",
    "latest_version",
    "requires_wp",
    "requires_php",
    "docs_url",
    "readme_language",
)
NOTES = {"typo", "compound", "mixed", "error-paste", "short", "long", "product-name", "no-answer"}
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


def read_front_matter(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a FAQ file directly with yaml, independent of the project's loader."""
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    assert match, f"{path}: no '---' front matter block"
    meta = yaml.safe_load(match["meta"])
    assert isinstance(meta, dict), f"{path}: front matter is not a mapping"
    return meta, match["body"]


def faq_ids(language: str) -> set[str]:
    return {p.stem for p in (DATA_DIR / "faq" / language).glob("*.md")}


def load_paraphrases() -> list[dict[str, Any]]:
    rows = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return rows


def product_slugs() -> set[str]:
    return {p.name for p in PRODUCT_DIRS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_30_faq_entries(language: str) -> None:
    assert len(faq_ids(language)) >= 30


def test_dutch_and_english_faq_ids_pair_up() -> None:
    nl, en = faq_ids("nl"), faq_ids("en")
    assert not nl - en, f"Dutch entries without an English twin: {sorted(nl - en)}"
    assert not en - nl, f"English entries without a Dutch twin: {sorted(en - nl)}"


@pytest.mark.parametrize(
    "path", sorted((DATA_DIR / "faq").glob("*/*.md")), ids=lambda p: f"{p.parent.name}/{p.stem}"
)
def test_faq_entry_has_question_alternatives_and_answer(path: Path) -> None:
    meta, body = read_front_matter(path)
    assert set(meta) <= {"question", "alternatives", "product", "tags"}, sorted(meta)
    assert isinstance(meta["question"], str) and meta["question"].strip()
    alternatives = meta.get("alternatives", [])
    assert 2 <= len(alternatives) <= 5 and all(isinstance(a, str) for a in alternatives)
    assert meta.get("product") in {None, *product_slugs()}
    assert body.strip(), "empty answer"
    assert "<" not in re.sub(r"`[^`]*`", "", body), "answers are Markdown, no HTML"


@pytest.mark.parametrize("language", LANGUAGES)
def test_paired_entries_are_about_the_same_product(language: str) -> None:
    other = "en" if language == "nl" else "nl"
    mismatched = [
        path.stem
        for path in sorted((DATA_DIR / "faq" / language).glob("*.md"))
        if (twin := DATA_DIR / "faq" / other / path.name).exists()
        and read_front_matter(path)[0].get("product") != read_front_matter(twin)[0].get("product")
    ]
    assert not mismatched


@pytest.mark.parametrize("product_dir", PRODUCT_DIRS, ids=lambda p: p.name)
def test_product_yaml_has_the_required_fields(product_dir: Path) -> None:
    product = yaml.safe_load((product_dir / "product.yaml").read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_PRODUCT_FIELDS if product.get(key) in (None, "", [])]
    assert not missing
    assert product["kind"] in {"plugin", "theme", "service"}
    assert all(isinstance(product[key], str) for key in ("latest_version", "requires_wp"))


@pytest.mark.parametrize("product_dir", PRODUCT_DIRS, ids=lambda p: p.name)
def test_demo_product_is_marked_as_example_and_agrees_with_its_readme(product_dir: Path) -> None:
    product = yaml.safe_load((product_dir / "product.yaml").read_text(encoding="utf-8"))
    readme = (product_dir / "readme.txt").read_text(encoding="utf-8")
    assert product["example"] is True
    assert "(example product)" in readme
    assert re.search(rf"^Stable tag:\s*{re.escape(product['latest_version'])}\s*$", readme, re.M)
    assert re.search(rf"^Requires PHP:\s*{re.escape(product['requires_php'])}\s*$", readme, re.M)


def test_policy_names_the_company_and_its_two_addresses() -> None:
    policy = yaml.safe_load((DATA_DIR / "policy.yaml").read_text(encoding="utf-8"))
    assert policy["company"] == "New Media Entertainment"
    assert policy["default_language"] == "nl" and policy["languages"] == ["nl", "en"]
    assert policy["response_hours"] == 24
    assert policy["helpdesk_email"] != policy["billing_email"]
    assert all(policy[k].endswith("@example.com") for k in ("helpdesk_email", "billing_email"))


def test_every_paraphrase_expects_a_faq_entry_that_exists_in_its_language() -> None:
    ids = {language: faq_ids(language) for language in LANGUAGES}
    unknown = [
        (row["lang"], row["expected"], row["query"])
        for row in load_paraphrases()
        if row["expected"] is not None and row["expected"] not in ids[row["lang"]]
    ]
    assert not unknown


def test_paraphrase_rows_are_well_formed() -> None:
    slugs = product_slugs()
    bad = [
        row
        for row in load_paraphrases()
        if not (isinstance(row.get("query"), str) and row["query"].strip())
        or row.get("lang") not in LANGUAGES
        or row.get("product") not in {None, *slugs}
        or row.get("note") not in NOTES
        or (row.get("note") == "no-answer") != (row.get("expected") is None)
    ]
    assert not bad


def test_paraphrase_set_is_big_bilingual_and_measures_abstention() -> None:
    rows = load_paraphrases()
    by_language = {language: [r for r in rows if r["lang"] == language] for language in LANGUAGES}
    assert len(rows) >= 200
    assert all(len(group) >= 80 for group in by_language.values())
    assert sum(r["expected"] is None for r in rows) >= 25
    assert len({r["query"].casefold() for r in rows}) == len(rows), "duplicate queries"
