"""The customer questions stored in a time window, as `kb diff` replays them: every question
the FAQ answered (``faq_answered`` events, in their conversation's language) and every one it
missed (no match, suggestions declined, not understood; "did not help" was answered, so it is
among the first already)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Conversation, EventRecord, MissedGroup, MissedQuestion

MISSED_FIRST_TIME = ("no_match", "declined", "not_understood")
BATCH = 2000


def stored_questions(session: Session, since: datetime) -> Iterator[tuple[str, str]]:
    """(language, text) of each question asked since ``since``, repeats included."""
    answered = (
        select(Conversation.language, EventRecord.data)
        .join(Conversation, Conversation.id == EventRecord.conversation_id)
        .where(EventRecord.kind == "faq_answered", EventRecord.created_at >= since)
        .execution_options(yield_per=BATCH)
    )
    for language, data in session.execute(answered):
        text = data.get("query") if isinstance(data, dict) else None
        if isinstance(text, str) and text.strip():
            yield language, text
    missed = (
        select(MissedGroup.language, MissedQuestion.text)
        .join(MissedGroup, MissedGroup.id == MissedQuestion.group_id)
        .where(MissedQuestion.reason.in_(MISSED_FIRST_TIME), MissedQuestion.created_at >= since)
        .execution_options(yield_per=BATCH)
    )
    for language, text in session.execute(missed):
        yield language, text
