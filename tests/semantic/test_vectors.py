"""Registered texts' vectors: cached on disk by content, compared in order."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.semantic.embedders import Matrix, OnnxEmbedder
from bot.semantic.vectors import VectorStore
from tests.semantic.tiny_model import build


class Counting:
    """An adapter that counts what it is asked to embed (the model itself is real)."""

    def __init__(self, inner: OnnxEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts: list[str] = []
        self.passages: list[str] = []

    def embed(self, texts: Sequence[str], *, passages: bool = False) -> Matrix:
        (self.passages if passages else self.texts).extend(texts)
        return self.inner.embed(texts, passages=passages)


@pytest.fixture
def model(tmp_path: Path) -> OnnxEmbedder:
    return OnnxEmbedder(build(tmp_path / "tiny"))


def test_vectors_are_embedded_once_and_found_again_after_a_restart(
    tmp_path: Path, model: OnnxEmbedder
) -> None:
    first = Counting(model)
    key = VectorStore(first, tmp_path / "cache").register(["the invoice", "refund", "the theme"])
    assert len(first.texts) == 3
    again = Counting(model)
    store = VectorStore(again, tmp_path / "cache")
    assert store.register(["the invoice", "refund", "the theme"]) == key
    store.register(["refund", "a child theme"])  # one new text
    assert again.texts == ["a child theme"]


def test_similarities_come_in_the_registered_order(tmp_path: Path, model: OnnxEmbedder) -> None:
    store = VectorStore(model, None)
    key = store.register(["refund", "de factuur", "the theme"])
    scores = store.similarities("the invoice", key)
    assert len(scores) == 3 and int(np.argmax(scores)) == 1
    pairs = store.pairwise(key)
    assert np.allclose(np.diag(np.array(pairs)), 1.0, atol=1e-5)


def test_pairwise_rows_are_computed_when_read(tmp_path: Path, model: OnnxEmbedder) -> None:
    """Row by row, the same as the whole product: the whole one would not fit at 10,000 entries."""
    store = VectorStore(model, None)
    texts = ["refund", "de factuur", "the theme", "a child theme", "licence key"]
    key = store.register(texts)
    pairs = store.pairwise(key)
    vectors = np.stack([np.asarray(store.similarities(text, key)) for text in texts])
    assert len(pairs) == 5 and np.allclose(np.array(pairs), vectors, atol=1e-5)
    assert np.allclose(pairs[-1], pairs[4]) and np.allclose(pairs[1:3], vectors[1:3], atol=1e-5)
    with pytest.raises(IndexError):
        pairs[5]


def test_answers_are_embedded_as_passages_apart_from_questions(
    tmp_path: Path, model: OnnxEmbedder
) -> None:
    """A retrieval model embeds what is searched for on its own side: the same text registered
    as a passage is a different vector, cached under its own key."""
    counting = Counting(model)
    store = VectorStore(counting, tmp_path / "cache")
    questions = store.register(["refund", "the theme"])
    answers = store.register(["refund", "the theme", "a child theme"], passages=True)
    assert questions != answers
    assert counting.texts == ["refund", "the theme"]
    assert counting.passages == ["refund", "the theme", "a child theme"]
    rows = store.pairwise(questions, answers)  # question i against every answer
    assert len(rows) == 2 and len(rows[0]) == 3
    assert np.allclose(rows[1], store.similarities("the theme", answers), atol=1e-5)


def test_a_query_is_embedded_once_for_every_group_it_is_compared_with(
    tmp_path: Path, model: OnnxEmbedder
) -> None:
    """One customer message is compared with phrasings and answers, in each language."""
    counting = Counting(model)
    store = VectorStore(counting, None)
    groups = [store.register(["refund"]), store.register(["the theme"], passages=True)]
    counting.texts.clear()
    for key in groups:
        store.similarities("where is my invoice", key)
    assert counting.texts == ["where is my invoice"]


def test_a_broken_cache_file_is_embedded_anew_with_a_warning(
    tmp_path: Path, model: OnnxEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    store = VectorStore(model, tmp_path / "cache")
    store.register(["refund"])
    (cache_file,) = (tmp_path / "cache").glob("*.npz")
    cache_file.write_bytes(b"not a numpy file")
    counting = Counting(model)
    with caplog.at_level(logging.WARNING, logger="bot.semantic.vectors"):
        VectorStore(counting, tmp_path / "cache").register(["refund"])
    assert counting.texts == ["refund"] and "unreadable" in caplog.text
