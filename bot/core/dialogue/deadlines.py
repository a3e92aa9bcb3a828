"""A ticket's due time as the customer reads it: in their time zone, written their language's way.

The widget knows the customer's time zone (the browser's); email does not, so there the
policy's time zone is used and named, because the customer may live elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_skeleton, format_time


def zone_named(name: str) -> ZoneInfo | None:
    """The time zone called ``name`` (an IANA name), or None for an unknown or empty one."""
    if not name or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def format_due(due: datetime, language: str, customer_zone: str, fallback_zone: str) -> str:
    """``zo 6 december, 15:48`` in the customer's zone; in ``fallback_zone`` with its name
    (``..., 15:48 Midden-Europese standaardtijd``) when the customer's is unknown."""
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    zone = zone_named(customer_zone)
    named = zone is None
    zone = zone or zone_named(fallback_zone) or ZoneInfo("UTC")
    # no year: a due time is a day or two away; the locale decides the order and the words
    day = format_skeleton("MMMMEd", due, tzinfo=zone, locale=locale)
    clock = format_time(due, "short", tzinfo=zone, locale=locale)
    text = str(locale.datetime_formats["medium"]).format(clock, day)
    if named:
        text += " " + format_datetime(due, "zzzz", tzinfo=zone, locale=locale)
    return text
