"""No module in ``bot/`` over 350 lines: a module that grows past it holds two concepts."""

from __future__ import annotations

from bot.config import REPO_ROOT

MAX_LINES = 350


def test_no_module_in_bot_is_over_350_lines() -> None:
    modules = sorted((REPO_ROOT / "bot").rglob("*.py"))
    assert len(modules) > 100  # the walk found the package
    too_long = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
