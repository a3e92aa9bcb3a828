"""Conversations as use cases. Each public method is one use case; ``..._in_session`` ones run
in the caller's transaction (the email channel keeps its own rows in it), the others in their own:

- ``start``: a new conversation with a greeting (widget, API, `supportbot chat`);
  ``start_in_session``: one without a greeting (a first mail);
- ``post``: a customer message authenticated by the conversation's token (widget, API);
  ``post_trusted``: one whose channel authenticated the sender (email); ``post_in_session``;
- ``store_unanswered``: a message the engine does not answer (suppressed mail, bounces);
- ``end``: the customer ends the conversation;
- reading transcripts: ``bot.helpdesk.transcripts``; answering: ``bot.helpdesk.customer_messages``.

The conversation row is locked while a message is handled (``FOR UPDATE`` on PostgreSQL,
``BEGIN IMMEDIATE`` on SQLite), so two messages posted at once are handled one after the other
and none is lost or numbered twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import Channel, ConversationState
from bot.core.dialogue.turn import SubscriptionInfo
from bot.core.licence_keys import FoundKey, mask_licence_keys
from bot.helpdesk.bus import (
    STAFF_TOPIC,
    LocalBus,
    MessageBus,
    after_commit,
    conversation_topic,
    publish_after_commit,
)
from bot.helpdesk.customer_messages import (
    CustomerMessages,
    SubscriptionLookup,
    client_ref,
    masked_payload,
    save_state,
)
from bot.helpdesk.errors import NotFound
from bot.helpdesk.notices import NewMessages, Notice, QueueChange
from bot.helpdesk.posted_turn import PostedTurn
from bot.helpdesk.transcripts import Transcripts, message_dict
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, Message, Ticket

__all__ = ["Conversations", "NoSubscriptions", "Started", "SubscriptionLookup"]


class NoSubscriptions:
    def customer_subscriptions(
        self, session: Session, conversation_id: int, email: str | None
    ) -> tuple[SubscriptionInfo, ...]:
        return ()

    def read_for_turn(
        self, session: Session, conversation_id: int, email: str | None, beside: Subquery
    ) -> tuple[tuple[SubscriptionInfo, ...], Sequence[Any]]:
        return (), tuple(session.execute(select(beside)).one())

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


class Conversations(Transcripts):
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
        super().__init__(db)
        self.engine = engine
        self.bus = bus or LocalBus()
        self.clock = clock
        self.subscriptions = subscriptions or NoSubscriptions()
        self.mail_enabled = mail_enabled  # False: no mail goes out, so none is promised
        self.answers = CustomerMessages(
            engine, self.bus, clock, self.subscriptions, mail_enabled=mail_enabled
        )

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
                stored = self.answers.store_bot_messages(session, conversation, turn)
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
            created_at=self.clock(),
        )
        return conversation, token, state

    # -- in the caller's transaction (email) -------------------------------------------------
    def start_in_session(
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

    def post_in_session(
        self,
        session: Session,
        conversation: Conversation,
        text: str,
        *,
        channel_ref: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> PostedTurn:
        """Like ``post_trusted`` in the caller's transaction; the caller locked ``conversation``."""
        return self.answers.answer(
            session, conversation, text, channel_ref=channel_ref, payload=payload
        )

    def store_unanswered(
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
        notices: list[tuple[str, Notice]] = [
            (conversation_topic(conversation.id), NewMessages(conversation.message_count)),
            (STAFF_TOPIC, QueueChange("conversation", conversation.id)),
        ]
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
        on_commit: Callable[[PostedTurn], None] | None = None,
    ) -> PostedTurn:
        """A customer message from the widget or the API, authenticated by the token.

        ``admit`` runs once the token is verified and before anything is stored; it raises to
        refuse (the API's per-conversation rate limit: a made-up id or a wrong token must not
        spend a conversation's budget).
        ``on_commit`` gets the turn once it is committed and before its bus notices go out: the
        widget socket sends its turn frame there, so the notice finds the turn delivered.
        """
        ref = client_ref(client_id) if client_id else None
        with self.db.session() as session:
            found = repo.open_for_turn(session, public_id, token, ref)
            if found is None:
                raise NotFound("no such conversation")
            conversation, earlier = found
            if admit is not None:
                admit()
            posted = self.answers.answer(
                session, conversation, text, client_id=client_id, earlier=earlier
            )
            if on_commit is not None:
                deliver = on_commit
                after_commit(session, lambda: deliver(posted), first=True)  # before the notices
            return posted

    def post_trusted(
        self, conversation_id: int, text: str, *, channel_ref: str | None = None
    ) -> PostedTurn:
        """A customer message on a channel that authenticated the sender itself (email)."""
        with self.db.session() as session:
            conversation = repo.lock_conversation(session, conversation_id)
            if conversation is None:
                raise NotFound("no such conversation")
            return self.answers.answer(session, conversation, text, channel_ref=channel_ref)

    def recognise_keys(
        self, session: Session, conversation: Conversation, keys: Sequence[FoundKey]
    ) -> None:
        """Licence keys the customer gave (masked already): their subscriptions join the chat."""
        self.answers.recognise_keys(session, conversation, keys)

    def reopen_ticket(self, session: Session, conversation_id: int, now: datetime) -> Ticket | None:
        """The customer wrote to staff again (in the chat or by mail): see ``CustomerMessages``."""
        return self.answers.reopen_ticket(session, conversation_id, now)

    # -- end ----------------------------------------------------------------------------------
    def end(self, public_id: str, token: str | None) -> dict[str, Any]:
        """The customer ends the conversation (widget); a ticket, if any, stays as it is."""
        with self.db.session() as session:
            conversation = repo.authenticate(session, public_id, token, lock=True)
            if conversation is None:
                raise NotFound("no such conversation")
            state = ConversationState.from_dict(conversation.state)
            state = replace(state, status="closed", step="idle")
            save_state(conversation, state)
            repo.add_event(session, conversation.id, "conversation_ended", {"by": "customer"})
            return state.public()
