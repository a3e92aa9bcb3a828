"""The embedding adapters, with real models: the bundled e5 and an ONNX model built here."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from bot.core.retrieval.semantic import MAX_SEMANTIC_CHARS
from bot.semantic.embedders import E5Embedder, OnnxEmbedder
from tests.semantic.tiny_model import VOCAB, build, table


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder()


def test_e5_vectors_are_normalised_and_carry_meaning_across_languages(e5: E5Embedder) -> None:
    rows = e5.embed(
        [
            "How do I create a child theme?",
            "hoe maak ik een kindthema",
            "Where do I enter my licence key?",
        ]
    )
    assert rows.shape == (3, 384)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    similar, unrelated = float(rows[0] @ rows[1]), float(rows[0] @ rows[2])
    assert similar > unrelated + 0.05  # Dutch and English for the same question


def test_a_huge_text_costs_what_a_bounded_one_costs(e5: E5Embedder) -> None:
    """The model sees at most MAX_SEMANTIC_CHARS: a pasted log must not cost seconds."""
    short = "the backup stops at the uploads folder " * 20
    assert len(short) > MAX_SEMANTIC_CHARS
    e5.embed([short])  # warm
    started = time.perf_counter()
    e5.embed([short])
    bounded = time.perf_counter() - started
    started = time.perf_counter()
    e5.embed([short * 400])  # 300,000 characters
    huge = time.perf_counter() - started
    assert huge < 3 * bounded + 0.05


def test_e5_takes_empty_and_odd_texts(e5: E5Embedder) -> None:
    rows = e5.embed(["", "   ", "😀" * 50, "\x00\x01"])
    assert rows.shape == (4, 384) and np.isfinite(rows).all()
    assert e5.embed([]).shape[0] == 0


def test_an_onnx_model_directory_is_mean_pooled_and_normalised(tmp_path: Path) -> None:
    embedder = OnnxEmbedder(build(tmp_path / "tiny"))
    rows = embedder.embed(["the invoice", "de factuur", "refund"])
    vectors = table()
    expected = (vectors[VOCAB.index("the")] + vectors[VOCAB.index("invoice")]) / 2
    expected /= np.linalg.norm(expected)
    assert np.allclose(rows[0], expected, atol=1e-5)
    assert float(rows[0] @ rows[1]) > float(rows[0] @ rows[2])
    assert "tiny" in embedder.name


def test_an_onnx_model_gets_its_prefix_and_token_limit(tmp_path: Path) -> None:
    plain = OnnxEmbedder(build(tmp_path / "plain"))
    prefixed = OnnxEmbedder(build(tmp_path / "prefixed", prefix="query: ", max_tokens=2))
    assert not np.allclose(plain.embed(["invoice"]), prefixed.embed(["invoice"]))
    # two tokens at most: "query:" and "invoice"; the rest is cut
    assert np.allclose(prefixed.embed(["invoice refund theme"]), prefixed.embed(["invoice"]))
