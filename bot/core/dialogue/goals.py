"""Working towards what the customer needs: product, version, update, details, then a ticket."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.dialogue.changelog_quote import changes_since
from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.state import Goal
from bot.core.dialogue.turn import FaqHit
from bot.core.events import (
    FaqAnswered,
    RequirementsWarning,
    SubscriptionExpired,
    TicketRequested,
)
from bot.core.knowledge.models import Product
from bot.core.knowledge.versions import is_older

DETAIL_SLOTS = ("wp_version", "php_version", "details")


# Steps after which the customer's next message usually goes on about the same problem.
FOLLOW_UPS = ("awaiting_feedback", "awaiting_choice", "awaiting_culprit")


def start_goal(ctx: TurnContext, goal: Goal) -> None:
    """Work towards `goal`. Its topic (the ticket's subject) is this message, unless the
    customer is going on about what the bot just answered, without a new question."""
    going_on = (
        ctx.state.step in FOLLOW_UPS
        and bool(ctx.state.topic)
        and not ctx.signals.has(Intent.QUESTION)
    )
    topic = ctx.state.topic if going_on else ctx.new_topic
    ctx.goto("idle", goal, topic=topic, ticket_reason="")
    continue_goal(ctx)


def continue_goal(ctx: TurnContext) -> None:
    """Ask for the next missing thing, or act when nothing is missing."""
    goal = ctx.state.goal or "problem"
    if goal == "person":
        return open_ticket(ctx, "person")
    product = ctx.product
    if product is None and ctx.kb.products:
        return ask_for_missing(ctx, ["product"])
    if product is not None and subscription_expired(ctx, product):
        return None
    if goal == "question":
        return answer_question_for_product(ctx)
    version = ctx.state.slots.version
    if product is not None and version is None:
        return ask_for_missing(ctx, ["version"])
    if product is not None and version and product.latest_version:
        if is_older(version, product.latest_version):
            return update_required(ctx, product, version)
    requirements_notes(ctx, product)
    missing = [slot for slot in DETAIL_SLOTS if getattr(ctx.state.slots, slot) is None]
    if ctx.state.slots.error_text and "details" in missing and ctx.state.slots.site_health:
        missing.remove("details")
    if missing and ctx.state.step != "awaiting_details":
        return ask_details(ctx, product, missing)
    open_ticket(ctx, ctx.state.ticket_reason or "bug")


def ask_for_missing(ctx: TurnContext, first: list[str]) -> None:
    """Chat asks one thing at a time; email asks for everything still missing in one message."""
    if ctx.email_channel:
        slots = ctx.state.slots
        wanted = ["product", "version", *DETAIL_SLOTS, "error_text"]
        missing = [slot for slot in wanted if getattr(slots, slot) is None]
        if ctx.state.goal == "question":
            missing = [slot for slot in missing if slot in ("product", "version")]
        route = "ask_product" if "product" in missing else "ask_version"
        ctx.goto("awaiting_details")
        return ctx.say(route, ctx.replies.ask_everything(missing))  # type: ignore[arg-type]
    if first == ["product"]:
        ctx.goto("awaiting_product")
        return ctx.say("ask_product", ctx.replies.ask_product())
    product = ctx.product
    assert product is not None
    ctx.goto("awaiting_version")
    ctx.say("ask_version", ctx.replies.ask_version(product))


def ask_details(ctx: TurnContext, product: Product | None, missing: list[str]) -> None:
    if ctx.email_channel:
        return ask_for_missing(ctx, missing)
    ctx.goto("awaiting_details")
    ctx.say("ask_details", ctx.replies.ask_details(product, ctx.state.slots.version, missing))


def update_required(ctx: TurnContext, product: Product, version: str) -> None:
    complaint = " ".join(filter(None, [ctx.state.topic, ctx.state.slots.details]))
    changes = changes_since(product, version, complaint, ctx.replies)
    ctx.goto("awaiting_update")
    ctx.say("update_required", ctx.replies.update_required(product, version, changes))


def subscription_expired(ctx: TurnContext, product: Product) -> bool:
    """True (and answered) when the customer's subscriptions for the product have all expired."""
    mine = [s for s in ctx.customer.subscriptions if s.product == product.slug]
    if not mine:
        return False
    today = ctx.now.date()
    expiries = sorted(_parse_date(s.expires_at) for s in mine)
    if expiries[-1] >= today:
        return False
    expired_on = expiries[-1].isoformat()
    ctx.emit(SubscriptionExpired(product.slug, expired_on))
    ctx.goto("idle", "")
    ctx.say("subscription_expired", ctx.replies.subscription_expired(product, expired_on))
    return True


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return date.min


def answer_question_for_product(ctx: TurnContext) -> None:
    """A how-to question that the FAQ did not answer without the product: try again with it."""
    if ctx.state.ticket_reason != "not_helped":
        result = ctx.services.faq.search(
            ctx.state.topic, ctx.state.language, product=ctx.state.slots.product, limit=3
        )
        best = result.best
        if (
            result.decision == "answer"
            and best is not None
            and best.entry.ref != ctx.state.last_faq
        ):
            ctx.faq = FaqHit(best.entry.id, best.entry.question, best.score)
            ctx.emit(
                FaqAnswered(best.entry.id, best.score, ctx.state.topic[:500], best.entry.language)
            )
            ctx.goto("awaiting_feedback", "", last_faq=best.entry.ref)
            messages = [ctx.replies.faq_answer(best.entry.answer)]
            if not ctx.email_channel:
                messages.append(ctx.replies.did_it_help())
            return ctx.say("faq", *messages)
        ctx.goto("awaiting_ticket_confirm", ticket_reason="no_answer")
        return ctx.say("fallback", ctx.replies.no_faq_answer())
    open_ticket(ctx, "not_helped")


def requirements_notes(ctx: TurnContext, product: Product | None) -> None:
    if product is None:
        return
    slots = ctx.state.slots
    checks = (
        ("wordpress", "WordPress", slots.wp_version, product.requires_wp),
        ("php", "PHP", slots.php_version, product.requires_php),
    )
    for component, label, have, need in checks:
        if have and need and is_older(have, need):
            ctx.emit(RequirementsWarning(product.slug, component, have, need))  # type: ignore[arg-type]
            note = ctx.replies.requirements(product, label, have, need)
            ctx.messages.append(ctx.replies.message(note))


def open_ticket(ctx: TurnContext, reason: str) -> None:
    """Ask for an email address first when the channel has none; then request the ticket."""
    has_email = ctx.state.slots.email or ctx.customer.channel_has_email or ctx.email_channel
    if not has_email:
        ctx.goto("awaiting_email", ticket_reason=reason)
        return ctx.say("ask_email", ctx.replies.ask_email())
    due = ctx.now + timedelta(hours=ctx.kb.policy.response_hours)
    summary = summarize(ctx.state.topic or ctx.signals.text)
    ctx.emit(TicketRequested(reason, summary, due))  # type: ignore[arg-type]
    ctx.goto(
        "with_staff", status="waiting_for_staff", ticket_reason=reason, handoff_acknowledged=False
    )
    ctx.say("ticket")


def summarize(text: str) -> str:
    """A one-line subject for staff: the first line of what the customer wrote."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first_line[:117] + "..." if len(first_line) > 120 else first_line
