"""What one turn means for the resolution ladder (``docs/console.md``): how the bot's turn left
the conversation, and why a conversation went to a person. Pure; ``bot.helpdesk.resolutions``
stores it per conversation and counts it in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from bot.core.dialogue.turn import Turn
from bot.core.events import (
    AnswerConfirmed,
    FaqAnswered,
    NotUnderstood,
    SubscriptionExpired,
    TicketRequested,
)

# How the bot's last turn left the conversation.
Ending = Literal[
    "confirmed",  # the customer said the answer helped
    "answer",  # an FAQ or policy answer, nothing asked
    "question",  # the bot asked something (product, version, email, "shall I pass it on?")
    "declined",  # the customer declined to give the address a person would answer on
    "not_understood",  # the bot's fallback: it could not understand
    "expired",  # the customer's subscription had expired: renew first
    "handed_off",  # a ticket: a person answers
]
ENDINGS: tuple[str, ...] = get_args(Ending)

HandoffReason = Literal[
    "person",
    "no_answer",
    "not_helped",
    "bug",
    "expired_subscription",
    "conflict_test_failed",
    "not_understood",
]
HANDOFF_REASONS: tuple[str, ...] = get_args(HandoffReason)

# TicketRequested.reason -> the ladder's reason
TICKET_REASONS: Mapping[str, HandoffReason] = {
    "person": "person",
    "no_answer": "no_answer",
    "not_helped": "not_helped",
    "bug": "bug",
    "conflict_persists": "conflict_test_failed",
}
# Endings that are a hand-off reason when the conversation stays on them.
ENDING_REASONS: Mapping[str, HandoffReason] = {
    "expired": "expired_subscription",
    "not_understood": "not_understood",
}
ANSWER_ROUTES = frozenset(
    {"faq", "billing", "channels", "customization", "wordpress_general", "update_required"}
)
# Small talk ("thanks", "bye", a greeting) and messages to staff change no ending.
KEEPS_ENDING = frozenset({"smalltalk", "handoff"})


@dataclass(frozen=True)
class TurnEnding:
    ending: Ending | None  # None: the turn leaves the conversation's ending as it was
    handoff_reason: HandoffReason | None = None


def turn_ending(turn: Turn) -> TurnEnding:
    """The ending this turn gives the conversation, from its events, route and next step."""
    ticket = turn.event(TicketRequested)
    if isinstance(ticket, TicketRequested):
        return TurnEnding("handed_off", TICKET_REASONS.get(ticket.reason, "person"))
    if turn.event(SubscriptionExpired) is not None:
        return TurnEnding("expired")
    if turn.event(AnswerConfirmed) is not None:
        return TurnEnding("confirmed")
    if turn.event(NotUnderstood) is not None:
        return TurnEnding("not_understood")
    step = turn.state.step
    if turn.event(FaqAnswered) is not None or step == "awaiting_feedback":
        return TurnEnding("answer")
    if step.startswith("awaiting_"):
        return TurnEnding("question")
    if turn.route in KEEPS_ENDING:
        return TurnEnding(None)
    if turn.route in ANSWER_ROUTES:
        return TurnEnding("answer")
    return TurnEnding("declined")  # the fallback that needs an address the customer withheld
