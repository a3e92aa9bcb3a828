"""A tiny sentence-embedding model the tests build themselves: a word-level tokenizer and an ONNX
graph that looks each token up in a table (the "last hidden state"), in the layout operators'
exported models have (``input_ids``, ``attention_mask`` in; ``[batch, tokens, dim]`` out)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer, models, pre_tokenizers

VOCAB = [
    "[PAD]", "[UNK]", "query:", "invoice", "factuur", "refund", "geld", "terug", "theme",
    "thema", "child", "kind", "how", "do", "i", "get", "my", "an", "a", "the", "de", "een",
]  # fmt: skip
DIMENSION = 8


def table() -> np.ndarray:
    """Token vectors: translations share a direction, so "invoice" ~ "factuur"."""
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(VOCAB), DIMENSION)).astype(np.float32) * 0.1
    for a, b in (("invoice", "factuur"), ("refund", "geld"), ("theme", "thema"), ("child", "kind")):
        base = rng.normal(size=DIMENSION).astype(np.float32)
        vectors[VOCAB.index(a)] = base
        vectors[VOCAB.index(b)] = base + rng.normal(size=DIMENSION).astype(np.float32) * 0.05
    return vectors


def build(directory: Path, *, prefix: str = "", max_tokens: int = 16) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.save(str(directory / "tokenizer.json"))
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    out = helper.make_tensor_value_info(
        "last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", DIMENSION]
    )
    weights = numpy_helper.from_array(table(), name="table")
    gather = helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"], axis=0)
    # the mask is an input, as in real models, though this graph does not need it
    keep = helper.make_node("Identity", ["attention_mask"], ["mask_kept"])
    graph = helper.make_graph(
        [gather, keep],
        "tiny",
        [ids, mask],
        [out, helper.make_tensor_value_info("mask_kept", TensorProto.INT64, ["batch", "tokens"])],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    settings = {"prefix": prefix, "max_tokens": max_tokens}
    (directory / "supportbot-embedding.json").write_text(json.dumps(settings))
    return directory
