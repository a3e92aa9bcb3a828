"""The review queue of missed questions: a page of groups, and staff's decision on one
(teach it to an FAQ entry, propose a new entry, ignore it). A few queries per page, whatever
the number of conversations: groups come from their own table, ordered on an index."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from bot.core.knowledge.models import KnowledgeBase
from bot.core.learning.misses import MISS_REASONS
from bot.helpdesk.errors import NotFound
from bot.helpdesk.learning.phrasings import TeachingRefused, clean_phrasing, teach
from bot.storage.models import MissedGroup, MissedQuestion
from bot.storage.models.learning import GROUP_STATUSES

Decision = Literal["taught", "proposed", "ignored"]
PAGE_SIZE = 30  # the most asked first; staff work through them a page at a time
COUNTED_UP_TO = 1000
SAMPLES = 3


class AlreadyDecided(ValueError):
    """A colleague decided on this group first."""


@dataclass
class GroupView:
    id: int
    language: str
    product: str | None
    status: str
    size: int
    first_seen: datetime
    last_seen: datetime
    entry_ref: str | None
    text: str | None
    samples: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    offered: str | None = None  # an entry that was offered or did not help

    @property
    def phrasing(self) -> str:
        """What to teach or propose unless staff change it: the latest customer's words."""
        return self.text or (self.samples[0] if self.samples else "")


@dataclass(frozen=True)
class ReviewPage:
    status: str
    groups: list[GroupView]
    counts: dict[str, int]


def review_page(
    session: Session, status: str = "open", language: str | None = None, limit: int = PAGE_SIZE
) -> ReviewPage:
    status = status if status in GROUP_STATUSES else "open"
    query = select(MissedGroup).where(MissedGroup.status == status)
    if language:
        query = query.where(MissedGroup.language == language)
    order = (
        (MissedGroup.size.desc(), MissedGroup.last_seen.desc())
        if status == "open"
        else (MissedGroup.decided_at.desc(),)
    )
    groups = [_view(group) for group in session.scalars(query.order_by(*order).limit(limit))]
    _add_samples(session, {group.id: group for group in groups})
    return ReviewPage(status, groups, status_counts(session))


def status_counts(session: Session) -> dict[str, int]:
    """Groups per status, each counted up to COUNTED_UP_TO (shown as "1000+"): the tabs must
    not read a hundred thousand rows to say so."""
    capped = [
        select(literal(status).label("status"), func.count().label("n")).select_from(
            select(MissedGroup.id)
            .where(MissedGroup.status == status)
            .limit(COUNTED_UP_TO)
            .subquery()
        )
        for status in GROUP_STATUSES
    ]
    return {status: int(n) for status, n in session.execute(union_all(*capped))}


def _view(group: MissedGroup) -> GroupView:
    view = GroupView(
        group.id, group.language, group.product, group.status, group.size, group.first_seen,
        group.last_seen, group.entry_ref, group.text,
    )  # fmt: skip
    for reason in MISS_REASONS:
        if count := getattr(group, reason):
            view.reasons[reason] = count
    return view


def _add_samples(session: Session, groups: dict[int, GroupView]) -> None:
    """The latest few questions of each group, and why each group's questions were missed."""
    if not groups:
        return
    # one index range per group (its newest few): a popular group's thousands of questions
    # are never read to show three of them
    newest = [
        select(
            MissedQuestion.id,
            MissedQuestion.group_id,
            MissedQuestion.text,
            MissedQuestion.entry_ref,
        )
        .where(MissedQuestion.group_id == group_id)
        .order_by(MissedQuestion.id.desc())
        .limit(SAMPLES * 3)
        .subquery()
        for group_id in groups
    ]
    seen: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(union_all(*(select(part) for part in newest))).all()
    for _id, group_id, text, entry_ref in sorted(rows, key=lambda row: -row[0]):  # newest first
        view = groups[group_id]
        view.offered = view.offered or entry_ref
        if len(view.samples) < SAMPLES and text.casefold() not in seen[group_id]:
            seen[group_id].add(text.casefold())
            view.samples.append(text)


def open_group(session: Session, group_id: int) -> MissedGroup:
    """The group, locked for the decision; NotFound or AlreadyDecided otherwise."""
    group = session.scalars(
        select(MissedGroup).where(MissedGroup.id == group_id).with_for_update()
    ).first()
    if group is None:
        raise NotFound("no such group of missed questions")
    if group.status != "open":
        raise AlreadyDecided(f"this group was already {group.status}")
    return group


def decide(
    session: Session,
    kb: KnowledgeBase,
    group_id: int,
    decision: Decision,
    staff_id: int,
    now: datetime,
    *,
    text: str = "",
    entry_ref: str = "",
    product: str | None = None,
) -> MissedGroup:
    """Staff's decision on an open group: ``taught`` attaches ``text`` to ``entry_ref``;
    ``proposed`` keeps ``text`` with the group's language and ``product`` as a draft entry."""
    group = open_group(session, group_id)
    if decision == "taught":
        teach(session, kb, entry_ref, text, staff_id, now)
        group.entry_ref, group.text = entry_ref.strip(), clean_phrasing(text)
    elif decision == "proposed":
        if product is not None and product not in kb.products:
            raise TeachingRefused(f"unknown product {product!r}")
        group.text, group.product = clean_phrasing(text), product
    group.status, group.decided_by, group.decided_at = decision, staff_id, now
    return group
