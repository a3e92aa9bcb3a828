"""Missed questions stored in the customer's transaction and grouped with those alike.

A new miss joins the open group whose first question is most alike (``bot.core.learning.
similarity``), among the groups of its language seen most recently; otherwise it starts one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.core.learning.misses import MISS_REASONS, Miss
from bot.core.learning.similarity import closest_group, similarity_key
from bot.storage.models import MissedGroup, MissedQuestion
from bot.storage.repositories import insert_row

# How many recently seen open groups a new miss is compared with: enough for a week's
# questions of a busy shop, few enough to compare in a millisecond.
GROUPS_COMPARED = 300
# Built once, as they run for every miss: building a statement costs more than running it.
_SEEDS = (
    select(MissedGroup.id, MissedQuestion.similarity_key)
    .join(MissedQuestion, MissedQuestion.id == MissedGroup.seed_id)
    .where(MissedGroup.status == "open", MissedGroup.language == bindparam("language"))
    .order_by(MissedGroup.last_seen.desc())
    .limit(GROUPS_COMPARED)
)
_COUNTED = {  # one more question in the group, counted by its reason (in SQL: workers race)
    reason: update(MissedGroup)
    .where(MissedGroup.id == bindparam("group_id"))
    .values(
        {
            MissedGroup.size: MissedGroup.size + 1,
            getattr(MissedGroup, reason): getattr(MissedGroup, reason) + 1,
            "last_seen": bindparam("now"),
        }
    )
    .execution_options(synchronize_session=False)
    for reason in MISS_REASONS
}
_SEEDED = (
    update(MissedGroup)
    .where(MissedGroup.id == bindparam("group_id"), MissedGroup.seed_id.is_(None))
    .values(seed_id=bindparam("seed_id"))
    .execution_options(synchronize_session=False)
)
_INSERT_QUESTION = insert(MissedQuestion)


def record_miss(session: Session, conversation_id: int, miss: Miss, now: datetime) -> int:
    """Store ``miss`` in its group; the new question's id.

    The count, the question and the seed are written at once on the session's connection,
    past the unit of work: three statements instead of two flushes and two ORM updates.
    """
    key = similarity_key(miss.text, miss.language)
    group_id = _group_for(session, key, miss)
    if group_id is None:
        group = MissedGroup(
            language=miss.language, product=miss.product, status="open", size=0, no_match=0,
            declined=0, not_helped=0, not_understood=0, first_seen=now, last_seen=now,
        )  # fmt: skip
        session.add(group)
        session.flush()
        group_id = group.id
    connection = session.connection()
    connection.execute(_COUNTED[miss.reason], {"group_id": group_id, "now": now})
    question = {
        "group_id": group_id,
        "conversation_id": conversation_id,
        "reason": miss.reason,
        "text": miss.text,
        "similarity_key": key,
        "entry_ref": miss.entry,
        "created_at": now,
    }
    question_id = insert_row(session, _INSERT_QUESTION, question)
    connection.execute(_SEEDED, {"group_id": group_id, "seed_id": question_id})
    return question_id


def _group_for(session: Session, key: str, miss: Miss) -> int | None:
    """The open group of the same language, seen lately, whose first question is most alike."""
    seeds = session.execute(_SEEDS, {"language": miss.language}).all()
    return closest_group(key, {group_id: seed for group_id, seed in seeds})


def forget_misses(session: Session, conversation_id: int) -> int:
    """Erasure and retention: the conversation's missed questions go; a group left without
    questions goes too unless staff decided on it (their decision keeps their own text)."""
    groups = list(
        session.scalars(
            select(MissedQuestion.group_id)
            .where(MissedQuestion.conversation_id == conversation_id)
            .distinct()
        )
    )
    result = session.execute(
        delete(MissedQuestion).where(MissedQuestion.conversation_id == conversation_id)
    )
    for group_id in groups:
        _recount(session, group_id)
    if groups:
        session.execute(
            delete(MissedGroup).where(
                MissedGroup.id.in_(groups), MissedGroup.size == 0, MissedGroup.status == "open"
            )
        )
    return int(getattr(result, "rowcount", 0) or 0)


def _recount(session: Session, group_id: int) -> None:
    """A group's counts and seed from the questions it has left."""
    counts = dict.fromkeys(MISS_REASONS, 0)
    counted = (
        select(MissedQuestion.reason, func.count(MissedQuestion.id))
        .where(MissedQuestion.group_id == group_id)
        .group_by(MissedQuestion.reason)
    )
    counts.update({reason: int(n) for reason, n in session.execute(counted)})
    seed = session.scalar(
        select(func.min(MissedQuestion.id)).where(MissedQuestion.group_id == group_id)
    )
    session.execute(
        update(MissedGroup)
        .where(MissedGroup.id == group_id)
        .values(size=sum(counts.values()), seed_id=seed, **counts)
        .execution_options(synchronize_session=False)
    )


def exported_misses(session: Session, conversation_id: int) -> list[dict[str, Any]]:
    """The conversation's missed questions, for the customer's data export."""
    found = session.scalars(
        select(MissedQuestion)
        .where(MissedQuestion.conversation_id == conversation_id)
        .order_by(MissedQuestion.id)
    )
    return [
        {"ref": f"missed_questions:{miss.id}", "at": miss.created_at.isoformat(),
         "reason": miss.reason, "text": miss.text}
        for miss in found
    ]  # fmt: skip
