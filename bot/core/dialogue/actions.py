"""What the flow table's action names do: name -> handler function.

The flow table (``flow.py``) picks an action by (step, intent); the handlers are a small
slot-filling planner. Each looks at the goal (question, problem, person, billing...) and the slots
still missing (product, version, details, email), asks for the next one or acts (answers from the
FAQ, opens a ticket), and moves the conversation to its next step with ``ctx.goto``. Fresh
requests are decided in ``routing``; answers to the bot's own questions in ``followups``; what a
goal still needs in ``goals``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.core.dialogue import followups, goals, routing
from bot.core.dialogue.context import TurnContext

Action = Callable[[TurnContext], None]
ACTIONS: Mapping[str, Action] = {
    "route": routing.route,
    "request_person": routing.request_person,
    "policy_not_helped": routing.policy_not_helped,
    "faq_helped": followups.faq_helped,
    "faq_not_helped": followups.faq_not_helped,
    "choose_suggestion": followups.choose_suggestion,
    "suggestions_declined": followups.suggestions_declined,
    "receive_product": followups.receive_product,
    "product_unknown": followups.product_unknown,
    "receive_version": followups.receive_version,
    "explain_version": followups.explain_version,
    "receive_details": followups.receive_details,
    "receive_email": followups.receive_email,
    "email_declined": followups.email_declined,
    "still_broken_after_update": followups.still_broken_after_update,
    "cannot_update": followups.cannot_update,
    "problem_solved": followups.problem_solved,
    "conflict_persists": followups.conflict_persists,
    "conflict_resolved": followups.conflict_resolved,
    "conflict_skipped": followups.conflict_skipped,
    "conflict_culprit_named": followups.conflict_culprit_named,
    "ticket_confirmed": followups.ticket_confirmed,
    "ticket_declined": followups.ticket_declined,
    "handoff": followups.handoff,
    "continue_goal": goals.continue_goal,
}
