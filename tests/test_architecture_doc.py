"""docs/architecture.md matches the code: every module and folder it names exists."""

from __future__ import annotations

import re

from bot.config import REPO_ROOT

DOC = REPO_ROOT / "docs" / "architecture.md"
PATHS = re.compile(r"`((?:bot|tests|docs)/[\w/.]*)`")


def test_every_path_the_architecture_page_names_exists() -> None:
    named = set(PATHS.findall(DOC.read_text()))
    assert len(named) > 30  # the page names modules, not only layers
    assert sorted(path for path in named if not (REPO_ROOT / path).exists()) == []
