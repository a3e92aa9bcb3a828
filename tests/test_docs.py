"""Documentation that tests can keep honest: every setting documented, README commands real."""

from __future__ import annotations

import re

from bot.cli import build_cli
from bot.config import PREFIX, REPO_ROOT, SETTINGS


def test_every_setting_is_documented() -> None:
    documented = (REPO_ROOT / "docs" / "configuration.md").read_text()
    missing = [PREFIX + s.name for s in SETTINGS if f"`{PREFIX}{s.name}`" not in documented]
    assert not missing, f"add to docs/configuration.md: {missing}"


def test_every_command_has_a_one_line_help() -> None:
    group = build_cli()
    for name, command in group.commands.items():
        assert command.get_short_help_str(80).strip(), f"`supportbot {name}` has no help"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert "./dev serve" in readme and "./dev test" in readme
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert re.search(r"^exec \./dev test\b", ci, re.M)
