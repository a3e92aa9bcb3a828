"""``/widget.js`` carries the privacy notice of each language from policy.yaml's privacy_url."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask

from bot.app import create_app
from bot.channels.widget.strings import inject
from tests.conftest import make_config
from tests.core.knowledge.test_loader import GOOD, write_tree

SETTINGS = re.compile(r"/\*settings:begin\*/(.*?)/\*settings:end\*/", re.S)


def served_settings(app: Flask) -> dict[str, object]:
    body = app.test_client().get("/widget.js").get_data(as_text=True)
    found = SETTINGS.search(body)
    assert found, "the served script has its settings block"
    settings: dict[str, object] = json.loads(found.group(1))
    return settings


def test_the_shipped_policy_links_a_notice_per_language(sqlite_app: Flask) -> None:
    assert served_settings(sqlite_app) == {
        "privacy": {
            "nl": "https://www.example.com/privacy/",
            "en": "https://www.example.com/en/privacy/",
        }
    }


def test_a_policy_without_a_notice_links_none(tmp_path: Path) -> None:
    data = write_tree(tmp_path / "kb", GOOD)
    app = create_app(make_config(tmp_path, f"sqlite:///{tmp_path / 'w.db'}", data_dir=data))
    assert served_settings(app) == {"privacy": {}}


def test_injection_refuses_a_script_that_lost_its_settings_markers() -> None:
    script = b"var S = /*strings:begin*/{}/*strings:end*/;"
    with pytest.raises(ValueError, match="settings"):
        inject(script, {"en": {}}, settings={"privacy": {}})
