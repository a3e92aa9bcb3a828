"""`supportbot staff ...`: staff accounts for the console (add, list, disable, enable, logout,
password).

Passwords come from a prompt (typed twice, not echoed) or, with ``--password-stdin``, from the
first line of standard input (for scripts); never from the command line, where other users
could read them in the process list.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from bot.config import Config
from bot.storage.models import StaffUser

PASSWORD_STDIN = click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input."
)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A session on the configured database, migrated first (`staff add` may precede `serve`);
    account errors become clean CLI errors."""
    from bot.helpdesk.staff.accounts import AccountError
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade

    database = Database(Config.from_env().sqlalchemy_url)
    try:
        upgrade(database)
        with database.session() as session:
            yield session
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    finally:
        database.dispose()


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


def existing(session: Session, email: str) -> StaffUser:
    from bot.helpdesk.staff.accounts import find_staff

    user = find_staff(session, email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    return user


@click.group("staff")
def staff() -> None:
    """Staff accounts for the console at /staff/."""


@staff.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Shown to colleagues and in staff emails.")
@click.option("--role", type=click.Choice(["agent", "admin"]), default="agent", show_default=True)
@click.option("--language", type=click.Choice(["nl", "en"]), default=None, help="Console language.")
@PASSWORD_STDIN
def add(email: str, name: str, role: str, language: str | None, password_stdin: bool) -> None:
    """Create a staff account."""
    from bot.helpdesk.staff.accounts import add_staff

    password = read_password(password_stdin)
    with unit_of_work() as session:
        user = add_staff(session, email, name, password, role=role, language=language)
        click.echo(f"added {user.email} ({user.role})")


@staff.command("list")
def list_accounts() -> None:
    """Every account: email, name, role, active or disabled, last login."""
    from bot.helpdesk.staff.accounts import list_staff

    with unit_of_work() as session:
        for user in list_staff(session):
            state = "active" if user.active else "disabled"
            last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "-"
            click.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}\t{last}")


def account_command(name: str, done: str, change: Callable[[Session, StaffUser], None]) -> None:
    @staff.command(name)
    @click.argument("email")
    def command(email: str) -> None:
        with unit_of_work() as session:
            user = existing(session, email)
            change(session, user)
            click.echo(f"{user.email}: {done}")


def _disable(session: Session, user: StaffUser) -> None:
    from bot.helpdesk.staff.accounts import set_active

    set_active(session, user, False)


def _enable(session: Session, user: StaffUser) -> None:
    from bot.helpdesk.staff.accounts import set_active

    set_active(session, user, True)


def _logout(session: Session, user: StaffUser) -> None:
    from bot.helpdesk.staff.accounts import end_all_sessions

    end_all_sessions(session, user)


account_command("disable", "disabled; its sessions ended", _disable)
account_command("enable", "enabled", _enable)
account_command("logout", "logged out everywhere", _logout)
staff.commands["disable"].help = "Disable an account; its sessions end at their next request."
staff.commands["enable"].help = "Enable a disabled account again."
staff.commands["logout"].help = "End every session of an account (a lost laptop, say)."


@staff.command("password")
@click.argument("email")
@PASSWORD_STDIN
def password(email: str, password_stdin: bool) -> None:
    """Set a new password; the account's sessions end."""
    from bot.helpdesk.staff.accounts import set_password

    new = read_password(password_stdin)
    with unit_of_work() as session:
        user = existing(session, email)
        set_password(session, user, new)
        click.echo(f"{user.email}: password changed, sessions ended")


def register(group: click.Group) -> None:
    group.add_command(staff)
