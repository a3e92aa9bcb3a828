"""Where the real-world data nobody here wrote lives: ``../shared`` next to the checkout.

``SUPPORTBOT_SHARED_DIR`` points elsewhere. Tests that need it are skipped when it is absent
(the data is not part of the repository and must not be copied into it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.config import REPO_ROOT

SHARED_DIR = Path(os.environ.get("SUPPORTBOT_SHARED_DIR") or REPO_ROOT.parent / "shared")


def shared_path(*parts: str) -> Path:
    """A path in the shared data; the calling test is skipped when it does not exist."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")
    return path
