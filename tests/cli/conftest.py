"""Command-line fixtures: the environment a ``supportbot`` command runs with, on each backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import REPO_ROOT


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "SUPPORTBOT_DATABASE_URL": database_url,
        "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
        "SUPPORTBOT_INSTANCE_DIR": str(tmp_path / "instance"),
        "SUPPORTBOT_SECRET_KEY": "test-secret",
        "SUPPORTBOT_SEMANTIC": "false",
    }
