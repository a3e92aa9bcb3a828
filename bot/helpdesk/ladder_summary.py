"""The resolution ladder from per-day summaries: the same figures as counting every
conversation (``bot.helpdesk.ladder.load_ladder_direct``), read from O(days x products x
languages x channels) rows.

A *closed* day (ended ``OPEN_MARGIN`` ago) is summed once, into ``ladder_summaries``, as its
conversations stand when every time window has passed (``SETTLED_NOW``: the assumed window and
the 7 days of "durable" over). Triggers (migration 0009) drop a day's summary whenever one of its
conversations changes a fact the ladder reads, or a customer message is added to or removed from
one (a late turn, a ticket, a reopen, a follow-up conversation, an erasure); the next reading sums
that day again. Reading a period then adds three parts:

- the closed days' summaries;
- for their conversations whose outcome is younger than the windows (``outcome_at`` after
  ``now - max(window, 7 days)``, an index range), the difference between their figures now and
  their settled figures (``pending`` instead of ``assumed``; not yet durable);
- the open days (today) counted from their rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    String,
    and_,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.helpdesk.entry_summary import sum_entry_days
from bot.helpdesk.ladder import (
    DIMENSIONS,
    NOT_RECORDED,
    Ladder,
    LadderReport,
    Slot,
    add_slots,
    day_bounds,
    figure_conditions,
    fill,
    grouped_figures,
    not_recorded,
    not_recorded_condition,
)
from bot.helpdesk.resolutions import FOLLOW_UP_DAYS
from bot.storage.models import Conversation, FaqAnswer, LadderDay, LadderSummary

# A "now" after every window: the figures a conversation keeps once nothing is pending.
SETTLED_NOW = datetime(9000, 1, 1, tzinfo=UTC)
# A day is summed once it ended this long ago (a conversation's row carries the time its
# transaction began; no day still gets new conversations once summed).
OPEN_MARGIN = timedelta(hours=1)

Day = tuple[date, datetime, datetime]
# the figures a summary keeps (a settled conversation is never pending)
COUNTED = (
    "_rows",
    NOT_RECORDED,
    *(name for name in figure_conditions(SETTLED_NOW, timedelta(0)) if name != "pending"),
)
SLIVER = timedelta(microseconds=1)


def load_ladder(
    session: Session,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    window: timedelta,
    zone: ZoneInfo,
    product: str | None = None,
) -> LadderReport:
    """The conversations begun in [since, until), days in ``zone``: sums the closed days that
    have no current summary (and stores them), then adds the three parts."""
    days = day_bounds(since, until, zone)
    closed = [day for day in days if day[2] <= now - OPEN_MARGIN]
    opened = days[len(closed) :]
    totals: dict[tuple[str, Any], Counter[str]] = {}
    if closed:
        summaries(session, totals, closed, zone, now, product)
        cutoff = now - max(window, timedelta(days=FOLLOW_UP_DAYS))
        recent = and_(Conversation.outcome.is_not(None), Conversation.outcome_at > cutoff)
        # only these can count differently now than settled: no ticket (a ticket's figures
        # take no time), and inside the assumed window or on their way to durable
        differs = and_(
            recent,
            Conversation.handoff_reason.is_(None),
            or_(
                Conversation.outcome_at > now - window,
                and_(
                    Conversation.outcome.in_(("confirmed", "answer")),
                    Conversation.reopened_at.is_(None),
                    Conversation.followed_up_at.is_(None),
                ),
            ),
        )
        touched = recent_days(session, closed, cutoff)
        if touched:
            # the figures these conversations have now, less those the summaries gave them
            conditions = {f"now:{name}": c for name, c in figure_conditions(now, window).items()}
            for name, condition in figure_conditions(SETTLED_NOW, window).items():
                conditions[f"settled:{name}"] = condition
            found = grouped_figures(session, touched, conditions, where=differs, product=product)
            for slot, figures in found.items():
                difference: dict[str, int] = Counter()
                for name, n in figures.items():
                    when, _, figure = name.partition(":")
                    if when in ("now", "settled"):
                        difference[figure] += n if when == "now" else -n
                add_slots(totals, {slot: difference})
    if opened:
        add_slots(
            totals,
            grouped_figures(
                session,
                opened,
                figure_conditions(now, window),
                where=Conversation.outcome.is_not(None),
                product=product,
            ),
        )
        total = totals.setdefault(("total", ""), Counter())
        total[NOT_RECORDED] += not_recorded(session, opened[0][1], opened[-1][2], product)
    return fill(LadderReport(Ladder(), {dimension: {} for dimension in DIMENSIONS}), totals)


def recent_days(session: Session, days: list[Day], cutoff: datetime) -> list[Day]:
    """The days that may hold a conversation whose outcome is younger than ``cutoff``: those
    that overlap a UTC date on which such a conversation began (the dates come from the
    ``(outcome_at, created_at)`` index alone)."""
    created = Conversation.created_at
    if session.get_bind().dialect.name == "postgresql":
        utc_date: ColumnElement[Any] = cast(func.timezone("UTC", created), Date)
    else:
        utc_date = func.date(created)  # SQLite stores UTC text
    query = (
        select(utc_date)
        .where(Conversation.outcome_at > cutoff, created >= days[0][1], created < days[-1][2])
        .distinct()
    )
    dates = {value if isinstance(value, date) else date.fromisoformat(value) for (value,) in
             session.execute(query)}  # fmt: skip
    return [day for day in days if any(utc in dates for utc in utc_dates(day))]


def utc_dates(day: Day) -> list[date]:
    first, last = day[1].astimezone(UTC).date(), (day[2] - SLIVER).astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def column(figure: str) -> str:
    """``ladder_summaries``' column for a figure."""
    return "conversations" if figure == "_rows" else figure.replace(":", "_")


def summaries(
    session: Session,
    totals: dict[tuple[str, Any], Counter[str]],
    days: list[Day],
    zone: ZoneInfo,
    now: datetime,
    product: str | None,
) -> None:
    """Adds the closed days' summaries to ``totals``, summing (and storing) the days that have
    none; summed in SQL per day, product, language and channel."""
    query = select(LadderDay.id, LadderDay.day).where(
        LadderDay.zone == zone.key, LadderDay.day >= days[0][0], LadderDay.day <= days[-1][0]
    )
    current = {str(day_id): day for day_id, day in session.execute(query)}
    missing = [day for day in days if day[0] not in current.values()]
    if missing:
        found = sum_days(session, missing, zone, now)
        if product:
            found = {slot: figures for slot, figures in found.items() if slot[1] == product}
        add_slots(totals, found)
    if not current:
        return
    sums = [func.sum(getattr(LadderSummary, column(name))) for name in COUNTED]
    parts = []
    for dimension, key in (
        ("day", cast(LadderSummary.day_id, String)),
        ("product", LadderSummary.product),
        ("language", LadderSummary.language),
        ("channel", LadderSummary.channel),
    ):
        part = select(literal(dimension), key, *sums).where(
            LadderSummary.day_id.in_([int(day_id) for day_id in current])
        )
        if product:
            part = part.where(LadderSummary.product == product)
        parts.append(part.group_by(key))
    for dimension, key, *counts in session.execute(union_all(*parts)):
        figures = dict(zip(COUNTED, (int(n or 0) for n in counts), strict=True))
        slots = [(dimension, current[key] if dimension == "day" else key)]
        if dimension == "day":
            slots.append(("total", ""))
        for slot in slots:
            summed = totals.setdefault(slot, Counter())
            for name, n in figures.items():
                summed[name] += n


def sum_days(
    session: Session, days: list[Day], zone: ZoneInfo, now: datetime, *, entries: bool = True
) -> dict[Slot, dict[str, int]]:
    """Sums the days from their conversations and stores the summaries, and with ``entries``
    their FAQ answers' (``bot.helpdesk.entry_summary``); a day another worker stored
    meanwhile keeps that worker's: the same figures."""
    if session.get_bind().dialect.name == "postgresql":
        # a turn that changes one of these conversations or answers waits until the summary
        # is stored, then its trigger drops it: no summary misses a change made meanwhile
        lock = select(Conversation.id).where(
            Conversation.created_at >= days[0][1], Conversation.created_at < days[-1][2]
        )
        session.execute(lock.with_for_update(read=True))
        if entries:
            answers = select(FaqAnswer.id).where(
                FaqAnswer.answered_at >= days[0][1], FaqAnswer.answered_at < days[-1][2]
            )
            session.execute(answers.with_for_update(read=True))
    counted = grouped_figures(
        session,
        days,
        figure_conditions(SETTLED_NOW, timedelta(0)),
        where=Conversation.outcome.is_not(None),
    )
    unrecorded = grouped_figures(
        session, days, {NOT_RECORDED: not_recorded_condition()}, where=not_recorded_condition()
    )
    for slot, figures in unrecorded.items():
        summed = counted.setdefault(slot, {"_rows": 0})
        summed[NOT_RECORDED] = figures[NOT_RECORDED]
    claimed = _claim_days(session, days, zone, now)
    rows = [
        {
            "day_id": claimed[slot[0]],
            "product": slot[1],
            "language": slot[2],
            "channel": slot[3],
            **{column(name): figures.get(name, 0) for name in COUNTED},
        }
        for slot, figures in counted.items()
        if slot[0] in claimed
    ]
    if rows:
        session.execute(insert(LadderSummary), rows)
    if entries:
        sum_entry_days(session, days, claimed)
    return counted


def _claim_days(
    session: Session, days: list[Day], zone: ZoneInfo, now: datetime
) -> dict[date, int]:
    """The new ``ladder_days`` rows' ids; a day another worker stored first is not among
    them."""
    dialect = session.get_bind().dialect.name
    upsert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [
        {"zone": zone.key, "day": day, "starts_at": start, "ends_at": end, "summed_at": now}
        for day, start, end in days
    ]
    statement = (
        upsert(LadderDay)
        .values(values)
        .on_conflict_do_nothing(index_elements=["zone", "day"])
        .returning(LadderDay.id, LadderDay.day)
    )
    return {day: int(day_id) for day_id, day in session.execute(statement)}
