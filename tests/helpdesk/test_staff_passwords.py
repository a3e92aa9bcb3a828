"""Password hashes: scrypt with a salt per password and the parameters kept in the hash."""

from __future__ import annotations

import pytest

from bot.helpdesk.staff.passwords import (
    DEFAULT_COST,
    MAX_LENGTH,
    ScryptCost,
    WeakPassword,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)

CHEAP = ScryptCost(2**10, 8, 1)


def test_the_default_cost_is_the_production_one() -> None:
    stored = hash_password("correct horse battery", DEFAULT_COST)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**15, 8, 1)
    assert len(salt) >= 22 and len(key) >= 43
    assert verify_password("correct horse battery", stored)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("same password!", CHEAP) != hash_password("same password!", CHEAP)


@pytest.mark.parametrize(
    ("given", "ok"),
    [
        ("correct horse battery", True),
        ("Correct horse battery", False),
        ("correct horse battery ", False),
        ("", False),
        ("x" * (MAX_LENGTH + 1), False),
    ],
)
def test_only_the_exact_password_verifies(given: str, ok: bool) -> None:
    assert verify_password(given, hash_password("correct horse battery", CHEAP)) is ok


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "plain-text-password",
        "scrypt$1024$8$1$not base64!$AAAA",
        "scrypt$abc$8$1$AAAA$AAAA",
        "bcrypt$12$whatever",
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",  # would need gigabytes
    ],
)
def test_a_damaged_or_foreign_hash_never_verifies(stored: str) -> None:
    assert verify_password("anything at all", stored) is False


def test_older_parameters_are_noticed_for_rehashing() -> None:
    assert needs_rehash(hash_password("some password", CHEAP))
    assert not needs_rehash(hash_password("some password", DEFAULT_COST))


@pytest.mark.parametrize(
    ("password", "email"),
    [("short", ""), ("x" * (MAX_LENGTH + 1), ""), ("piet@nme.example", "Piet@NME.example")],
)
def test_weak_passwords_are_refused(password: str, email: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password, email=email)
