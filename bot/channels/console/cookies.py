"""The console's cookies: the session cookie, the login form's CSRF cookie, the device cookie.

``Secure`` follows the scheme of ``SUPPORTBOT_PUBLIC_URL`` (plain http only for local
development and tests). Over https the names carry the ``__Host-`` prefix: the browser then
refuses such a cookie from a subdomain or without ``Secure``, which closes the classic route for
planting a session cookie (session fixation).
"""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from bot.channels.runtime import runtime
from bot.helpdesk.staff.sessions import SESSION_HOURS

SESSION = "supportbot_staff"
LOGIN = "supportbot_staff_login"
DEVICE = "supportbot_staff_device"  # which accounts logged in from this browser (device_cookies)


def secure() -> bool:
    return runtime().config.public_url.lower().startswith("https://")


def name(base: str) -> str:
    return f"__Host-{base}" if secure() else base


def read(base: str) -> str | None:
    return request.cookies.get(name(base))


def put(response: Response, base: str, value: str, *, max_age: int) -> None:
    response.set_cookie(
        name(base),
        value,
        max_age=max_age,
        path="/",
        secure=secure(),
        httponly=True,
        samesite="Lax" if base == SESSION else "Strict",
    )


def put_session(response: Response, token: str) -> None:
    put(response, SESSION, token, max_age=SESSION_HOURS * 3600)


def drop(response: Response, base: str) -> None:
    response.delete_cookie(name(base), path="/", secure=secure(), httponly=True, samesite="Lax")
