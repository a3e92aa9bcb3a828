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
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.matching import FaqIndex
from bot.storage.models import LearnedPhrasing

log = logging.getLogger(__name__)

MAX_PHRASING_CHARS = 500


class TeachingRefused(ValueError):
    """A phrasing that cannot be taught: unknown entry, empty or too long text."""


Generation = tuple[int, int]  # (how many phrasings, the newest id)
_GENERATION = select(func.count(LearnedPhrasing.id), func.max(LearnedPhrasing.id))  # built once


def generation(session: Session) -> Generation:
    count, newest = session.execute(_GENERATION).one()
    return int(count or 0), int(newest or 0)


def learned_phrasings(session: Session) -> dict[tuple[str, str], tuple[str, ...]]:
    """Entry key (language, id) -> its taught phrasings, oldest first."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    rows = session.execute(
        select(LearnedPhrasing.entry_ref, LearnedPhrasing.text).order_by(LearnedPhrasing.id)
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
            LearnedPhrasing.entry_ref == entry.ref, LearnedPhrasing.text == phrasing
        )
    )
    if taken is not None:
        return None
    learned = LearnedPhrasing(entry_ref=entry.ref, text=phrasing, staff_id=staff_id, created_at=now)
    session.add(learned)
    session.flush()
    log.info("learned phrasing %s for %s", learned.id, entry.ref)
    return learned


class LearnedIndex:
    """Keeps one FAQ index up to date with the taught phrasings in the database."""

    def __init__(self, index: FaqIndex) -> None:
        self.index = index
        self._indexed: Generation | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> None:
        """Before answering: index what was taught since, on any worker (cheap when nothing)."""
        current = generation(session)
        if current == self._indexed:
            return
        with self._lock:  # one thread indexes; the others wait for it, then answer with it
            if current == self._indexed:
                return
            self.index.learn(learned_phrasings(session))
            self._indexed = current
