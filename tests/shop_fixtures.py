"""The example payloads and CSV of docs/subscriptions.md, so the docs and the tests agree."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.config import REPO_ROOT

DOC = REPO_ROOT / "docs" / "subscriptions.md"
_FIXTURE = re.compile(r"<!-- fixture: ([\w-]+) -->\n```\w*\n(.*?)\n```", re.S)


def doc_fixture(name: str) -> str:
    found = dict(_FIXTURE.findall(DOC.read_text(encoding="utf-8")))
    assert name in found, f"docs/subscriptions.md has no fixture {name!r}: {sorted(found)}"
    return found[name] + "\n"


def doc_json(name: str) -> dict[str, Any]:
    data = json.loads(doc_fixture(name))
    assert isinstance(data, dict)
    return data
