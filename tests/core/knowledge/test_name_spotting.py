"""The name matcher's mechanism: tokens, and fuzzy windows at the end of a text or a cut."""

from __future__ import annotations

import pytest

from bot.core.knowledge.name_spotting import FUZZY_CHARS, tokenize
from bot.core.knowledge.third_party import ThirdPartyCatalogue, builtin_components
from tests.hostile_texts import (
    CRASHERS,
    letters_that_fold_to_nothing,
    letters_that_fold_to_several_words,
)


@pytest.fixture(scope="module")
def catalogue() -> ThirdPartyCatalogue:
    return ThirdPartyCatalogue(builtin_components(), exclude_names=["AppointPress"])


def names_in(catalogue: ThirdPartyCatalogue, text: str) -> list[str]:
    return [match.component.name for match in catalogue.find_in_text(text)]


@pytest.mark.parametrize("text", CRASHERS)
def test_texts_that_crashed_the_matcher_are_read(catalogue: ThirdPartyCatalogue, text: str) -> None:
    assert isinstance(names_in(catalogue, text), list)


def test_a_text_ending_with_the_first_words_of_a_name_is_not_that_name(
    catalogue: ThirdPartyCatalogue,
) -> None:
    assert "Contact Form 7" not in names_in(catalogue, "spam through my contact form")
    assert names_in(catalogue, "spam through my contact form 7") == ["Contact Form 7"]
    assert names_in(catalogue, "Smart Slider 3 shows nothing") == ["Smart Slider 3"]


def test_a_typo_in_the_last_word_of_a_name_at_the_end_is_still_found(
    catalogue: ThirdPartyCatalogue,
) -> None:
    assert names_in(catalogue, "since I installed Yoast SOE") == ["Yoast SEO"]


def test_a_letter_that_folds_to_nothing_is_not_a_word() -> None:
    for letter in letters_that_fold_to_nothing():
        assert [t.text for t in tokenize(f"{letter} Optimizer")] == ["Optimizer"]
    assert "ͺ" in letters_that_fold_to_nothing()


def test_a_letter_that_folds_to_several_words_stays_one_word() -> None:
    assert letters_that_fold_to_several_words()
    for letter in letters_that_fold_to_several_words():
        (token,) = tokenize(letter)
        assert token.folded and " " not in token.folded


def test_a_replaced_short_word_leaves_the_rest_of_the_name(
    catalogue: ThirdPartyCatalogue,
) -> None:
    assert names_in(catalogue, "ͺ Optimizer") == []
    assert names_in(catalogue, "the SG Optimizer plugin") == ["Speed Optimizer"]


@pytest.mark.parametrize("words_before_cut", [1, 2])
def test_a_name_across_the_fuzzy_cut_is_read(
    catalogue: ThirdPartyCatalogue, words_before_cut: int
) -> None:
    name = "Contact Form 7"
    head = " ".join(name.split()[:words_before_cut])
    filler = "x " * ((FUZZY_CHARS - len(head)) // 2)
    text = filler[: FUZZY_CHARS - len(head) - 1] + " " + name + " is broken"
    assert text[:FUZZY_CHARS].endswith(head)
    assert names_in(catalogue, text) == ["Contact Form 7"]  # exact matching reads past the cut
