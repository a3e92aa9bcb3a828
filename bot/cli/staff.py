"""`supportbot staff ...`: staff accounts for the console (add, list, disable, enable, password).

Passwords come from a prompt (typed twice, not echoed) or, with ``--password-stdin``, from the
first line of standard input (for scripts); never from the command line, where other users
could read them in the process list.
"""

from __future__ import annotations

import sys

import click

from bot.config import Config
from bot.storage.db import Database


def _database() -> Database:
    from bot.storage.migrate import upgrade

    database = Database(Config.from_env().sqlalchemy_url)
    upgrade(database)  # `staff add` may come before the first `serve`
    return database


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    value = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return str(value)


def register(group: click.Group) -> None:
    from bot.channels.console import accounts

    @group.group("staff")
    def staff() -> None:
        """Staff accounts for the console at /staff/."""

    @staff.command("add")
    @click.argument("email")
    @click.option("--name", required=True, help="Shown to colleagues and in staff emails.")
    @click.option(
        "--role", type=click.Choice(["agent", "admin"]), default="agent", show_default=True
    )
    @click.option(
        "--language", type=click.Choice(["nl", "en"]), default=None, help="Console language."
    )
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def add(email: str, name: str, role: str, language: str | None, password_stdin: bool) -> None:
        """Create a staff account."""
        password = read_password(password_stdin)
        database = _database()
        try:
            with database.session() as session:
                user = accounts.add_staff(
                    session, email, name, password, role=role, language=language
                )
                click.echo(f"added {user.email} ({user.role})")
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
        finally:
            database.dispose()

    @staff.command("list")
    def list_() -> None:
        """Show every account: email, name, role, active or disabled, last login."""
        database = _database()
        try:
            with database.session() as session:
                for user in accounts.list_staff(session):
                    state = "active" if user.active else "disabled"
                    last = (
                        user.last_login_at.isoformat(timespec="minutes")
                        if user.last_login_at
                        else "-"
                    )
                    click.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}\t{last}")
        finally:
            database.dispose()

    def change(email: str, apply: str) -> None:
        database = _database()
        try:
            with database.session() as session:
                user = accounts.find_staff(session, email)
                if user is None:
                    raise click.ClickException(f"no account for {email}")
                if apply == "disable":
                    accounts.set_active(session, user, False)
                elif apply == "enable":
                    accounts.set_active(session, user, True)
                elif apply == "logout":
                    accounts.end_all_sessions(session, user)
                click.echo(
                    f"{user.email}: {apply}d"
                    if apply != "logout"
                    else f"{user.email}: logged out everywhere"
                )
        finally:
            database.dispose()

    @staff.command("disable")
    @click.argument("email")
    def disable(email: str) -> None:
        """Disable an account; its open sessions stop working at their next request."""
        change(email, "disable")

    @staff.command("enable")
    @click.argument("email")
    def enable(email: str) -> None:
        """Enable a disabled account again."""
        change(email, "enable")

    @staff.command("logout")
    @click.argument("email")
    def logout(email: str) -> None:
        """End every session of an account (a lost laptop, say)."""
        change(email, "logout")

    @staff.command("password")
    @click.argument("email")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def password(email: str, password_stdin: bool) -> None:
        """Set a new password; the account's sessions end."""
        new = read_password(password_stdin)
        database = _database()
        try:
            with database.session() as session:
                user = accounts.find_staff(session, email)
                if user is None:
                    raise click.ClickException(f"no account for {email}")
                accounts.set_password(session, user, new)
                click.echo(f"{user.email}: password changed, sessions ended")
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from error
        finally:
            database.dispose()
