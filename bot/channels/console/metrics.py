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
MICROSECOND = timedelta(microseconds=1)


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


@dataclass
class TicketWaits:
    """The tickets of one day (in the staff's zone) and product: how many, how many are still
    unanswered past the target, and the whole microseconds to each first response."""

    day: date
    product: str | None
    tickets: int
    unanswered_late: int
    waited_us: list[int]


def build_report(
    tickets: Iterable[TicketFact],
    *,
    start: date,
    end: date,
    now: datetime,
    target_hours: int,
    zone: ZoneInfo,
) -> Report:
    """The report from one fact per ticket (``report_from_waits`` on the same figures)."""
    target = timedelta(hours=target_hours)
    groups: dict[tuple[date, str | None], TicketWaits] = {}
    for ticket in tickets:
        day = ticket.opened_at.astimezone(zone).date()
        group = groups.setdefault((day, ticket.product), TicketWaits(day, ticket.product, 0, 0, []))
        group.tickets += 1
        if ticket.first_response_at is not None:
            group.waited_us.append((ticket.first_response_at - ticket.opened_at) // MICROSECOND)
        elif now - ticket.opened_at > target:
            group.unanswered_late += 1
    return report_from_waits(groups.values(), start=start, end=end, target_hours=target_hours)


def report_from_waits(
    groups: Iterable[TicketWaits], *, start: date, end: date, target_hours: int
) -> Report:
    """Per day, per product and in total: tickets, breaches (answered after the target, or
    unanswered and past it), response hours (exact: from whole microseconds, as
    ``timedelta.total_seconds`` gives them)."""
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    by_day = {day: Bucket() for day in days}
    by_product: dict[str, Bucket] = defaultdict(Bucket)
    total = Bucket()
    limit = timedelta(hours=target_hours) // MICROSECOND
    for group in groups:
        hours = [waited / 10**6 / 3600 for waited in group.waited_us]
        late = group.unanswered_late + sum(waited > limit for waited in group.waited_us)
        found = [by_product[group.product or NO_PRODUCT], total]
        if group.day in by_day:
            found.append(by_day[group.day])
        for bucket in found:
            bucket.tickets += group.tickets
            bucket.breaches += late
            bucket.response_hours += hours
    for bucket in (*by_day.values(), *by_product.values(), total):
        bucket.response_hours.sort()  # each percentile sorts again: linear once sorted
    products = dict(sorted(by_product.items(), key=lambda item: item[0]))
    return Report(days, by_day, products, total, target_hours)


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
    return rank_missed(((query, language, 1, when) for query, language, when in events), limit)


def rank_missed(
    groups: Iterable[tuple[str, str, int, datetime]], limit: int = 50
) -> list[MissedQuestion]:
    """Misses already counted per exact text (query, language, count, last asked), grouped
    by their folded text, most asked first; a group shows its first text."""
    counts: Counter[tuple[str, str]] = Counter()
    shown: dict[tuple[str, str], str] = {}
    last: dict[tuple[str, str], datetime] = {}
    for query, language, count, when in groups:
        text = " ".join(query.split())[:300]
        key = (fold(text).rstrip("?!. "), language)
        if not key[0]:
            continue
        counts[key] += count
        shown.setdefault(key, text)
        last[key] = max(last.get(key, when), when)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], -last[item[0]].timestamp()))
    return [MissedQuestion(shown[key], count, key[1], last[key]) for key, count in ranked[:limit]]
