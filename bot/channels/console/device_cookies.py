"""The console's device cookie: which staff accounts have logged in from this browser before.

The idea is OWASP's "device cookies" against online guessing. A successful login sets (renews)
it: HttpOnly, SameSite=Strict, and ``Secure`` with the ``__Host-`` prefix over https. It holds up
to ``MAX_ACCOUNTS`` entries (account id, the account's session generation, a random nonce, the
time of that login) and is signed with the secret key, so a browser cannot make one up.

It opens nothing by itself. During a lockout it lets a correct password through from a browser
that has shown the right password for this account before; failures from that browser count
against its nonce (``login_limits``). It is bound to the account and its session generation:
"log out everywhere", a new password and ``supportbot staff logout`` revoke it with the sessions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from flask import current_app
from werkzeug.wrappers import Response

from bot.channels.console import cookies
from bot.storage.models import StaffUser

MAX_ACCOUNTS = 5  # a shared desk computer; more would only grow the cookie
LIFETIME_DAYS = 90  # an entry older than this is forgotten; every login renews its own
_LIFETIME_S = LIFETIME_DAYS * 86_400


@dataclass(frozen=True)
class KnownAccount:
    staff_id: int
    generation: int
    nonce: str
    issued: int  # unix time of the login that set it

    def matches(self, user: StaffUser) -> bool:
        return self.staff_id == user.id and self.generation == user.session_generation


def known_accounts(now: float) -> list[KnownAccount]:
    """The entries of this browser's device cookie that are signed by us and not expired."""
    entries = _decode(cookies.read(cookies.DEVICE))
    return [entry for entry in entries if now - entry.issued < _LIFETIME_S]


def known_entry(user: StaffUser | None, known: list[KnownAccount]) -> KnownAccount | None:
    if user is None:
        return None
    return next((entry for entry in known if entry.matches(user)), None)


def remember(response: Response, user: StaffUser, known: list[KnownAccount], now: float) -> None:
    """After a successful login: a fresh entry for this account first, the others kept."""
    fresh = KnownAccount(user.id, user.session_generation, secrets.token_urlsafe(16), int(now))
    others = [entry for entry in known if entry.staff_id != user.id]
    value = _encode([fresh, *others][:MAX_ACCOUNTS])
    cookies.put(response, cookies.DEVICE, value, max_age=_LIFETIME_S)


def _signature(payload: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"staff-device:" + payload.encode(), hashlib.sha256).hexdigest()


def _encode(entries: list[KnownAccount]) -> str:
    rows = [[e.staff_id, e.generation, e.nonce, e.issued] for e in entries]
    payload = base64.urlsafe_b64encode(json.dumps(rows, separators=(",", ":")).encode()).decode()
    return f"{payload}.{_signature(payload)}"


def _decode(value: str | None) -> list[KnownAccount]:
    payload, _, signature = (value or "").partition(".")
    expected = _signature(payload).encode()
    if not payload or not hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
        return []
    try:
        rows = json.loads(base64.urlsafe_b64decode(payload.encode()))
        return [KnownAccount(int(a), int(b), str(c), int(d)) for a, b, c, d in rows]
    except (binascii.Error, ValueError, TypeError):  # signed by us, so only an old format
        return []
