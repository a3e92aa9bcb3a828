"""The console's language: the staff member's choice, else the browser's, else Dutch.

Python code marks texts with ``_`` (from here); templates use Jinja's i18n extension, whose
callables ``install`` points at the language of the current request.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request

from bot.channels.runtime import runtime

_NULL = NullTranslations()


def display_zone() -> ZoneInfo:
    """Where staff work (``SUPPORTBOT_TIMEZONE``): times are shown there, not in the server's."""
    return ZoneInfo(runtime().config.timezone)


def pick_language(preferred: str | None) -> str:
    policy = runtime().kb.policy
    if preferred in policy.languages:
        return str(preferred)
    for value, _quality in request.accept_languages:  # best first; "nl-BE" counts as "nl"
        primary = value.split("-")[0].split("_")[0].lower()
        if primary in policy.languages:
            return primary
    return policy.default_language


@cache
def babel_locale(code: str) -> Locale:
    """Parsed once per language: the dashboard formats a thousand numbers per page."""
    return Locale.parse(code)


def current_language() -> str:
    if has_request_context() and "console_language" in g:
        return str(g.console_language)
    return runtime().kb.policy.default_language if has_request_context() else "en"


def _translations() -> Any:
    if not has_request_context() or "console_language" not in g:
        return _NULL
    return runtime().engine.translations.get(g.console_language) or _NULL


def _(message: str, **variables: Any) -> str:
    text = str(_translations().gettext(message))
    return text % variables if variables else text


def ngettext(singular: str, plural: str, count: int, **variables: Any) -> str:
    text = str(_translations().ngettext(singular, plural, count))
    return text % {"num": count, **variables}


def install(app: Flask) -> None:
    """Jinja's i18n extension, translating into the current request's console language."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: str(_translations().gettext(message)),
        ngettext=lambda s, p, n: str(_translations().ngettext(s, p, n)),
        newstyle=True,
    )
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["relative"] = relative
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["hours"] = hours


def when(moment: datetime | None) -> str:
    """A date and time for people: in the staff's time zone, in the console's language."""
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(display_zone()), "medium", locale=current_language())


def relative(delta: timedelta) -> str:
    """``in 5 hours`` / ``5 hours ago`` in the console's language."""
    return format_timedelta(
        delta, granularity="minute", threshold=1.0, add_direction=True, locale=current_language()
    )


def number(value: float) -> str:
    return format_decimal(value, locale=babel_locale(current_language()))


def percent(fraction: float | None) -> str:
    """``0.5`` as ``50,0%`` (nl) or ``50.0%`` (en); None as a dash."""
    if fraction is None:
        return "–"
    return format_percent(fraction, "#,##0.0%", locale=babel_locale(current_language()))


def hours(value: float | None) -> str:
    """Hours with one decimal, ``30,0 h`` (nl); None as a dash."""
    if value is None:
        return "–"
    return format_decimal(value, "#,##0.0", locale=babel_locale(current_language())) + " h"
