"""Which customer message the bot missed in a turn, and why (the review queue's rows)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from bot.core.dialogue.state import ConversationState
from bot.core.dialogue.turn import Turn
from bot.core.events import FaqFeedback, FaqMissed, NotUnderstood, SuggestionsDeclined

MissReason = Literal["not_helped", "declined", "no_match", "not_understood"]
MISS_REASONS: tuple[str, ...] = get_args(MissReason)
MAX_MISS_CHARS = 500


@dataclass(frozen=True)
class Miss:
    """A customer's question the bot did not answer; ``entry`` is the ref of the FAQ entry
    that did not help or was offered first, when there was one."""

    text: str
    language: str
    reason: MissReason
    product: str | None = None
    entry: str | None = None


def missed_question(before: ConversationState, turn: Turn) -> Miss | None:
    """The miss this turn shows, from its events; the strongest reason when several apply.

    ``before`` is the state the message met: "that did not help" and "none of these" are
    about the question asked earlier (its topic), not about the "no" itself.
    """
    product = turn.state.slots.product or before.slots.product
    found: list[Miss] = []
    for event in turn.events:
        if isinstance(event, FaqFeedback) and not event.helpful and before.topic:
            found.append(
                Miss(before.topic, before.language, "not_helped", product, before.last_faq)
            )
        elif isinstance(event, SuggestionsDeclined):
            first = event.offered[0] if event.offered else None
            found.append(Miss(event.query, event.language, "declined", product, first))
        elif isinstance(event, FaqMissed):
            found.append(Miss(event.query, event.language, "no_match", product))
        elif isinstance(event, NotUnderstood):
            found.append(Miss(event.query, event.language, "not_understood", product))
    found = [miss for miss in found if miss.text.strip()]
    if not found:
        return None
    best = min(found, key=lambda miss: MISS_REASONS.index(miss.reason))
    return Miss(
        " ".join(best.text.split())[:MAX_MISS_CHARS],
        best.language,
        best.reason,
        best.product,
        best.entry,
    )
