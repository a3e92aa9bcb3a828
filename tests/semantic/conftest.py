"""The semantic stage's tests run the real bundled model; vectors are cached for the whole run
(``SUPPORTBOT_EMBEDDING_CACHE``, which ``./dev test`` points at its run folder) so each text is
embedded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.semantic.embedders import E5Embedder
from bot.semantic.vectors import VectorStore


@pytest.fixture(scope="session")
def embedding_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("SUPPORTBOT_EMBEDDING_CACHE")
    return Path(configured) if configured else tmp_path_factory.mktemp("embeddings")


@pytest.fixture(scope="session")
def e5_store(embedding_cache: Path) -> VectorStore:
    return VectorStore(E5Embedder(), embedding_cache)
