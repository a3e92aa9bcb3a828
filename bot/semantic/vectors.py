"""Vectors of registered texts, kept on disk by content, compared with numpy.

Implements the core's `SemanticScorer`. A text's vector is stored under a hash of the model name
and the text, in one file per model in the cache directory, so a restart (or another worker, or
another knowledge base with the same built-in route phrasings) embeds only what is new.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from bot.semantic.embedders import Embedder, Matrix

log = logging.getLogger(__name__)
BATCH = 32
RECENT_QUERIES = 64


class VectorStore:
    def __init__(self, embedder: Embedder, cache_dir: Path | None) -> None:
        self.embedder = embedder
        self.name = embedder.name
        self._cache_file = (
            cache_dir / f"{hashlib.sha256(embedder.name.encode()).hexdigest()[:16]}.npz"
            if cache_dir
            else None
        )
        self._vectors: dict[str, np.ndarray] = {}
        self._matrices: dict[Hashable, Matrix] = {}
        self._recent: dict[str, np.ndarray] = {}  # the last queries' vectors, oldest first
        self._lock = threading.Lock()  # the model is not re-entrant; the maps are shared
        self._load()

    # -- the SemanticScorer port -------------------------------------------------------------
    def register(self, texts: Sequence[str], *, passages: bool = False) -> Hashable:
        keys = [self._key(text, passages) for text in texts]
        group = hashlib.sha256("\n".join(keys).encode()).hexdigest()
        with self._lock:
            if group in self._matrices:
                return group
            missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in self._vectors]
            for start in range(0, len(missing), BATCH):
                chunk = missing[start : start + BATCH]
                rows = self.embedder.embed([text for _, text in chunk], passages=passages)
                self._vectors.update((k, row) for (k, _), row in zip(chunk, rows, strict=True))
            if missing:
                self._save()
            dimension = self._dimension()
            self._matrices[group] = (
                np.stack([self._vectors[k] for k in keys])
                if keys
                else np.zeros((0, dimension), dtype=np.float32)
            )
        return group

    def similarities(self, query: str, key: Hashable) -> Sequence[float]:
        matrix = self._matrices[key]
        vector = self._query_vector(query)
        scores: list[float] = (matrix @ vector).tolist() if len(matrix) else []
        return scores

    def pairwise(self, key: Hashable, other: Hashable | None = None) -> Sequence[Sequence[float]]:
        matrix = self._matrices[key]
        return SimilarityRows(matrix, self._matrices[other] if other is not None else matrix)

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's vector: a registered text's, the last few queries' (one customer message
        is compared with phrasings and answers, in more than one language), or the model's."""
        key = self._key(query)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is None:
                vector = self._recent.get(key)
            if vector is None:
                vector = self.embedder.embed([query])[0]
                self._recent[key] = vector
                while len(self._recent) > RECENT_QUERIES:
                    del self._recent[next(iter(self._recent))]
        return vector

    # -- the cache -----------------------------------------------------------------------------
    def _key(self, text: str, passage: bool = False) -> str:
        side = "passage\n" if passage else ""  # a question's key is as it always was
        return hashlib.sha256(f"{self.name}\n{side}{text}".encode()).hexdigest()

    def _dimension(self) -> int:
        some = next(iter(self._vectors.values()), None)
        return int(some.shape[0]) if some is not None else 0

    def _load(self) -> None:
        if self._cache_file is None or not self._cache_file.is_file():
            return
        try:
            with np.load(self._cache_file) as stored:
                keys, matrix = stored["keys"], stored["vectors"]
            self._vectors = {str(k): row for k, row in zip(keys, matrix, strict=True)}
        except (OSError, ValueError, KeyError) as exc:
            log.warning(
                "embedding cache %s unreadable (%s); embedding again", self._cache_file, exc
            )

    def _save(self) -> None:
        if self._cache_file is None or not self._vectors:
            return
        try:
            self._cache_file.parent.mkdir(parents=True, exist_ok=True)
            keys = list(self._vectors)
            handle, temporary = tempfile.mkstemp(dir=self._cache_file.parent, suffix=".npz")
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys])
                )
            os.replace(temporary, self._cache_file)  # another worker may write too: last wins
        except OSError as exc:
            log.warning("embedding cache %s not written (%s)", self._cache_file, exc)


class SimilarityRows(Sequence[Sequence[float]]):
    """Every text's similarity with every other (or with every text of a second matrix), one
    row computed when it is read.

    Calibration reads a few hundred rows; the whole matrix of a 10,000-entry knowledge base
    (about 30,000 phrasings) would take gigabytes as Python lists. The last row read is kept,
    as readers go row by row.
    """

    def __init__(self, matrix: Matrix, columns: Matrix) -> None:
        self._matrix = matrix
        self._columns = columns
        self._last: tuple[int, list[float]] = (-1, [])

    def __len__(self) -> int:
        return len(self._matrix)

    @overload
    def __getitem__(self, index: int) -> Sequence[float]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Sequence[float]]: ...
    def __getitem__(self, index: int | slice) -> Sequence[float] | Sequence[Sequence[float]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if self._last[0] != index:
            row: list[float] = (self._columns @ self._matrix[index]).tolist()
            self._last = (index, row)
        return self._last[1]
