"""Recording the resolution ladder's facts per customer turn: the conversation's outcome (what
the bot's last turn left it at, see ``bot.core.resolution``), its hand-off reason, a reopen, a
follow-up conversation, and each FAQ answer with its feedback. ``bot.helpdesk.ladder`` counts
them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot.core.dialogue.turn import Turn
from bot.core.events import FaqAnswered, FaqFeedback, TicketRequested
from bot.core.resolution import TICKET_REASONS, turn_ending
from bot.storage.models import Conversation, FaqAnswer
from bot.storage.turn_rows import TurnRows, answer_row

# A new conversation from the same customer about the same product within this time after an
# answer means it did not last: the ladder's "durable" needs none.
FOLLOW_UP_DAYS = 7
# "Did this help?" on the conversation's latest answer with the entry; built once
_LATEST_ANSWER = (
    select(FaqAnswer.id)
    .where(
        FaqAnswer.conversation_id == bindparam("b_conversation"),
        FaqAnswer.faq_id == bindparam("b_faq"),
    )
    .order_by(FaqAnswer.id.desc())
    .limit(1)
    .scalar_subquery()
)
_FEEDBACK = (
    update(FaqAnswer)
    .where(FaqAnswer.id == _LATEST_ANSWER)
    .values(helpful=bindparam("b_helpful"))
    .execution_options(synchronize_session=False)
)


def record_turn(
    session: Session, conversation: Conversation, turn: Turn, now: datetime, rows: TurnRows
) -> None:
    """After the turn's events are applied and its state saved (product and customer known).
    The turn's FAQ answers join ``rows``, written with the turn's other rows."""
    _record_outcome(session, conversation, turn, now)
    _record_faq_answers(session, conversation, turn, now, rows)
    _mark_follow_up(session, conversation)


def _record_outcome(
    session: Session, conversation: Conversation, turn: Turn, now: datetime
) -> None:
    if conversation.outcome is None and conversation.handoff_reason is None:
        # first recorded turn of a conversation from before migration 0007: its ticket counts
        ticket = conversation.ticket  # loaded with the conversation for a turn
        if ticket is not None:
            conversation.handoff_reason = TICKET_REASONS.get(ticket.reason, "person")
    result = turn_ending(turn)
    if result.handoff_reason is not None and conversation.handoff_reason is None:
        conversation.handoff_reason = result.handoff_reason
    ending = result.ending
    if ending is None:
        if conversation.outcome is not None:
            return  # small talk after an ending changes nothing
        ending = "question"  # only small talk so far: the greeting asked what they need
    if conversation.outcome == "confirmed" and ending != "confirmed":
        conversation.reopened_at = conversation.reopened_at or now
    conversation.outcome, conversation.outcome_at = ending, now


def _record_faq_answers(
    session: Session, conversation: Conversation, turn: Turn, now: datetime, rows: TurnRows
) -> None:
    ticket = turn.event(TicketRequested) is not None  # a ticket follows this turn's answers too
    for event in turn.events:
        if isinstance(event, FaqAnswered):
            language = event.language or turn.state.language
            rows.answers.append(
                answer_row(conversation.id, event.faq_id, language, now, ticket_after=ticket)
            )
        elif isinstance(event, FaqFeedback):
            unwritten = [a for a in rows.answers if a["faq_id"] == event.faq_id]
            if unwritten:  # answered earlier in this very turn
                unwritten[-1]["helpful"] = event.helpful
                continue
            # the latest earlier answer with this entry, in one statement (they are written)
            params = {"b_conversation": conversation.id, "b_faq": event.faq_id}
            session.connection().execute(_FEEDBACK, {**params, "b_helpful": event.helpful})
    if ticket:
        session.flush()
        session.execute(
            update(FaqAnswer)
            .where(FaqAnswer.conversation_id == conversation.id, FaqAnswer.ticket_after.is_(False))
            .values(ticket_after=True)
        )


def _mark_follow_up(session: Session, conversation: Conversation) -> None:
    """This conversation follows up the customer's earlier ones about the same product that
    ended within ``FOLLOW_UP_DAYS`` before it began."""
    customer = conversation.customer  # set this turn when the ticket asked for an address
    customer_id = conversation.customer_id or (customer.id if customer else None)
    if customer_id is None or conversation.product is None:
        return
    started = conversation.created_at
    session.execute(
        update(Conversation)
        .where(
            Conversation.customer_id == customer_id,
            Conversation.product == conversation.product,
            Conversation.id != conversation.id,
            Conversation.followed_up_at.is_(None),
            Conversation.outcome_at < started,
            Conversation.outcome_at >= started - timedelta(days=FOLLOW_UP_DAYS),
        )
        .values(followed_up_at=started)
        .execution_options(synchronize_session=False)
    )
