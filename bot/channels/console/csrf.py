"""CSRF defences: a per-session token on every state-changing request (form field or
``X-CSRF-Token`` header), and a same-origin check on ``Origin``/``Sec-Fetch-Site``.

Before login there is no session yet, so the login form's token is an HMAC of a random value
in a short-lived cookie (a signed double submit).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, request

from bot.channels.runtime import runtime

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def submitted_token() -> str:
    return request.headers.get(HEADER) or request.form.get(FIELD, "")


def same_origin() -> bool:
    """Browsers say where a request comes from; anything cross-site is refused outright."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") in own_origins()


def own_origins() -> set[str]:
    return {request.host_url.rstrip("/"), runtime().config.public_url.rstrip("/")}


def token_matches(expected: str) -> bool:
    given = submitted_token()
    return bool(expected) and bool(given) and hmac.compare_digest(given, expected)


def new_login_nonce() -> str:
    return secrets.token_urlsafe(32)


def login_token(nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"staff-login:" + nonce.encode(), hashlib.sha256).hexdigest()


def login_token_matches(nonce: str | None) -> bool:
    return bool(nonce) and token_matches(login_token(nonce or ""))
