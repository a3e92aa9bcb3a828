"""The command table: each command is found in its module, and one command imports only its own."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import click

from bot.cli import COMMANDS, build_cli
from bot.config import REPO_ROOT


def test_each_module_registers_the_commands_the_table_names_for_it() -> None:
    for module_name in dict.fromkeys(COMMANDS.values()):
        group = click.Group()
        importlib.import_module(module_name).register(group)
        named = {name for name, module in COMMANDS.items() if module == module_name}
        assert set(group.commands) == named, module_name


def test_the_lazy_group_lists_and_finds_every_command() -> None:
    lazy, eager = build_cli(lazy=True), build_cli()
    context = click.Context(lazy)
    assert lazy.list_commands(context) == sorted(eager.commands)
    for name in eager.commands:
        found = lazy.get_command(context, name)
        assert found is not None and found.name == eager.commands[name].name
    assert lazy.get_command(context, "no-such-command") is None


PROBE = """
import sys
from click.testing import CliRunner
from bot.cli import build_cli
result = CliRunner().invoke(build_cli(lazy=True), ["email", "replay", "--help"])
assert result.exit_code == 0, result.output
print(sorted(m for m in ("bot.app", "flask", "bot.cli.serve") if m in sys.modules))
"""


def test_email_replay_does_not_import_the_web_app() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
