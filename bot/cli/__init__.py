"""The ``supportbot`` command: one Flask CLI group; each feature adds its commands here."""

from __future__ import annotations

import importlib

import click
from flask.cli import FlaskGroup

# Modules that each define ``register(group)``; kept as names so a broken optional channel
# cannot stop `supportbot --help` from working.
COMMAND_MODULES = (
    "bot.cli.serve",
    "bot.cli.chat",
    "bot.cli.ask",
    "bot.cli.kb",
    "bot.cli.db",
    "bot.cli.i18n",
    "bot.cli.email",
    "bot.cli.imports",
    "bot.cli.staff",
    "bot.cli.customer",
    "bot.cli.wordpress",
)


def _create_app():  # type: ignore[no-untyped-def]
    from bot.app import create_app

    return create_app()


def build_cli() -> click.Group:
    group = FlaskGroup(
        name="supportbot",
        create_app=_create_app,
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
        help="Supportbot: FAQ-first support chat, email auto-responder and staff console.",
    )
    # FlaskGroup adds --app/--env-file/--debug; this command always runs one app, so drop them.
    group.params = [p for p in group.params if p.name not in {"app", "env_file", "debug"}]
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(group)
    return group


def main() -> None:
    build_cli().main(prog_name="supportbot")
