"""Who may use which console endpoint. Every view declares its level with ``@access(...)``;
a request to a console endpoint without a declared level is refused, so a new route can never
be public by accident (and the routes x roles test fails until it gets a rule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar, get_args

from flask import Flask

Level = Literal["public", "staff", "admin"]
LEVELS: tuple[str, ...] = get_args(Level)
_ATTRIBUTE = "console_access"
# Endpoints whose view functions Flask makes (not ours to decorate): CSS and JS hold no data.
BUILT_IN: dict[str, Level] = {"console.static": "public"}

View = TypeVar("View", bound=Callable[..., object])


def access(level: Level) -> Callable[[View], View]:
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def mark(view: View) -> View:
        setattr(view, _ATTRIBUTE, level)
        return view

    return mark


def level_of(app: Flask, endpoint: str | None) -> Level | None:
    """The declared level of ``endpoint``, or None (refuse) when it has none."""
    if endpoint is None:
        return None
    if endpoint in BUILT_IN:
        return BUILT_IN[endpoint]
    view = app.view_functions.get(endpoint)
    level = getattr(view, _ATTRIBUTE, None)
    return level if level in LEVELS else None


def allows(level: Level, role: str | None) -> bool:
    """``role`` None means anonymous; admins may do everything agents may."""
    if level == "public":
        return True
    if role is None:
        return False
    return level == "staff" or role == "admin"
