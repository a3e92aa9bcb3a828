"""``supportbot ask`` shows what the search box shows: with the semantic stage when it is on."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from bot.cli import build_cli
from tests.core.dialogue.conftest import KB_DIR

QUERY = "pictures enlarge on a tap"  # no word in common with the lightbox entry's phrasings


def ask(semantic: str, embedding_cache: Path, tmp_path: Path) -> str:
    env = {
        "SUPPORTBOT_SEMANTIC": semantic,
        "SUPPORTBOT_EMBEDDING_CACHE": str(embedding_cache),
        "SUPPORTBOT_CALIBRATION_CACHE": str(tmp_path / "calibration"),
    }
    result = CliRunner().invoke(
        build_cli(), ["ask", QUERY, "--lang", "en", "--data", str(KB_DIR)], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_ask_finds_by_meaning_what_the_words_miss(embedding_cache: Path, tmp_path: Path) -> None:
    off = ask("off", embedding_cache, tmp_path)
    assert "Decision: none" in off
    assert "Semantic stage: off" in off
    on = ask("on", embedding_cache, tmp_path)
    assert "Semantic stage: on" in on
    assert re.search(r"Decision: (answer|suggest)", on)
    assert re.findall(r"^\s+\d+\. [\d.]+\s+\[\w+\] (\S+)", on, re.MULTILINE)[0] == "lightbox"
