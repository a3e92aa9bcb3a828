"""The plugin a product of ours extends (WooCommerce for a WooCommerce extension) is where it
runs, not another party; WordPress's default themes are never another party either."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.dialogue.understanding import Understanding
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from tests.core.dialogue.conftest import KB_DIR

REPORT = "Ticketeer 5.1.2 / WordPress 6.8.3 / WooCommerce 10.2: the ticket form stays empty"


def _extending_woocommerce(kb: KnowledgeBase) -> KnowledgeBase:
    products = dict(kb.products)
    products["ticketeer"] = replace(products["ticketeer"], platforms=("woocommerce",))
    return replace(kb, products=products)


def test_the_platform_named_with_our_product_is_not_another_party(
    bramble_kb: KnowledgeBase,
) -> None:
    assert Understanding(bramble_kb).read(REPORT).third_party == ("WooCommerce",)
    extending = Understanding(_extending_woocommerce(bramble_kb))
    assert extending.read(REPORT).third_party == ()
    # later in the conversation, with the product known from an earlier message
    assert extending.read("woocommerce 10.2, php 8.3", "ticketeer").third_party == ()
    # another vendor's plugin next to the platform still is
    both = extending.read("Ticketeer 5.1.2 with WooCommerce and Elementor: the form is empty")
    assert both.third_party == ("Elementor",)


def test_a_default_theme_is_never_another_party(bramble_kb: KnowledgeBase) -> None:
    signals = Understanding(bramble_kb).read(
        "all plugins off except ticketeer, twenty twenty-five as theme, still broken"
    )
    assert signals.third_party == () and signals.default_theme


@pytest.mark.parametrize(
    ("readme_name", "headers", "platforms"),
    [
        ("Seat Sorter", "Requires Plugins: woocommerce, elementor\n", ("woocommerce", "elementor")),
        ("Seat Sorter", "WC requires at least: 8.0\n", ("woocommerce",)),
        ("Seat Sorter for WooCommerce", "", ("woocommerce",)),
        ("Seat Sorter", "", ()),
    ],
)
def test_platforms_come_from_the_readme_and_the_products_name(
    tmp_path: Path, readme_name: str, headers: str, platforms: tuple[str, ...]
) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb_dir)
    folder = kb_dir / "products" / "seat-sorter"
    folder.mkdir()
    (folder / "readme.txt").write_text(
        f"=== {readme_name} ===\nContributors: someone\nStable tag: 1.2.0\n{headers}"
        "License: GPLv2\n\nSeats for events.\n\n== Description ==\n\nSeats.\n",
        encoding="utf-8",
    )
    assert load_knowledge(kb_dir).products["seat-sorter"].platforms == platforms
