"""The flow table's actions: the handler functions, and ``ACTIONS``, name -> handler.

The flow table (``flow.py``) picks an action by (step, intent); the handlers are a small
slot-filling planner. Each looks at the goal (question, problem, person, billing...) and the slots
still missing (product, version, details, email), asks for the next one or acts (answers from the
FAQ, opens a ticket), and moves the conversation to its next step with ``ctx.goto``. Here:
the answers to the bot's own questions (feedback, product, version, email...) and a request for
a person. A fresh request is decided in ``routing`` (the ``route`` action); what a goal still
needs in ``goals`` (``continue_goal``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rapidfuzz import fuzz, process

from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.decision import decide_message
from bot.core.dialogue.goals import continue_goal, open_ticket
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.routing import (
    answer_faq,
    faq_not_helped,
    forget_unrelated_product,
    policy_route,
    route,
    third_party,
)
from bot.core.dialogue.topic_shift import after_shift
from bot.core.events import (
    AnswerConfirmed,
    ConflictTestOutcome,
    CustomerWroteToStaff,
    FaqFeedback,
    HandoffAcknowledged,
    NotUnderstood,
    SuggestionsDeclined,
)
from bot.core.text import fold

MAX_REASKS = 2


def _is_new_request(ctx: TurnContext) -> bool:
    """The customer ignored our question and asked something else."""
    sig = ctx.signals
    return sig.word_count >= 4 and sig.has(Intent.QUESTION, Intent.PROBLEM)


def _reask_or_give_up(ctx: TurnContext) -> None:
    """Ask the same question again, at most MAX_REASKS times, then stop asking."""
    if ctx.state.reasks >= MAX_REASKS:
        ctx.goto("idle", "")
        ctx.emit(NotUnderstood())
        return ctx.say("fallback", ctx.replies.fallback())
    reasks = ctx.state.reasks + 1
    continue_goal(ctx)
    ctx.update(reasks=reasks)


# -- after an FAQ answer ------------------------------------------------------------------------
def faq_helped(ctx: TurnContext) -> None:
    """Thanks after an FAQ or policy answer (or a conflict test that found the culprit); the
    FAQ entry gets the feedback only when it was the answer just given."""
    last_faq = ctx.state.last_faq if ctx.state.step == "awaiting_feedback" else None
    entry = ctx.kb.faq_by_ref(last_faq, ctx.state.language) if last_faq else None
    if entry is not None:
        ctx.emit(FaqFeedback(entry.id, True))
    ctx.emit(AnswerConfirmed(entry.id if entry is not None else None))
    _glad_unless_asked_more(ctx)


def _glad_unless_asked_more(ctx: TurnContext) -> None:
    """Close the topic; a new request in the same message is answered instead ("thanks!
    something else: ...")."""
    ctx.goto("idle", "")
    if _asks_more(ctx):
        return route(ctx)
    ctx.say("smalltalk", ctx.replies.glad_it_helped())


def _asks_more(ctx: TurnContext) -> bool:
    """The thanks comes with a new request: a question, or a request to the company (a problem
    word is not enough: "thanks, the error is gone")."""
    text = ctx.signals.text
    return bool(ctx.signals.route_cues) or "?" in text or after_shift(text) is not None


# -- after suggestions ------------------------------------------------------------------------
def choose_suggestion(ctx: TurnContext) -> None:
    offered = [ctx.kb.faq_by_ref(ref, ctx.state.language) for ref in ctx.state.suggestions]
    entries = [entry for entry in offered if entry is not None]
    text = fold(ctx.signals.text).strip(" .!?")
    if text.isdigit() and 1 <= int(text) <= len(entries):
        return answer_faq(ctx, entries[int(text) - 1], 1.0)
    if entries:
        best = process.extractOne(
            text, [fold(e.question) for e in entries], scorer=fuzz.token_set_ratio
        )
        if best is not None and best[1] >= 85:
            return answer_faq(ctx, entries[best[2]], best[1] / 100)
    route(ctx)


def suggestions_declined(ctx: TurnContext) -> None:
    if ctx.state.topic:
        declined = SuggestionsDeclined(
            ctx.state.topic[:500], ctx.state.language, ctx.state.suggestions
        )
        ctx.emit(declined)
    topic_signals = ctx.services.understanding.read(ctx.state.topic) if ctx.state.topic else None
    problem = topic_signals is not None and topic_signals.has(Intent.PROBLEM)
    ctx.update(goal="problem" if problem else "question", ticket_reason="no_answer")
    if ctx.state.goal == "question" and (ctx.state.slots.product or not ctx.kb.products):
        ctx.goto("awaiting_ticket_confirm")
        return ctx.say("fallback", ctx.replies.no_faq_answer())
    continue_goal(ctx)


# -- slots asked for ------------------------------------------------------------------------
def receive_product(ctx: TurnContext) -> None:
    if ctx.product is not None:  # named, or described ("the wishlist one")
        return continue_goal(ctx)
    if ctx.signals.third_party:
        return third_party(ctx)
    if _is_new_request(ctx):
        return route(ctx)
    _reask_or_give_up(ctx)


def product_unknown(ctx: TurnContext) -> None:
    """No idea which product, unless the rest of the message tells ("no idea which one, the
    error log says: ... wp-content/plugins/<theirs>/...")."""
    if ctx.signals.third_party:
        return third_party(ctx)
    if ctx.product is not None:
        return continue_goal(ctx)
    ctx.goto("awaiting_ticket_confirm", ticket_reason=ctx.state.ticket_reason or "no_answer")
    ctx.say("fallback", ctx.replies.no_faq_answer())


def receive_version(ctx: TurnContext) -> None:
    product = ctx.product
    if ctx.signals.has(Intent.LATEST) and product and product.latest_version:
        if ctx.state.slots.version is None:
            ctx.slots(version=product.latest_version)
    if ctx.state.slots.version is not None:
        return continue_goal(ctx)
    if _is_new_request(ctx):
        return route(ctx)
    _reask_or_give_up(ctx)


def explain_version(ctx: TurnContext) -> None:
    product = ctx.product
    if product is None:
        return continue_goal(ctx)
    ctx.say("ask_version", ctx.replies.message(ctx.replies.where_is_version(product)))


def receive_details(ctx: TurnContext) -> None:
    sig = ctx.signals
    if sig.route_cues and not sig.has(Intent.PROBLEM) and not sig.products:
        return route(ctx)  # a request to the company ("I need an invoice") is not a detail
    text = ctx.signals.text.strip()
    if text and not ctx.signals.site_health:
        details = "\n\n".join(filter(None, [ctx.state.slots.details, text]))[:8000]
        ctx.slots(details=details)
    continue_goal(ctx)


def correction_noted(ctx: TurnContext) -> None:
    """A corrected product or version is no answer to the question asked: the goal goes on
    from the start with it (the version checked again, the details still missing asked for)."""
    ctx.goto("idle")
    continue_goal(ctx)


def receive_email(ctx: TurnContext) -> None:
    if ctx.signals.email:
        return open_ticket(ctx, ctx.state.ticket_reason or "person")
    if _is_new_request(ctx) or ctx.state.reasks >= MAX_REASKS:
        ctx.goto("idle", "")
        return ctx.say("fallback", ctx.replies.email_needed())
    ctx.update(reasks=ctx.state.reasks + 1)
    ctx.say("ask_email", ctx.replies.invalid_email())


def email_declined(ctx: TurnContext) -> None:
    if ctx.signals.email:  # "no problem, you can mail me at ...": an address is no refusal
        return receive_email(ctx)
    ctx.goto("idle", "")
    ctx.say("fallback", ctx.replies.email_needed())


# -- after "please update first" -------------------------------------------------------------
def still_broken_after_update(ctx: TurnContext) -> None:
    """Updated and still broken: a bug on the version they went to (the latest unless they
    named another; an older one than the latest is asked to update again)."""
    product, version = ctx.product, ctx.state.slots.version
    if product and product.latest_version and not _named_now(ctx, version):
        ctx.slots(version=product.latest_version)
    ctx.update(ticket_reason="bug")
    continue_goal(ctx)


def _named_now(ctx: TurnContext, version: str | None) -> bool:
    mentions = ctx.signals.versions
    return version is not None and version in (mentions.product_version, *mentions.bare)


def cannot_update(ctx: TurnContext) -> None:
    if "billing" in ctx.signals.route_cues:  # "our licence expired": the reason is billing's
        return route(ctx)
    product = ctx.product
    ctx.goto("idle", "")
    if product is None:
        ctx.emit(NotUnderstood())
        return ctx.say("fallback", ctx.replies.fallback())
    ctx.say("update_required", ctx.replies.cannot_update(product))


def problem_solved(ctx: TurnContext) -> None:
    ctx.emit(AnswerConfirmed())
    _glad_unless_asked_more(ctx)


# -- conflict test ----------------------------------------------------------------------------
def conflict_persists(ctx: TurnContext) -> None:
    """The next step of the test; none when it was the last, or when the customer says they
    already ran with WordPress's default theme (the last step) too."""
    step = ctx.state.conflict_test_step
    if step < 2 and not ctx.email_channel and not ctx.signals.default_theme:
        ctx.update(conflict_test_step=step + 1)
        name = ctx.product.name if ctx.product else ctx.replies._("our product")
        return ctx.say("third_party", ctx.conflict_test.next_step(step + 1, name))
    ctx.emit(ConflictTestOutcome("persists"))
    ctx.slots(conflict_test="persists")
    ctx.update(goal="problem", ticket_reason="conflict_persists", conflict_test_step=0)
    continue_goal(ctx)


def conflict_resolved(ctx: TurnContext) -> None:
    step = ctx.state.conflict_test_step
    culprit = "plugin" if step <= 1 else "theme"
    ctx.emit(ConflictTestOutcome("resolved", culprit))
    ctx.slots(conflict_test=f"resolved ({culprit})")
    ctx.goto("awaiting_culprit", "", conflict_test_step=0)
    ctx.say("third_party", ctx.conflict_test.culprit_found(step))


def conflict_culprit_named(ctx: TurnContext) -> None:
    """The customer names the plugin or theme the conflict test pointed at: record it, say what
    that means (its author helps best) and offer to pass it on, instead of starting over."""
    names = list(ctx.signals.third_party)
    ctx.emit(ConflictTestOutcome("resolved", ", ".join(names)[:200]))
    ctx.slots(conflict_test=f"resolved: {', '.join(names)}"[:200])
    product = ctx.product.name if ctx.product else ctx.replies._("our product")
    ctx.goto(
        "awaiting_ticket_confirm",
        "problem",
        conflict_test_step=0,
        ticket_reason="conflict_persists",
    )
    ctx.say("third_party", ctx.conflict_test.culprit_named(names, product))


def conflict_skipped(ctx: TurnContext) -> None:
    ctx.emit(ConflictTestOutcome("skipped"))
    ctx.slots(conflict_test="skipped")
    ctx.update(goal="problem", ticket_reason="conflict_persists", conflict_test_step=0)
    continue_goal(ctx)


# -- offered a ticket --------------------------------------------------------------------------
def ticket_confirmed(ctx: TurnContext) -> None:
    open_ticket(ctx, ctx.state.ticket_reason or "no_answer")


def ticket_declined(ctx: TurnContext) -> None:
    ctx.goto("idle", "")
    ctx.say("smalltalk", ctx.replies.thanks())


# -- staff owns the conversation --------------------------------------------------------------
def handoff(ctx: TurnContext) -> None:
    """Acknowledge once, then stay quiet: a person answers."""
    ctx.emit(CustomerWroteToStaff())
    if ctx.state.handoff_acknowledged:
        return ctx.say("handoff")
    ctx.emit(HandoffAcknowledged())
    ctx.update(handoff_acknowledged=True)
    ctx.say("handoff", ctx.replies.handoff(ctx.state.ticket))


# -- a person, and after a policy answer ------------------------------------------------------
def request_person(ctx: TurnContext) -> None:
    """A person, about what the customer is busy with; after a finished question or policy
    answer, about this message (a new subject, unless it says nothing specific)."""
    finished = ctx.state.step in ("idle", "after_policy")
    if finished and ctx.signals.content_words:
        forget_unrelated_product(ctx, decide_message(ctx).route)
    topic = ctx.new_topic if finished or not ctx.state.topic else ctx.state.topic
    ctx.update(goal="person", topic=topic)
    open_ticket(ctx, "person")


def policy_not_helped(ctx: TurnContext) -> None:
    """It did not help after a policy answer: the same place is still the right one (a
    billing question does not become a technical ticket)."""
    last = ctx.state.last_route
    if last in ("channels", "billing", "customization", "wordpress_general"):
        return policy_route(ctx, last)  # type: ignore[arg-type]
    route(ctx)


Action = Callable[[TurnContext], None]
ACTIONS: Mapping[str, Action] = {
    "route": route,
    "request_person": request_person,
    "policy_not_helped": policy_not_helped,
    "faq_helped": faq_helped,
    "faq_not_helped": faq_not_helped,
    "choose_suggestion": choose_suggestion,
    "suggestions_declined": suggestions_declined,
    "receive_product": receive_product,
    "product_unknown": product_unknown,
    "receive_version": receive_version,
    "explain_version": explain_version,
    "receive_details": receive_details,
    "receive_email": receive_email,
    "email_declined": email_declined,
    "still_broken_after_update": still_broken_after_update,
    "cannot_update": cannot_update,
    "problem_solved": problem_solved,
    "conflict_persists": conflict_persists,
    "conflict_resolved": conflict_resolved,
    "conflict_skipped": conflict_skipped,
    "conflict_culprit_named": conflict_culprit_named,
    "ticket_confirmed": ticket_confirmed,
    "ticket_declined": ticket_declined,
    "handoff": handoff,
    "continue_goal": continue_goal,
    "correction_noted": correction_noted,
}
