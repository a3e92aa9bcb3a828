"""The ``supportbot`` command: one click group; each feature adds its commands here."""

from __future__ import annotations

import importlib

import click

# Modules that each define ``register(group)``; kept as names so a broken optional channel
# cannot stop `supportbot --help` from working.
COMMAND_MODULES = (
    "bot.cli.serve",
    "bot.cli.chat",
    "bot.cli.ask",
    "bot.cli.kb",
    "bot.cli.db",
    "bot.cli.catalogs",
    "bot.cli.email",
    "bot.cli.imports",
    "bot.cli.staff",
    "bot.cli.customer",
    "bot.cli.report",
    "bot.cli.wordpress",
)


def build_cli() -> click.Group:
    # A plain group: each command builds what it needs (`serve` the app, `db` only the
    # database), so `supportbot db purge` does not load the knowledge base and its vectors.
    group = click.Group(
        name="supportbot",
        help="Supportbot: FAQ-first support chat, email auto-responder and staff console.",
    )
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(group)
    return group


def main() -> None:
    build_cli().main(prog_name="supportbot")
