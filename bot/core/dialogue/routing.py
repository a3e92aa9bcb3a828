"""Routing a message that is not an answer to a question of ours: policy first, FAQ first."""

from __future__ import annotations

from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.decision import decide_message
from bot.core.dialogue.goals import continue_goal, requirements_notes, start_goal
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.policy import OWN_REFERENCE
from bot.core.dialogue.topic_shift import after_shift
from bot.core.dialogue.turn import FaqHit, Suggestion
from bot.core.events import FaqAnswered, FaqFeedback, FaqMissed, NotUnderstood
from bot.core.knowledge.models import FaqEntry, PolicyRoute

# Policy routes about the customer and the company, not about one of our products.
UNRELATED_TO_PRODUCTS = ("billing", "channels", "wordpress_general")


def route(ctx: TurnContext) -> None:
    """Decide what a fresh message is about and answer it (see ``decision``): the part after
    a topic-shift marker ("ok, I'll update tonight. Unrelated: ...") when there is one."""
    tail = after_shift(ctx.signals.text)
    if tail is not None:
        ctx.signals = ctx.services.understanding.read(tail, ctx.state.slots.product)
    sig = ctx.signals
    if sig.smalltalk_only and sig.site_health is None:
        return smalltalk(ctx)
    if sig.site_health is not None and sig.content_words == 0:
        return start_goal(ctx, "problem")  # a bare paste: ask what goes wrong, and with what
    if sig.has(Intent.PROBLEM) and sig.content_words == 0 and not sig.third_party:
        # Nothing for the FAQ to go on ("the plugin stopped working"): ask, don't guess.
        return start_goal(ctx, "problem")
    verdict = decide_message(ctx)
    forget_unrelated_product(ctx, verdict.route)
    best = verdict.entry or next(iter(verdict.suggestions), None)
    if best is not None and _repeats_the_answer(ctx, best):
        return faq_not_helped(ctx)  # what they add is about the article they just read
    if verdict.kind == "faq":
        assert verdict.entry is not None
        return answer_faq(ctx, verdict.entry, verdict.score, route=verdict.route or "faq")
    if verdict.kind == "route":
        assert verdict.route is not None
        return policy_route(ctx, verdict.route)
    if verdict.kind == "core_error":
        ctx.goto("idle")
        return ctx.say("wordpress_general", ctx.replies.core_error())
    if verdict.kind == "problem":
        return start_goal(ctx, "problem")
    if verdict.kind == "closing":
        return smalltalk(ctx)  # thanks or goodbye, and nothing in it the bot can act on
    if verdict.kind == "suggest":
        return suggest(ctx, list(verdict.suggestions))
    return no_answer(ctx)


def _repeats_the_answer(ctx: TurnContext, entry: FaqEntry) -> bool:
    """The message right after an article is answered by that same article, or would be
    suggested it first: the customer describes what still goes wrong after reading it ("set
    the batch size to 1, it still hangs"), so sending or suggesting it again would be a loop;
    it did not help."""
    return ctx.state.step == "awaiting_feedback" and entry.ref == ctx.state.last_faq


def faq_not_helped(ctx: TurnContext) -> None:
    """Policy: the FAQ did not help and it concerns our product -> ticket (after the checks)."""
    entry = (
        ctx.kb.faq_by_ref(ctx.state.last_faq, ctx.state.language) if ctx.state.last_faq else None
    )
    if entry is not None:
        ctx.emit(FaqFeedback(entry.id, False))
        if entry.route is not None and entry.route != "third_party":
            return policy_route(ctx, entry.route)  # still billing (etc.), not a technical ticket
        if entry.product and not ctx.state.slots.product:
            ctx.slots(product=entry.product)
    topic_signals = ctx.services.understanding.read(ctx.state.topic) if ctx.state.topic else None
    problem = topic_signals is not None and topic_signals.has(Intent.PROBLEM)
    ctx.update(goal="problem" if problem else "question", ticket_reason="not_helped")
    continue_goal(ctx)


def answer_faq(
    ctx: TurnContext,
    entry: FaqEntry,
    score: float,
    route: str = "faq",
) -> None:
    product = ctx.kb.product(entry.product)
    url = product.docs_url if product else None
    ctx.faq = FaqHit(entry.id, entry.question, score)
    ctx.emit(FaqAnswered(entry.id, score, ctx.signals.text[:500], entry.language))
    messages = [ctx.replies.faq_answer(entry.answer, url)]
    if entry.language != ctx.state.language:  # a stand-in, or a suggestion chosen
        messages.insert(0, ctx.replies.article_in_other_language(entry.language))
    if not ctx.email_channel:
        messages.append(ctx.replies.did_it_help())
    topic = ctx.state.topic if ctx.state.step == "awaiting_choice" else ctx.new_topic
    ctx.goto("awaiting_feedback", "", last_faq=entry.ref, topic=topic)
    ctx.say(route, *messages)  # type: ignore[arg-type]
    requirements_notes(
        ctx, ctx.product
    )  # their WordPress or PHP is too old for it, whatever the answer


def suggest(ctx: TurnContext, entries: list[FaqEntry]) -> None:
    ctx.suggestions = [Suggestion(entry.id, entry.question) for entry in entries[:3]]
    refs = tuple(entry.ref for entry in entries[:3])
    ctx.goto("awaiting_choice", topic=ctx.new_topic, suggestions=refs)
    ctx.say("suggest", ctx.replies.suggestions([entry.question for entry in entries[:3]]))


def no_answer(ctx: TurnContext) -> None:
    """Nothing in the FAQ: ask for the product when that helps, else offer a person."""
    sig = ctx.signals
    if sig.word_count < 2 and not sig.has(Intent.QUESTION):
        ctx.goto("idle")
        ctx.emit(NotUnderstood(sig.text[:500], ctx.state.language))
        return ctx.say("fallback", ctx.replies.fallback())
    if asks_the_faq(ctx):
        ctx.emit(FaqMissed(sig.text[:500], ctx.state.language))
    if ctx.kb.products and ctx.state.slots.product is None and _about_our_products(ctx):
        return start_goal(ctx, "question")
    ctx.goto("awaiting_ticket_confirm", "question", topic=ctx.new_topic, ticket_reason="no_answer")
    ctx.say("fallback", ctx.replies.no_faq_answer())


# What a customer answers to a question of ours ("weet ik niet, de nieuwste denk ik"): such a
# message is no question the FAQ failed, even when it reaches routing.
REPLY_INTENTS = frozenset(
    {
        Intent.YES,
        Intent.NO,
        Intent.DONT_KNOW,
        Intent.LATEST,
        Intent.HELPED,
        Intent.NOT_HELPED,
        Intent.THANKS,
        Intent.UPDATED,
        Intent.CANT_UPDATE,
    }
)


def asks_the_faq(ctx: TurnContext) -> bool:
    """A question or request the FAQ could have answered: the dashboard lists those it did not
    (``FaqMissed``); a reply to the bot is not one, unless it also asks something."""
    sig = ctx.signals
    return sig.has(Intent.QUESTION) or not (sig.intents & REPLY_INTENTS)


def _about_our_products(ctx: TurnContext) -> bool:
    sig = ctx.signals
    return bool(OWN_REFERENCE.search(sig.folded)) or sig.has(Intent.QUESTION, Intent.PROBLEM)


def smalltalk(ctx: TurnContext) -> None:
    sig = ctx.signals
    if sig.has(Intent.THANKS):
        message = ctx.replies.thanks()
    elif sig.has(Intent.GOODBYE):
        message = ctx.replies.goodbye()
    else:
        message = ctx.replies.greeting()
    ctx.goto("idle")
    ctx.say("smalltalk", message)


def policy_route(ctx: TurnContext, route: PolicyRoute) -> None:
    if route == "third_party":
        return third_party(ctx)
    replies = ctx.replies
    messages = {
        "channels": replies.channels,
        "billing": replies.billing,
        "customization": replies.customization,
        "wordpress_general": replies.wordpress_general,
    }
    ctx.goto("after_policy", "", last_route=route)
    ctx.say(route, messages[route]())


def third_party(ctx: TurnContext) -> None:
    """Disclaimer, then the conflict test (step by step in chat, all at once by email)."""
    names = list(ctx.signals.third_party)
    product = ctx.product or ctx.kb.product(ctx.signals.product)
    product_name = product.name if product else ctx.replies._("our product")
    ctx.goto("awaiting_conflict_test", "problem", topic=ctx.new_topic, conflict_test_step=1)
    ctx.say(
        "third_party", ctx.replies.third_party(names), ctx.conflict_test.first_step(product_name)
    )


def forget_unrelated_product(ctx: TurnContext, route: str | None) -> None:
    """A message about billing, channels or WordPress itself that names none of our products
    has nothing to do with a product named earlier in the conversation."""
    if route in UNRELATED_TO_PRODUCTS and not ctx.signals.products:
        ctx.slots(product=None, version=None)


__all__ = ["continue_goal", "route"]
