"""The ``supportbot`` command: one click group; each feature adds its commands here."""

from __future__ import annotations

import importlib

import click

# Each top-level command and the module whose ``register(group)`` adds it; kept as names so a
# broken optional channel cannot stop `supportbot --help` from working, and so that running
# one command imports only its own module (`email replay` does not import the web app).
COMMANDS = {
    "serve": "bot.cli.serve",
    "chat": "bot.cli.chat",
    "ask": "bot.cli.ask",
    "kb": "bot.cli.kb",
    "db": "bot.cli.db",
    "i18n": "bot.cli.catalogs",
    "email": "bot.cli.email",
    "import": "bot.cli.imports",
    "staff": "bot.cli.staff",
    "customer": "bot.cli.customer",
    "report": "bot.cli.report",
    "wordpress": "bot.cli.wordpress",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))

HELP = "Supportbot: FAQ-first support chat, email auto-responder and staff console."


class CommandGroup(click.Group):
    """A group that imports a command's module when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            importlib.import_module(module).register(self)
        return self.commands.get(cmd_name)


def build_cli(*, lazy: bool = False) -> click.Group:
    # A plain group: each command builds what it needs (`serve` the app, `db` only the
    # database), so `supportbot db purge` does not load the knowledge base and its vectors.
    group = CommandGroup(name="supportbot", help=HELP)
    if not lazy:
        for module_name in COMMAND_MODULES:
            importlib.import_module(module_name).register(group)
    return group


def main() -> None:
    build_cli(lazy=True).main(prog_name="supportbot")
