"""The human summary of a knowledge base."""

from __future__ import annotations

from bot.core.knowledge.models import FaqEntry, KnowledgeBase, Policy, Problem, Product
from bot.core.knowledge.report import summarize


def knowledge(problems: tuple[Problem, ...] = ()) -> KnowledgeBase:
    return KnowledgeBase(
        policy=Policy(company="Demo BV"),
        products={
            "shop": Product("shop", "Shop Pro", latest_version="3.1", requires_wp="6.2"),
            "theme": Product("theme", "Nice Theme", kind="theme", example=True),
        },
        faq=(
            FaqEntry("a", "nl", "Vraag?", "Antwoord."),
            FaqEntry("b", "nl", "Winkel?", "Ja.", product="shop"),
            FaqEntry("b", "en", "Shop?", "Yes.", product="shop"),
        ),
        problems=problems,
    )


def test_products_show_latest_version_requirements_and_faq_count() -> None:
    lines = summarize(knowledge()).splitlines()
    assert "Products (2)" in lines
    assert "  shop   3.1     6.2          -             -             2    Shop Pro" in lines
    assert (
        "  theme  -       -            -             -             0    Nice Theme (example)"
        in lines
    )


def test_faq_entries_are_counted_per_product_and_language() -> None:
    text = summarize(knowledge())
    assert "FAQ entries (3)" in text
    rows = [line.split() for line in text.splitlines() if line.startswith("  ")]
    assert ["(general)", "1", "0"] in rows
    assert ["shop", "1", "1"] in rows
    assert ["total", "2", "1"] in rows


def test_problems_list_errors_first_with_file_and_line() -> None:
    problems = (
        Problem("products/shop", None, "odd folder", "warning"),
        Problem("faq/nl/b.md", 7, "bad YAML"),
    )
    text = summarize(knowledge(problems))
    tail = text.split("Problems: 1 error, 1 warning\n", 1)[1].splitlines()
    assert tail == [
        "  faq/nl/b.md:7: error: bad YAML",
        "  products/shop: warning: odd folder",
    ]


def test_no_problems_and_no_products_are_said_plainly() -> None:
    empty = KnowledgeBase(policy=Policy(), products={}, faq=())
    text = summarize(empty)
    assert "Products: none" in text
    assert "Problems: none" in text
    assert "FAQ entries (0)" in text
