"""The per-FAQ-entry figures from per-day summaries: the same figures as grouping every FAQ
answer of the period (``bot.helpdesk.ladder.entry_figures``), read from O(days x entries)
rows.

When ``bot.helpdesk.ladder_summary`` sums a closed day it also sums that day's FAQ answers per
entry, language and product into ``ladder_entry_summaries``. Triggers (migration 0011) drop
the day's row in ``ladder_days``, and with it both summaries, whenever one of its answers is
added, changed or removed, or the conversation of one changes product. A period is read from
the summaries of its days that have a current one, and the rest (today, a day dropped since)
from the answers themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    func,
    insert,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from bot.helpdesk.ladder import DAYS_PER_QUERY, EntryFigures, answer_counts, day_bounds
from bot.storage.models import Conversation, FaqAnswer, LadderDay, LadderEntrySummary

Day = tuple[date, datetime, datetime]
COUNTS = ("answered", "helped", "not_helped", "tickets_after")
Key = tuple[str, str]  # faq_id, language


def _per_day(
    days: Sequence[Day], guard: Callable[[Day], list[ColumnElement[bool]]]
) -> list[list[Select[Any]]]:
    """Per day a range of the ``answered_at`` index (and the conditions ``guard`` gives it),
    grouped by entry, language and product; at most ``DAYS_PER_QUERY`` days per UNION ALL."""
    keys = (FaqAnswer.faq_id, FaqAnswer.language, Conversation.product)
    chunks = []
    for first in range(0, len(days), DAYS_PER_QUERY):
        parts = []
        for index, day in enumerate(days[first : first + DAYS_PER_QUERY]):
            part = (
                select(literal(first + index), *keys, *answer_counts())
                .join(Conversation, Conversation.id == FaqAnswer.conversation_id)
                .where(FaqAnswer.answered_at >= day[1], FaqAnswer.answered_at < day[2])
                .where(*guard(day))
                .group_by(*keys)
            )
            parts.append(part)
        chunks.append(parts)
    return chunks


def sum_entry_days(session: Session, days: Sequence[Day], claimed: dict[date, int]) -> None:
    """Stores the FAQ answers of the days just claimed in ``ladder_days`` (their ids)."""
    mine = [day for day in days if day[0] in claimed]
    if not mine:
        return
    rows = []
    for parts in _per_day(mine, lambda _day: []):
        for index, faq_id, language, product, *counts in session.execute(union_all(*parts)):
            rows.append({
                "day_id": claimed[mine[index][0]], "faq_id": faq_id, "language": language,
                "product": product or "", **dict(zip(COUNTS, counts, strict=True)),
            })  # fmt: skip
    if rows:
        session.execute(insert(LadderEntrySummary), rows)


def load_entry_figures(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    zone: ZoneInfo,
    product: str | None = None,
    limit: int = 100,
) -> list[EntryFigures]:
    """Per FAQ entry, worst first (the most tickets and "did not help" per answer), for the
    whole days of [since, until) in ``zone``."""
    days = day_bounds(since, until, zone)
    query = select(LadderDay.day, LadderDay.id).where(
        LadderDay.zone == zone.key, LadderDay.day >= days[0][0], LadderDay.day <= days[-1][0]
    )
    current = {day: day_id for day, day_id in session.execute(query)}
    sums = [func.sum(getattr(LadderEntrySummary, name)) for name in COUNTS]
    keys = (LadderEntrySummary.faq_id, LadderEntrySummary.language, LadderEntrySummary.product)
    summed = (
        select(literal(-1), *keys, *sums)
        .where(LadderEntrySummary.day_id.in_(list(current.values())))
        .group_by(*keys)
    )
    if product:
        summed = summed.where(LadderEntrySummary.product == product)
    rest = [day for day in days if day[0] not in current]
    chunks = _per_day(rest, lambda _day: [Conversation.product == product] if product else [])
    totals: dict[Key, list[int]] = {}
    for number, parts in enumerate(chunks or [[]]):
        rows = session.execute(union_all(*([summed] if number == 0 else []), *parts))
        for _index, faq_id, language, _product, *counts in rows:
            found = totals.setdefault((faq_id, language), [0] * len(COUNTS))
            for n, count in enumerate(counts):
                found[n] += int(count or 0)
    figures = [EntryFigures(*key, *counts) for key, counts in totals.items() if counts[0]]
    figures.sort(key=lambda f: (-(f.tickets_after + f.not_helped) / f.answered, -f.answered,
                                f.faq_id, f.language))  # fmt: skip
    return figures[:limit]
