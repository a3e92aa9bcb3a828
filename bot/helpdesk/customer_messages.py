"""A customer message answered: stored (licence keys masked), the engine's turn, its events
applied (a ticket opened or reopened), the bot's replies stored, notices after commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Subquery
from sqlalchemy.orm import Session

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import ConversationState
from bot.core.dialogue.turn import CustomerContext, SubscriptionInfo, Turn
from bot.core.events import CustomerWroteToStaff, TicketRequested
from bot.core.learning.misses import missed_question
from bot.core.licence_keys import FoundKey, mask_licence_keys
from bot.helpdesk import transcripts
from bot.helpdesk.bus import STAFF_TOPIC, MessageBus, conversation_topic, publish_after_commit
from bot.helpdesk.errors import ConversationFull, InvalidInput
from bot.helpdesk.learning.misses import record_miss
from bot.helpdesk.learning.phrasings import TAUGHT, Generation, LearnedIndex, as_generation
from bot.helpdesk.notices import NewMessages, Notice, QueueChange, TicketUpdate
from bot.helpdesk.posted_turn import PostedTurn
from bot.helpdesk.resolutions import record_turn
from bot.helpdesk.tickets import reopen_for_customer
from bot.helpdesk.transcripts import message_dict, ticket_ref
from bot.storage import repositories as repo
from bot.storage.models import Conversation, Message, Ticket
from bot.storage.turn_rows import TurnRows, write_turn


class SubscriptionLookup(Protocol):
    """The customer's subscriptions for the engine (``bot.helpdesk.subscriptions``)."""

    def customer_subscriptions(
        self, session: Session, conversation_id: int, email: str | None
    ) -> tuple[SubscriptionInfo, ...]: ...

    def read_for_turn(
        self, session: Session, conversation_id: int, email: str | None, beside: Subquery
    ) -> tuple[tuple[SubscriptionInfo, ...], Sequence[Any]]:
        """``customer_subscriptions`` and the one row of ``beside``, in one statement."""
        ...

    def recognise_keys(
        self, session: Session, conversation_id: int, keys: Sequence[FoundKey]
    ) -> None: ...


class LookUp:
    """``CustomerMessages.answer``'s default: the retried message's seq is not read yet."""


LOOK_UP = LookUp()


def client_ref(client_id: str) -> str:
    """How a widget or API message's client id is stored (its message's channel ref)."""
    return f"client:{client_id}"


class CustomerMessages:
    def __init__(
        self,
        engine: Engine,
        bus: MessageBus,
        clock: Callable[[], datetime],
        subscriptions: SubscriptionLookup,
        *,
        mail_enabled: bool,
    ) -> None:
        self.engine = engine
        self.bus = bus
        self.clock = clock
        self.subscriptions = subscriptions
        self.mail_enabled = mail_enabled
        self.learned = LearnedIndex(engine.services.faq)

    def answer(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        *,
        client_id: str | None = None,
        channel_ref: str | None = None,
        payload: dict[str, Any] | None = None,
        earlier: int | None | LookUp = LOOK_UP,
    ) -> PostedTurn:
        """``earlier``: the seq of the message with this client id or channel ref, when the
        caller read it already (``repo.open_for_turn``); otherwise it is looked up here."""
        ref = client_ref(client_id) if client_id else channel_ref
        if isinstance(earlier, LookUp):
            known = conversation.message_count > 0  # no message yet: nothing to find
            earlier = repo.seq_by_ref(session, conversation.id, ref) if ref and known else None
        if earlier is not None:
            return self._replay(session, conversation, earlier)
        if conversation.message_count >= transcripts.MAX_MESSAGES:
            raise ConversationFull("this conversation is full; please start a new one")
        if not text.strip():
            raise InvalidInput("text is empty", code="empty_text")
        # The turn's reads (subscriptions, taught phrasings, the ticket) cannot see its own
        # unflushed rows: flushed once at the end, the conversation's row is updated once.
        with session.no_autoflush:
            return self._answer(session, conversation, text, ref, payload)

    def _answer(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        ref: str | None,
        payload: dict[str, Any] | None,
    ) -> PostedTurn:
        now = self.clock()
        masked = mask_licence_keys(text)  # a pasted licence key is never stored nor read
        stored_message = repo.new_message(
            conversation, "customer", masked.text, channel_ref=ref,
            payload=masked_payload(payload),
        )  # fmt: skip
        rows = TurnRows(messages=[stored_message])  # written together at the end
        self.recognise_keys(session, conversation, masked.keys)
        state = ConversationState.from_dict(conversation.state)
        context, taught = self._customer_context(session, conversation)
        self.learned.refresh(session, taught)  # what staff taught, on any worker, answers this
        # numbered as staff see the transcript: the facts panel says which message told what
        turn = self.engine.handle(
            state, masked.text, now, context, message_number=stored_message.seq
        )
        miss = missed_question(state, turn)
        turn = self._apply_events(session, conversation, turn, now, rows)
        stored = bot_messages(conversation, turn)
        rows.messages += stored
        save_state(conversation, turn.state)
        record_turn(session, conversation, turn, now, rows)
        write_turn(session, conversation, rows)  # one statement on PostgreSQL
        if miss is not None:
            record_miss(session, conversation.id, miss, now)  # for the staff's review queue
        session.flush()  # what the ORM still holds (a ticket's changes, a new customer's link)
        self._after_commit(session, conversation, turn)
        return PostedTurn(
            public_id=conversation.public_id,
            route=turn.route,
            state=turn.state,
            ticket=ticket_ref(conversation),  # its real status (open, waiting, resolved)
            messages=tuple(message_dict(m) for m in stored),
            faq=turn.faq,
            suggestions=turn.suggestions,
            seqs=(stored_message.seq, conversation.message_count),
        )

    def _replay(self, session: Session, conversation: Conversation, earlier: int) -> PostedTurn:
        """A retried message (same client id, seq ``earlier``): answer as before, store nothing
        twice."""
        later = repo.messages(session, conversation.id, after_seq=earlier, limit=20)
        replies = []
        for message in later:
            if message.role != "bot":
                break
            replies.append(message)
        return PostedTurn(
            public_id=conversation.public_id,
            route=(replies[0].route or "handoff") if replies else "handoff",  # bot rows have one
            state=ConversationState.from_dict(conversation.state),
            ticket=ticket_ref(conversation),
            messages=tuple(message_dict(m) for m in replies),
            replayed=True,
        )

    def recognise_keys(
        self, session: Session, conversation: Conversation, keys: Sequence[FoundKey]
    ) -> None:
        """Licence keys the customer gave (masked already): their subscriptions join the chat."""
        if keys:
            self.subscriptions.recognise_keys(session, conversation.id, keys)

    def _customer_context(
        self, session: Session, conversation: Conversation
    ) -> tuple[CustomerContext, Generation]:
        """The customer's subscriptions, and the taught phrasings' generation read with them."""
        email = conversation.customer.email if conversation.customer else None
        state_email = (conversation.state.get("slots") or {}).get("email")
        email = email or state_email
        subscriptions, taught = self.subscriptions.read_for_turn(
            session, conversation.id, email, TAUGHT
        )
        context = CustomerContext(subscriptions=subscriptions, channel_has_email=bool(email))
        return context, as_generation(taught)

    def _apply_events(
        self, session: Session, conversation: Conversation, turn: Turn, now: datetime,
        rows: TurnRows,
    ) -> Turn:  # fmt: skip
        for event in turn.events:
            rows.add_event(conversation.id, event.kind, event.to_dict())
            if isinstance(event, TicketRequested):
                turn = self._open_ticket(session, conversation, turn, event)
            elif isinstance(event, CustomerWroteToStaff):  # a waiting or resolved ticket reopens
                self.reopen_ticket(session, conversation.id, now)
        return turn

    def reopen_ticket(self, session: Session, conversation_id: int, now: datetime) -> Ticket | None:
        """The customer wrote to staff again (in the chat or by mail): a waiting or resolved
        ticket is open and due afresh, and the widget and the console show it live."""
        hours = self.engine.kb.policy.response_hours
        reopened = reopen_for_customer(session, conversation_id, now, hours)
        if reopened is not None:
            self._announce_reopened(session, conversation_id, reopened.number)
        return reopened

    def _announce_reopened(
        self, session: Session, conversation_id: int, number: str | None
    ) -> None:
        """After commit: the widget and the console show the ticket open again, live."""
        update = TicketUpdate(number, "open", by="customer")
        changed = QueueChange("ticket_changed", conversation_id, number)
        notices: list[tuple[str, Notice]] = [
            (conversation_topic(conversation_id), update),
            (STAFF_TOPIC, changed),
        ]
        publish_after_commit(session, self.bus, notices)

    def _open_ticket(
        self, session: Session, conversation: Conversation, turn: Turn, request: TicketRequested
    ) -> Turn:
        slots = turn.state.to_dict()["slots"]
        if slots.get("email") and conversation.customer is None:
            conversation.customer = repo.get_or_create_customer(
                session, slots["email"], slots.get("name"), turn.state.language
            )
        ticket = repo.ticket_for(session, conversation.id)
        if ticket is None:
            ticket = repo.create_ticket(
                session,
                conversation,
                prefix=self.engine.kb.policy.ticket_prefix,
                reason=request.reason,
                summary=request.summary,
                due_at=request.due_at,
                details=slots,
            )
        else:  # a conversation keeps one ticket: it is reopened, with a fresh due time
            ticket.status, ticket.resolved_at, ticket.due_at = "open", None, request.due_at
            ticket.details = slots
        # this turn's language and product, not the last turn's (the row is saved after this)
        ticket.language = turn.state.language
        ticket.product = turn.state.slots.product
        assert ticket.number is not None
        return self.engine.ticket_opened(turn, ticket.number, mail=self.mail_enabled)

    def store_bot_messages(
        self, session: Session, conversation: Conversation, turn: Turn
    ) -> list[Message]:
        stored = bot_messages(conversation, turn)
        session.add_all(stored)
        return stored

    def _after_commit(self, session: Session, conversation: Conversation, turn: Turn) -> None:
        opened = turn.event(TicketRequested) is not None
        topic = conversation_topic(conversation.id)
        waiting = conversation.status == "waiting_for_staff"
        notices: list[tuple[str, Notice]] = [(topic, NewMessages(conversation.message_count))]
        if opened or waiting:
            change = QueueChange("ticket" if opened else "conversation", conversation.id)
            notices.append((STAFF_TOPIC, change))
        publish_after_commit(session, self.bus, notices)


def bot_messages(conversation: Conversation, turn: Turn) -> list[Message]:
    """The turn's replies as the conversation's next messages, in no session yet."""
    messages = []
    for bot_message in turn.messages:
        data = bot_message.to_dict()
        payload = {"quick_replies": data["quick_replies"], "links": data["links"]}
        html, route = bot_message.html, turn.route
        message = repo.new_message(
            conversation, "bot", bot_message.text, html=html, route=route, payload=payload
        )
        messages.append(message)
    return messages


def save_state(conversation: Conversation, state: ConversationState) -> None:
    conversation.state = state.to_dict()
    conversation.status = state.status
    conversation.language = state.language
    conversation.product = state.slots.product


def masked_payload(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """``payload`` with licence keys masked in every text value (a mail's subject, say)."""

    def mask(value: Any) -> Any:
        if isinstance(value, str):
            return mask_licence_keys(value).text
        if isinstance(value, dict):
            return {key: mask(item) for key, item in value.items()}
        if isinstance(value, list):
            return [mask(item) for item in value]
        return value

    return mask(payload) if payload else payload
