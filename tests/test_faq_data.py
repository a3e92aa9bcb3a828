"""The shipped knowledge base (faq_data/) and the labelled paraphrase set agree with each other."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.knowledge.readme import parse_readme

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
KB = load_knowledge(DATA_DIR)


def faq_file_entries(kb: KnowledgeBase, language: str) -> list[FaqEntry]:
    """Entries written as faq/<lang>/<id>.md (readme.txt FAQ items exist in one language only)."""
    return [e for e in kb.faq if e.language == language and e.source.startswith("faq/")]


def faq_ids(language: str) -> set[str]:
    return {entry.id for entry in faq_file_entries(KB, language)}


def load_paraphrases() -> list[dict[str, Any]]:
    rows = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    assert isinstance(rows, list)
    return rows


def test_the_shipped_knowledge_base_loads_without_problems() -> None:
    assert [str(problem) for problem in KB.problems] == []
    assert set(KB.products) == {p.name for p in PRODUCT_DIRS}


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_at_least_30_faq_entries(language: str) -> None:
    assert len(faq_ids(language)) >= 30


def test_dutch_and_english_faq_ids_pair_up() -> None:
    nl, en = faq_ids("nl"), faq_ids("en")
    assert not nl - en, f"Dutch entries without an English twin: {sorted(nl - en)}"
    assert not en - nl, f"English entries without a Dutch twin: {sorted(en - nl)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_faq_entries_have_question_alternatives_and_a_markdown_answer(language: str) -> None:
    bad = [
        entry.id
        for entry in faq_file_entries(KB, language)
        if not entry.question.strip()
        or not 2 <= len(entry.alternatives) <= 5
        or not entry.answer.strip()
        or "<" in re.sub(r"`[^`]*`", "", entry.answer)  # Markdown only, no HTML
    ]
    assert not bad


@pytest.mark.parametrize("language", LANGUAGES)
def test_paired_entries_are_about_the_same_product(language: str) -> None:
    other = "en" if language == "nl" else "nl"
    mismatched = [
        entry.id
        for entry in faq_file_entries(KB, language)
        if (twin := KB.faq_entry(other, entry.id)) and twin.product != entry.product
    ]
    assert not mismatched


@pytest.mark.parametrize("product_dir", PRODUCT_DIRS, ids=lambda p: p.name)
def test_product_yaml_has_the_required_fields(product_dir: Path) -> None:
    # Read the file itself: the loader would fill gaps from readme.txt and hide a missing field.
    product = yaml.safe_load((product_dir / "product.yaml").read_text(encoding="utf-8"))
    missing = [key for key in REQUIRED_PRODUCT_FIELDS if product.get(key) in (None, "", [])]
    assert not missing
    assert product["kind"] in {"plugin", "theme", "service"}
    assert all(isinstance(product[key], str) for key in ("latest_version", "requires_wp"))


@pytest.mark.parametrize("product_dir", PRODUCT_DIRS, ids=lambda p: p.name)
def test_demo_product_is_marked_as_example_and_agrees_with_its_readme(product_dir: Path) -> None:
    product = KB.products[product_dir.name]
    readme = parse_readme((product_dir / "readme.txt").read_text(encoding="utf-8"))
    assert product.example
    assert readme.short_description.endswith("(example product)")
    assert readme.warnings == ()
    assert (readme.stable_tag, readme.requires_wp, readme.requires_php) == (
        product.latest_version,
        product.requires_wp,
        product.requires_php,
    )
    assert len(readme.faq) >= 3 and 6 <= len(readme.changelog) <= 10


def test_policy_names_the_company_and_its_two_addresses() -> None:
    policy = KB.policy
    assert policy.company == "New Media Entertainment"
    assert (policy.default_language, policy.languages) == ("nl", ("nl", "en"))
    assert policy.response_hours == 24
    assert policy.helpdesk_email != policy.billing_email
    assert all(a.endswith("@example.com") for a in (policy.helpdesk_email, policy.billing_email))


def test_every_paraphrase_expects_a_faq_entry_that_exists_in_its_language() -> None:
    unknown = [
        (row["lang"], row["expected"], row["query"])
        for row in load_paraphrases()
        if row["expected"] is not None and KB.faq_entry(row["lang"], row["expected"]) is None
    ]
    assert not unknown


def test_paraphrase_rows_are_well_formed() -> None:
    bad = [
        row
        for row in load_paraphrases()
        if not (isinstance(row.get("query"), str) and row["query"].strip())
        or row.get("lang") not in LANGUAGES
        or row.get("product") not in {None, *KB.products}
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
