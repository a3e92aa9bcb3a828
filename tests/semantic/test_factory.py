"""Choosing the semantic stage from the settings (SUPPORTBOT_SEMANTIC, _EMBEDDING_MODEL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import build_cli
from bot.config import Config
from bot.semantic import build_semantic, factory
from tests.core.dialogue.conftest import KB_DIR
from tests.semantic.tiny_model import build


def config(tmp_path: Path, **values: object) -> Config:
    return Config(instance_dir=tmp_path / "instance", **values)  # type: ignore[arg-type]


def test_off_means_off(tmp_path: Path) -> None:
    choice = build_semantic(config(tmp_path, semantic=False))
    assert choice.scorer is None and "off" in choice.status


def test_auto_with_the_extra_installed_is_the_bundled_model(tmp_path: Path) -> None:
    choice = build_semantic(config(tmp_path, embedding_cache=str(tmp_path / "vectors")))
    assert choice.scorer is not None and "e5" in choice.scorer.name
    assert str(tmp_path / "vectors") in choice.status


def test_a_model_directory_is_served_by_onnx_runtime(tmp_path: Path) -> None:
    model = build(tmp_path / "tiny")
    choice = build_semantic(config(tmp_path, semantic=True, embedding_model=str(model)))
    assert choice.scorer is not None and "ONNX" in choice.scorer.name
    key = choice.scorer.register(["the invoice", "refund"])
    assert len(choice.scorer.similarities("de factuur", key)) == 2


def test_on_without_the_extra_stops_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(factory, "extra_installed", lambda: False)  # a machine without it
    with pytest.raises(RuntimeError, match="supportbot\\[semantic\\]"):
        build_semantic(config(tmp_path, semantic=True))
    assert build_semantic(config(tmp_path)).scorer is None  # auto: off, and says so


@pytest.mark.parametrize(("setting", "said"), [("false", "Semantic stage: off"), ("auto", "on")])
def test_kb_check_says_whether_the_stage_is_on(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    embedding_cache: Path,
    setting: str,
    said: str,
) -> None:
    monkeypatch.setenv("SUPPORTBOT_SEMANTIC", setting)
    monkeypatch.setenv("SUPPORTBOT_EMBEDDING_CACHE", str(embedding_cache))
    monkeypatch.setenv("SUPPORTBOT_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(build_cli(), ["kb", "check", "--data", str(KB_DIR)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "emantic stage" in line)
    assert said in line
