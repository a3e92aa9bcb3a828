"""Password hashes with scrypt (hashlib), a random salt per password, parameters in the hash.

Format: ``scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>``. Stored parameters are used to
verify, so raising the cost later keeps old hashes valid (``needs_rehash`` finds them).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass

SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 10
MAX_LENGTH = 1024  # scrypt reads the whole password: very long ones would be a cheap DoS


@dataclass(frozen=True)
class ScryptCost:
    n: int = 2**15
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        return 128 * self.n * self.r * self.p + 1024 * 1024


DEFAULT_COST = ScryptCost()


class WeakPassword(ValueError):
    """The password is too short or too long; the message says which."""


def check_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password may have at most {MAX_LENGTH} characters")
    if email and password.strip().lower() == email.strip().lower():
        raise WeakPassword("the password may not be the email address")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, cost: ScryptCost) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=cost.n,
        r=cost.r,
        p=cost.p,
        maxmem=cost.maxmem,
        dklen=KEY_BYTES,
    )


def hash_password(password: str, cost: ScryptCost = DEFAULT_COST) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[ScryptCost, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        cost = ScryptCost(int(parts[1]), int(parts[2]), int(parts[3]))
        return cost, base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5])
    except ValueError:
        return None


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches; a malformed hash or an over-long password never does."""
    parsed = _parse(stored)
    if parsed is None or len(password) > MAX_LENGTH:
        return False
    cost, salt, expected = parsed
    if not (2 <= cost.n <= 2**20 and cost.r <= 32 and cost.p <= 16):
        return False  # a tampered row must not make us allocate gigabytes
    return hmac.compare_digest(_derive(password, salt, cost), expected)


def needs_rehash(stored: str, cost: ScryptCost = DEFAULT_COST) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[0] != cost


@functools.cache
def dummy_hash(cost: ScryptCost = DEFAULT_COST) -> str:
    """Verified when the account does not exist: an unknown email costs as much as a known one."""
    return hash_password(secrets.token_urlsafe(16), cost)
