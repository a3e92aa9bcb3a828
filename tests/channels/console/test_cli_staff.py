"""`supportbot staff ...`: accounts from the command line (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import build_cli
from bot.helpdesk.staff.accounts import find_staff
from bot.helpdesk.staff.passwords import verify_password
from bot.storage.db import Database


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        "SUPPORTBOT_DATABASE_URL": database_url,
        "SUPPORTBOT_INSTANCE_DIR": str(tmp_path / "instance"),
    }


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(build_cli(), ["staff", *args], env=env, input=stdin)


def account(env: dict[str, str], email: str):  # type: ignore[no-untyped-def]
    db = Database(env["SUPPORTBOT_DATABASE_URL"])
    try:
        with db.session() as session:
            user = find_staff(session, email)
            if user is not None:
                session.expunge(user)
            return user
    finally:
        db.dispose()


def test_add_with_a_password_from_stdin_then_list(env: dict[str, str]) -> None:
    added = run(
        env, "add", "Anna@NME.example", "--name", "Anna de Boer", "--role", "admin",
        "--password-stdin", stdin="a long enough password\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "added anna@nme.example (admin)"
    user = account(env, "anna@nme.example")
    assert user is not None and user.role == "admin" and user.active
    assert verify_password("a long enough password", user.password_hash)
    assert "a long enough password" not in user.password_hash
    listing = run(env, "list")
    assert listing.exit_code == 0
    assert listing.output.split("\t")[:4] == ["anna@nme.example", "Anna de Boer", "admin", "active"]


def test_add_prompts_twice_for_the_password(env: dict[str, str]) -> None:
    result = run(
        env,
        "add",
        "piet@nme.example",
        "--name",
        "Piet",
        stdin="geheim wachtwoord\ngeheim wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert "geheim wachtwoord" not in result.output  # not echoed
    user = account(env, "piet@nme.example")
    assert user is not None and user.role == "agent"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["not-an-email", "--name", "X"], "a long enough password\n", "not an email address"),
        (["x@nme.example", "--name", "X"], "short\n", "at least 10 characters"),
        (["x@nme.example", "--name", "  "], "a long enough password\n", "the name must have"),
    ],
)
def test_add_refuses_bad_input(
    env: dict[str, str], args: list[str], stdin: str, message: str
) -> None:
    result = run(env, "add", *args, "--password-stdin", stdin=stdin)
    assert result.exit_code != 0 and message in result.output


def test_an_email_can_have_only_one_account(env: dict[str, str]) -> None:
    first = run(
        env, "add", "x@nme.example", "--name", "X", "--password-stdin", stdin="long enough pw\n"
    )
    again = run(
        env, "add", "X@nme.example", "--name", "Y", "--password-stdin", stdin="long enough pw\n"
    )
    assert first.exit_code == 0 and again.exit_code != 0
    assert "already" in again.output


def test_disable_enable_logout_and_password(env: dict[str, str]) -> None:
    run(env, "add", "x@nme.example", "--name", "X", "--password-stdin", stdin="long enough pw\n")
    generation = account(env, "x@nme.example").session_generation
    assert run(env, "disable", "x@nme.example").exit_code == 0
    user = account(env, "x@nme.example")
    assert not user.active and user.session_generation == generation + 1
    assert "disabled" in run(env, "list").output
    assert run(env, "enable", "x@nme.example").exit_code == 0
    assert account(env, "x@nme.example").active
    assert run(env, "logout", "x@nme.example").exit_code == 0
    assert account(env, "x@nme.example").session_generation == generation + 2
    changed = run(env, "password", "x@nme.example", "--password-stdin", stdin="another long pw\n")
    assert changed.exit_code == 0
    assert verify_password("another long pw", account(env, "x@nme.example").password_hash)
    assert run(env, "disable", "nobody@nme.example").exit_code != 0
