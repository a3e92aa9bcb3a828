"""Every word prefix of every name the bot knows, in every awkward place, through every reader.

The names are the built-in third-party catalogue, the knowledge base's ``third_party.yaml`` and
our products (``tests.hostile_texts.name_variants``): each cut after each of its words, at the
start of a text and at its end, typo'd there, and with its short words replaced by letters
that fold to nothing. A text ending with the first words of "Contact Form 7" crashed the name
matcher; so did "ͺ Optimizer" for "SG Optimizer".

About 4,500 texts: each test loops over all of them (one pytest item, shared session
fixtures) and reports every failing text at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.knowledge.models import KnowledgeBase
from tests.conftest import NOW
from tests.error_log import ErrorRecords
from tests.hostile_texts import name_variants


@pytest.fixture(scope="module")
def variants(kb: KnowledgeBase) -> list[tuple[str, str]]:
    found = list(name_variants(kb))
    assert len(found) > 4000  # the catalogue, not a sample
    return found


def failures(
    variants: list[tuple[str, str]], read: Callable[[str], object], errors: ErrorRecords
) -> list[str]:
    """`read` every text; the texts that raised or made a ``bot.*`` logger log an error."""
    failed = []
    started = time.perf_counter()
    for how, text in variants:
        try:
            read(text)
        except Exception as error:  # noqa: BLE001 - collected, reported all at once below
            failed.append(f"{how}: {text!r}: {type(error).__name__}: {error}")
        if errors.records:
            failed.append(f"{how}: {text!r}: logged {errors.records[0].getMessage()}")
            errors.clear()
    elapsed = time.perf_counter() - started
    print(f"{len(variants)} texts in {elapsed:.1f} s")  # shown with -s, for the CI budget
    return failed


def test_every_name_variant_is_read(
    engine: Engine, variants: list[tuple[str, str]], bot_errors: ErrorRecords
) -> None:
    failed = failures(variants, engine.services.understanding.read, bot_errors)
    assert not failed, f"{len(failed)} texts failed:\n" + "\n".join(failed[:50])


def test_every_name_variant_is_searched_in_the_faq(
    engine: Engine, kb: KnowledgeBase, variants: list[tuple[str, str]], bot_errors: ErrorRecords
) -> None:
    languages = kb.policy.languages
    position = iter(range(len(variants)))

    def search(text: str) -> object:
        language = languages[next(position) % len(languages)]  # each language, in turn
        return engine.services.faq.search(text, language, limit=5)

    failed = failures(variants, search, bot_errors)
    assert not failed, f"{len(failed)} texts failed:\n" + "\n".join(failed[:50])


def test_every_name_variant_gets_a_turn(
    engine: Engine, variants: list[tuple[str, str]], bot_errors: ErrorRecords
) -> None:
    state = engine.new_state("en")

    def turn(text: str) -> object:
        result = engine.handle(state, text, NOW)
        assert result.messages, text
        return result

    failed = failures(variants, turn, bot_errors)
    assert not failed, f"{len(failed)} texts failed:\n" + "\n".join(failed[:50])
