"""Ticket numbers from plain rows (no database here): per day and per product.

The conversations and how they ended are the resolution ladder (``bot.helpdesk.ladder``).

- tickets opened;
- first response: hours from a ticket's opening to the first staff reply (median, p90), and
  breaches of the target: answered late, or still unanswered after the target.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.text import fold

NO_PRODUCT = ""


@dataclass(frozen=True)
class TicketFact:
    opened_at: datetime
    product: str | None
    first_response_at: datetime | None


@dataclass
class Bucket:
    """The numbers of one day, or one product, or the whole period."""

    tickets: int = 0
    breaches: int = 0
    response_hours: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return percentile(self.response_hours, 50)

    @property
    def p90(self) -> float | None:
        return percentile(self.response_hours, 90)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Report:
    days: list[date]
    by_day: dict[date, Bucket]
    by_product: dict[str, Bucket]
    total: Bucket
    target_hours: int


def build_report(
    tickets: Iterable[TicketFact],
    *,
    start: date,
    end: date,
    now: datetime,
    target_hours: int,
    zone: ZoneInfo,
) -> Report:
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    by_day = {day: Bucket() for day in days}
    by_product: dict[str, Bucket] = defaultdict(Bucket)
    total = Bucket()
    target = timedelta(hours=target_hours)
    for ticket in tickets:
        waited = (ticket.first_response_at or now) - ticket.opened_at
        late = waited > target
        for bucket in _buckets(ticket.opened_at, ticket.product, by_day, by_product, total, zone):
            bucket.tickets += 1
            bucket.breaches += int(late)
            if ticket.first_response_at is not None:
                bucket.response_hours.append(waited.total_seconds() / 3600)
    products = dict(sorted(by_product.items(), key=lambda item: item[0]))
    return Report(days, by_day, products, total, target_hours)


def _buckets(
    moment: datetime,
    product: str | None,
    by_day: dict[date, Bucket],
    by_product: dict[str, Bucket],
    total: Bucket,
    zone: ZoneInfo,
) -> list[Bucket]:
    day = moment.astimezone(zone).date()
    found = [by_product[product or NO_PRODUCT], total]
    if day in by_day:
        found.append(by_day[day])
    return found


@dataclass(frozen=True)
class MissedQuestion:
    text: str
    count: int
    language: str
    last_seen: datetime


def missed_questions(
    events: Iterable[tuple[str, str, datetime]], limit: int = 50
) -> list[MissedQuestion]:
    """FAQ misses (query, language, when) grouped by their folded text, most asked first."""
    counts: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    last: dict[tuple[str, str], datetime] = {}
    for query, language, when in events:
        text = " ".join(query.split())[:300]
        key = (fold(text).rstrip("?!. "), language)
        if not key[0]:
            continue
        counts[key] += 1
        shown.setdefault(key, text)
        last[key] = max(last.get(key, when), when)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -last[item[0]].timestamp()))
    return [MissedQuestion(shown[key], count, key[1], last[key]) for key, count in ranked[:limit]]
