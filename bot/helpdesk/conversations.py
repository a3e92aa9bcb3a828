"""Conversations as use cases: start one, post a customer message, read the transcript.

Each call is one database transaction. The conversation row is locked while a message is
handled (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two messages posted at
once are handled one after the other and none is lost or numbered twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import Channel, ConversationState
from bot.core.dialogue.turn import CustomerContext, SubscriptionInfo, Turn
from bot.core.events import CustomerWroteToStaff, TicketRequested
from bot.core.licence_keys import FoundKey, mask_licence_keys
from bot.helpdesk.bus import (
    STAFF_TOPIC,
    LocalBus,
    MessageBus,
    Notice,
    conversation_topic,
    publish_after_commit,
)
from bot.helpdesk.errors import ConversationFull, InvalidInput, NotFound
from bot.helpdesk.tickets import reopen_for_customer
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, Message, Ticket

log = logging.getLogger(__name__)

MAX_MESSAGES = 2000  # per conversation; beyond this a new conversation is needed


class SubscriptionLookup(Protocol):
    """The customer's subscriptions for the engine (``bot.helpdesk.subscriptions``)."""

    def customer_subscriptions(
        self, session: Session, conversation_id: int, email: str | None
    ) -> tuple[SubscriptionInfo, ...]: ...

    def recognise_keys(
        self, session: Session, conversation_id: int, keys: Sequence[FoundKey]
    ) -> None: ...


class NoSubscriptions:
    def customer_subscriptions(
        self, session: Session, conversation_id: int, email: str | None
    ) -> tuple[SubscriptionInfo, ...]:
        return ()

    def recognise_keys(
        self, session: Session, conversation_id: int, keys: Sequence[FoundKey]
    ) -> None:
        return None


@dataclass(frozen=True)
class Started:
    public_id: str
    token: str
    conversation_id: int
    messages: list[dict[str, Any]]
    state: dict[str, Any]


class Conversations:
    def __init__(
        self,
        db: Database,
        engine: Engine,
        bus: MessageBus | None = None,
        clock: Callable[[], datetime] = utcnow,
        subscriptions: SubscriptionLookup | None = None,
        *,
        mail_enabled: bool = True,
    ) -> None:
        self.db = db
        self.engine = engine
        self.bus = bus or LocalBus()
        self.clock = clock
        self.subscriptions = subscriptions or NoSubscriptions()
        self.mail_enabled = mail_enabled  # False: no mail goes out, so none is promised

    # -- start --------------------------------------------------------------------------------
    def start(
        self,
        *,
        channel: Channel,
        language: str | None = None,
        email: str | None = None,
        name: str | None = None,
        subject: str | None = None,
        greet: bool = True,
        product: str | None = None,
        version: str | None = None,
        licence_keys: Sequence[FoundKey] = (),
        time_zone: str | None = None,
    ) -> Started:
        """A new conversation; a page that knows the product (and its installed version, and
        the customer's licence key) preselects them.
        ``time_zone``: the customer's IANA zone, checked by the caller (the widget's browser)."""
        with self.db.session() as session:
            conversation, token, state = self._create(
                session, channel, language, email, name, subject, product, version, time_zone
            )
            self.recognise_keys(session, conversation, licence_keys)
            messages: list[dict[str, Any]] = []
            if greet:
                turn = self.engine.greet(state)
                stored = self._store_bot_messages(session, conversation, turn)
                messages = [message_dict(m) for m in stored]
            return Started(conversation.public_id, token, conversation.id, messages, state.public())

    def _create(
        self,
        session: Session,
        channel: Channel,
        language: str | None,
        email: str | None,
        name: str | None,
        subject: str | None,
        product: str | None = None,
        version: str | None = None,
        time_zone: str | None = None,
    ) -> tuple[Conversation, str, ConversationState]:
        state = self.engine.new_state(language, channel, email, product, time_zone)
        if version and state.slots.product:
            state = state.with_slots(version=version)
        customer = None
        if email:
            customer = repo.get_or_create_customer(session, email, name, state.language)
        conversation, token = repo.create_conversation(
            session,
            channel=channel,
            language=state.language,
            state=state.to_dict(),
            customer=customer,
            subject=mask_licence_keys(subject).text if subject else subject,
        )
        return conversation, token, state

    # -- channels that keep their own rows in the same transaction (email) --------------------
    def open_in(
        self,
        session: Session,
        *,
        channel: Channel,
        language: str | None = None,
        email: str | None = None,
        name: str | None = None,
        subject: str | None = None,
    ) -> Conversation:
        """A new conversation in the caller's transaction, without a greeting."""
        return self._create(session, channel, language, email, name, subject)[0]

    def post_in(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        *,
        channel_ref: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Like ``post_to`` in the caller's transaction; the caller locked ``conversation``."""
        return self._handle(session, conversation, text, channel_ref=channel_ref, payload=payload)

    def note_in(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        *,
        role: str = "customer",
        channel_ref: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> Message:
        """Store a message the engine does not answer (suppressed mail, bounces); staff see it."""
        masked = mask_licence_keys(text)
        message = repo.append_message(
            session, conversation, role, masked.text, channel_ref=channel_ref,
            payload=masked_payload(payload),
        )  # fmt: skip
        notice = {"type": "messages", "seq": conversation.message_count, "route": None}
        staff_notice = {"type": "conversation", "conversation": conversation.id}
        notices = [(conversation_topic(conversation.id), notice), (STAFF_TOPIC, staff_notice)]
        publish_after_commit(session, self.bus, notices)
        return message

    # -- post ---------------------------------------------------------------------------------
    def post(
        self,
        public_id: str,
        token: str | None,
        text: str,
        *,
        client_id: str | None = None,
        admit: Callable[[], None] | None = None,
    ) -> dict[str, Any]:
        """A customer message from the widget or the API, authenticated by the token.

        ``admit`` runs once the token is verified and before anything is stored; it raises to
        refuse (the API's per-conversation rate limit: a made-up id or a wrong token must not
        spend a conversation's budget).
        """
        with self.db.session() as session:
            conversation = repo.authenticate(session, public_id, token, lock=True)
            if conversation is None:
                raise NotFound("no such conversation")
            if admit is not None:
                admit()
            return self._handle(session, conversation, text, client_id=client_id)

    def post_to(
        self, conversation_id: int, text: str, *, channel_ref: str | None = None
    ) -> dict[str, Any]:
        """A customer message on a channel that authenticated the sender itself (email)."""
        with self.db.session() as session:
            conversation = repo.lock_conversation(session, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            return self._handle(session, conversation, text, channel_ref=channel_ref)

    def _handle(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        *,
        client_id: str | None = None,
        channel_ref: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        ref = f"client:{client_id}" if client_id else channel_ref
        if ref and (earlier := repo.message_by_ref(session, conversation.id, ref)) is not None:
            return self._replay(session, conversation, earlier)
        if conversation.message_count >= MAX_MESSAGES:
            raise ConversationFull("this conversation is full; please start a new one")
        if not text.strip():
            raise InvalidInput("text is empty", code="empty_text")
        now = self.clock()
        masked = mask_licence_keys(text)  # a pasted licence key is never stored nor read
        stored_message = repo.append_message(
            session, conversation, "customer", masked.text, channel_ref=ref,
            payload=masked_payload(payload),
        )  # fmt: skip
        self.recognise_keys(session, conversation, masked.keys)
        state = ConversationState.from_dict(conversation.state)
        context = self._customer_context(session, conversation)
        # numbered as staff see the transcript: the facts panel says which message told what
        turn = self.engine.handle(
            state, masked.text, now, context, message_number=stored_message.seq
        )
        turn = self._apply_events(session, conversation, turn, now)
        stored = self._store_bot_messages(session, conversation, turn)
        self._save_state(session, conversation, turn.state)
        session.flush()
        result = turn.to_dict(conversation.public_id)
        result["ticket"] = ticket_dict(conversation)  # its real status (open, waiting, resolved)
        result["messages"] = [message_dict(m) for m in stored]
        self._after_commit(session, conversation, turn)
        return result

    def _replay(
        self, session: Session, conversation: Conversation, earlier: Message
    ) -> dict[str, Any]:
        """A retried message (same client id): answer as before, store nothing twice."""
        later = repo.messages(session, conversation.id, after_seq=earlier.seq, limit=20)
        replies = []
        for message in later:
            if message.role != "bot":
                break
            replies.append(message)
        state = ConversationState.from_dict(conversation.state)
        route = replies[0].route if replies else "handoff"
        return {
            "conversation_id": conversation.public_id,
            "route": route,
            "faq": None,
            "suggestions": [],
            "ticket": ticket_dict(conversation),
            "state": state.public(),
            "messages": [message_dict(m) for m in replies],
            "replayed": True,
        }

    def recognise_keys(
        self, session: Session, conversation: Conversation, keys: Sequence[FoundKey]
    ) -> None:
        """Licence keys the customer gave (masked already): their subscriptions join the chat."""
        if keys:
            self.subscriptions.recognise_keys(session, conversation.id, keys)

    def _customer_context(self, session: Session, conversation: Conversation) -> CustomerContext:
        email = conversation.customer.email if conversation.customer else None
        state_email = (conversation.state.get("slots") or {}).get("email")
        email = email or state_email
        subscriptions = self.subscriptions.customer_subscriptions(session, conversation.id, email)
        return CustomerContext(subscriptions=subscriptions, channel_has_email=bool(email))

    def _apply_events(
        self, session: Session, conversation: Conversation, turn: Turn, now: datetime
    ) -> Turn:
        for event in turn.events:
            repo.add_event(session, conversation.id, event.kind, event.to_dict())
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
        update: Notice = {
            "type": "ticket_update",
            "number": number,
            "status": "open",
            "by": "customer",
        }
        changed: Notice = {
            "type": "ticket_changed",
            "conversation": conversation_id,
            "number": number,
        }
        notices = [(conversation_topic(conversation_id), update), (STAFF_TOPIC, changed)]
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

    def _store_bot_messages(
        self, session: Session, conversation: Conversation, turn: Turn
    ) -> list[Message]:
        stored = []
        for bot_message in turn.messages:
            data = bot_message.to_dict()
            stored.append(
                repo.append_message(
                    session,
                    conversation,
                    "bot",
                    bot_message.text,
                    html=bot_message.html,
                    route=turn.route,
                    payload={"quick_replies": data["quick_replies"], "links": data["links"]},
                )
            )
        return stored

    def _save_state(
        self, session: Session, conversation: Conversation, state: ConversationState
    ) -> None:
        conversation.state = state.to_dict()
        conversation.status = state.status
        conversation.language = state.language
        conversation.product = state.slots.product

    def _after_commit(self, session: Session, conversation: Conversation, turn: Turn) -> None:
        notice: Notice = {
            "type": "messages",
            "seq": conversation.message_count,
            "route": turn.route,
        }
        opened = turn.event(TicketRequested) is not None
        topic = conversation_topic(conversation.id)
        staff_notice: Notice = {
            "type": "ticket" if opened else "conversation",
            "conversation": conversation.id,
        }
        waiting = conversation.status == "waiting_for_staff"
        notices = [(topic, notice)]
        if opened or waiting:
            notices.append((STAFF_TOPIC, staff_notice))
        publish_after_commit(session, self.bus, notices)

    # -- end ----------------------------------------------------------------------------------
    def end(self, public_id: str, token: str | None) -> dict[str, Any]:
        """The customer ends the conversation (widget); a ticket, if any, stays as it is."""
        with self.db.session() as session:
            conversation = repo.authenticate(session, public_id, token, lock=True)
            if conversation is None:
                raise NotFound("no such conversation")
            state = ConversationState.from_dict(conversation.state)
            state = replace(state, status="closed", step="idle")
            self._save_state(session, conversation, state)
            repo.add_event(session, conversation.id, "conversation_ended", {"by": "customer"})
            return state.public()

    # -- read ---------------------------------------------------------------------------------
    def authenticate(self, public_id: str, token: str | None) -> int | None:
        """The internal id of the conversation the token opens, or None (same for unknown ids)."""
        with self.db.sessions() as session:
            conversation = repo.authenticate(session, public_id, token)
            return conversation.id if conversation else None

    def messages_after(
        self, conversation_id: int, seq: int, limit: int = 200
    ) -> list[dict[str, Any]]:
        with self.db.sessions() as session:
            return [
                message_dict(m)
                for m in repo.messages(session, conversation_id, after_seq=seq, limit=limit)
            ]

    def public_state(self, conversation_id: int) -> dict[str, Any]:
        """The SPEC's ``state`` object plus the ticket, for a socket's ``ready`` frame."""
        with self.db.sessions() as session:
            conversation = session.get(Conversation, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            state = ConversationState.from_dict(conversation.state).public()
            return {
                **state,
                "ticket": ticket_dict(conversation),
                "last_seq": conversation.message_count,
            }

    def transcript(
        self, public_id: str, token: str | None, *, after_seq: int = 0
    ) -> dict[str, Any]:
        with self.db.sessions() as session:
            conversation = repo.authenticate(session, public_id, token)
            if conversation is None:
                raise NotFound("no such conversation")
            return transcript_dict(session, conversation, after_seq=after_seq)


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


def message_dict(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    return {
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "html": message.html or "",
        "quick_replies": payload.get("quick_replies", []),
        "links": payload.get("links", []),
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }


def ticket_dict(conversation: Conversation) -> dict[str, Any] | None:
    ticket = conversation.ticket
    return {"number": ticket.number, "status": ticket.status} if ticket else None


def transcript_dict(
    session: Session, conversation: Conversation, *, after_seq: int = 0
) -> dict[str, Any]:
    state = ConversationState.from_dict(conversation.state)
    return {
        "conversation_id": conversation.public_id,
        "channel": conversation.channel,
        "state": state.public(),
        "ticket": ticket_dict(conversation),
        "messages": [
            message_dict(m)
            for m in repo.messages(
                session, conversation.id, after_seq=after_seq, limit=MAX_MESSAGES
            )
        ],
    }
