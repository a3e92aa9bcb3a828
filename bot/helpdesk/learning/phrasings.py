"""Taught phrasings: stored in the database (shared by every worker, kept over a restart) and
brought into this process's FAQ index before each customer message is answered.

The check is one small query per message (how many phrasings, the newest id); only when it
differs from what this process indexed are the phrasings loaded and the languages concerned
indexed again. So a phrasing taught on one worker answers the next message on every worker.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.matching import FaqIndex
from bot.storage import repositories as repo
from bot.storage.models import LearnedPhrasing, MissedGroup

log = logging.getLogger(__name__)

MAX_PHRASING_CHARS = 500


class TeachingRefused(ValueError):
    """A phrasing that cannot be taught: unknown entry, empty or too long text."""


# (phrasings ever taught, the newest id, phrasings removed): rows are never deleted, so it only
# grows, and a removal followed by a teaching cannot look like the generation before them
Generation = tuple[int, int, int]
_GENERATION = select(  # built once: this runs before every turn
    func.count(LearnedPhrasing.id),
    func.max(LearnedPhrasing.id),
    func.count(LearnedPhrasing.removed_at),
)


# The same, for a turn's read that brings it along with others (one round trip for both).
TAUGHT = _GENERATION.subquery("taught")


def generation(session: Session) -> Generation:
    return as_generation(repo.read_rows(session, _GENERATION)[0])


def as_generation(row: Sequence[Any]) -> Generation:
    """A ``Generation`` from the three columns of ``_GENERATION`` (``TAUGHT``)."""
    count, newest, removed = row
    return int(count or 0), int(newest or 0), int(removed or 0)


def learned_phrasings(session: Session) -> dict[tuple[str, str], tuple[str, ...]]:
    """Entry key (language, id) -> its taught phrasings, oldest first."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = session.execute(
        select(LearnedPhrasing.entry_ref, LearnedPhrasing.text)
        .where(LearnedPhrasing.removed_at.is_(None))
        .order_by(LearnedPhrasing.id)
    )
    for ref, text in rows:
        language, _, entry_id = ref.partition("/")
        found[(language, entry_id)].append(text)
    return {key: tuple(texts) for key, texts in found.items()}


def faq_entry(kb: KnowledgeBase, ref: str) -> FaqEntry:
    """The entry ``ref`` (``lang/id``) names, or TeachingRefused saying what is wrong."""
    language, slash, entry_id = ref.strip().partition("/")
    entry = kb.faq_entry(language, entry_id) if slash else None
    if entry is None:
        raise TeachingRefused(f"no FAQ entry {ref} (write it as language/id, e.g. en/refund)")
    return entry


def clean_phrasing(text: str) -> str:
    phrasing = " ".join(text.split())
    if not phrasing:
        raise TeachingRefused("the phrasing is empty")
    if len(phrasing) > MAX_PHRASING_CHARS:
        raise TeachingRefused(f"the phrasing is longer than {MAX_PHRASING_CHARS} characters")
    return phrasing


def teach(
    session: Session,
    kb: KnowledgeBase,
    ref: str,
    text: str,
    staff_id: int | None,
    now: datetime,
) -> LearnedPhrasing | None:
    """Attach ``text`` to the entry ``ref``; None when the entry already has that phrasing."""
    entry = faq_entry(kb, ref)
    phrasing = clean_phrasing(text)
    if phrasing.casefold() in {p.casefold() for p in entry.phrasings}:
        return None
    taken = session.scalar(
        select(LearnedPhrasing.id).where(
            LearnedPhrasing.entry_ref == entry.ref,
            LearnedPhrasing.text == phrasing,
            LearnedPhrasing.removed_at.is_(None),
        )
    )
    if taken is not None:
        return None
    learned = LearnedPhrasing(entry_ref=entry.ref, text=phrasing, staff_id=staff_id, created_at=now)
    session.add(learned)
    session.flush()
    log.info("learned phrasing %s for %s", learned.id, entry.ref)
    return learned


def taught_phrasings(session: Session, limit: int = 500) -> list[LearnedPhrasing]:
    """The phrasings in use, newest first."""
    query = (
        select(LearnedPhrasing)
        .where(LearnedPhrasing.removed_at.is_(None))
        .order_by(LearnedPhrasing.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def find_taught(session: Session, ref: str, text: str) -> LearnedPhrasing | None:
    """The phrasing in use on entry ``ref`` that reads ``text`` (spacing and case aside)."""
    wanted = " ".join(text.split()).casefold()
    rows = session.scalars(
        select(LearnedPhrasing).where(
            LearnedPhrasing.entry_ref == ref.strip(), LearnedPhrasing.removed_at.is_(None)
        )
    )
    return next((row for row in rows if row.text.casefold() == wanted), None)


def unlearn(
    session: Session, phrasing_id: int, staff_id: int | None, now: datetime
) -> LearnedPhrasing | None:
    """Stop using a taught phrasing, on every worker from its next message; None when it is
    not in use. Missed-question groups taught with it go back to the queue."""
    learned = session.get(LearnedPhrasing, phrasing_id, with_for_update=True)
    if learned is None or learned.removed_at is not None:
        return None
    learned.removed_at, learned.removed_by = now, staff_id
    session.execute(
        update(MissedGroup)
        .where(
            MissedGroup.status == "taught",
            MissedGroup.entry_ref == learned.entry_ref,
            MissedGroup.text == learned.text,
        )
        .values(status="open", entry_ref=None, text=None, decided_by=None, decided_at=None)
    )
    log.info("removed learned phrasing %s from %s", learned.id, learned.entry_ref)
    return learned


class LearnedIndex:
    """Keeps one FAQ index up to date with the taught phrasings in the database."""

    def __init__(self, index: FaqIndex) -> None:
        self.index = index
        self._indexed: Generation | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session, current: Generation | None = None) -> None:
        """Before answering: index what was taught since, on any worker (cheap when nothing).
        ``current``: the generation, when the caller read it already (``TAUGHT``)."""
        if current is None:
            current = generation(session)
        if current == self._indexed:
            return
        with self._lock:  # one thread indexes; the others wait for it, then answer with it
            if current == self._indexed:
                return
            self.index.learn(learned_phrasings(session))
            self._indexed = current
