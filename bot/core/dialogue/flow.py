"""The conversation flow as a table a newcomer can read: (step, what the customer said) -> action.

Each step lists its rows in priority order; the first row whose intent the message carries wins,
``None`` is the default row. ``ALWAYS`` rows are tried first in every step the bot handles.
Actions are names; ``bot.core.dialogue.actions`` holds the handlers and ``ACTIONS`` maps each name.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.state import Step

Row = tuple[Intent | None, str]

ALWAYS: tuple[Row, ...] = (
    (Intent.PERSON, "request_person"),
    (Intent.CORRECTED, "correction_noted"),
)

FLOW: Mapping[Step, tuple[Row, ...]] = {
    "idle": ((None, "route"),),
    "awaiting_feedback": (
        (Intent.NOT_HELPED, "faq_not_helped"),
        (Intent.HELPED, "faq_helped"),
        (Intent.NO, "faq_not_helped"),
        (Intent.YES, "faq_helped"),
        (Intent.THANKS, "faq_helped"),
        (None, "route"),
    ),
    "awaiting_choice": (
        (Intent.NO, "suggestions_declined"),
        (Intent.NOT_HELPED, "suggestions_declined"),
        (None, "choose_suggestion"),
    ),
    "awaiting_product": ((Intent.DONT_KNOW, "product_unknown"), (None, "receive_product")),
    "awaiting_version": ((Intent.DONT_KNOW, "explain_version"), (None, "receive_version")),
    "awaiting_details": ((None, "receive_details"),),
    "awaiting_email": ((Intent.NO, "email_declined"), (None, "receive_email")),
    "awaiting_update": (
        (Intent.CANT_UPDATE, "cannot_update"),
        (Intent.NOT_HELPED, "still_broken_after_update"),
        (Intent.HELPED, "problem_solved"),  # "updated and that fixed it"
        (Intent.THANKS, "problem_solved"),  # "updated and they're back, thanks!"
        (Intent.UPDATED, "still_broken_after_update"),
        (None, "route"),
    ),
    "awaiting_conflict_test": (
        (Intent.NOT_HELPED, "conflict_persists"),  # "with Bookly off it still spins": no culprit
        (Intent.CULPRIT, "conflict_culprit_named"),
        (Intent.HELPED, "conflict_resolved"),
        (Intent.NO, "conflict_skipped"),
        (None, "route"),
    ),
    "awaiting_culprit": (
        (Intent.CULPRIT, "conflict_culprit_named"),
        (Intent.THANKS, "faq_helped"),
        (None, "route"),
    ),
    "awaiting_ticket_confirm": (
        (Intent.NO, "ticket_declined"),
        (Intent.YES, "ticket_confirmed"),
        (None, "route"),
    ),
    "after_policy": (
        (Intent.NOT_HELPED, "policy_not_helped"),
        (Intent.NO, "policy_not_helped"),
        (Intent.THANKS, "faq_helped"),
        (None, "route"),
    ),
    "with_staff": ((None, "handoff"),),
}


def action_for(step: Step, intents: frozenset[Intent]) -> str:
    rows = FLOW[step] if step == "with_staff" else (*ALWAYS, *FLOW[step])
    for intent, action in rows:
        if intent is None or intent in intents:
            return action
    return "route"
