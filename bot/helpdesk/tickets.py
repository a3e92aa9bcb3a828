"""Ticket use cases for staff: claim, assign, status, notes, reply, hand back to the bot.

Each call is one transaction that also writes the audit entry; bus notices go out after the
commit (``ticket_update`` and ``messages`` on the conversation's topic, ``ticket_changed`` on
the staff topic). A reply goes live into the widget when the customer is connected, else by
email (``StaffMailer``); with no address it is stored, and the customer reads it in the chat.

Two people never answer a ticket unknowingly: ``reply`` and ``claim`` carry what the staff
member saw when they loaded the ticket (``seen_seq``, ``seen_assignee``); if someone else
claimed the ticket or replied since, the call raises ``StaleEdit`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import ConversationState
from bot.helpdesk import audit
from bot.helpdesk.bus import STAFF_TOPIC, MessageBus, conversation_topic, publish_after_commit
from bot.helpdesk.errors import HelpdeskError, InvalidInput, NotFound
from bot.helpdesk.notices import NewMessages, Notice, QueueChange, TicketUpdate
from bot.helpdesk.presence import Presence
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, Message, StaffUser, Ticket, TicketNote

STATUSES = ("open", "waiting", "resolved")
MAX_REPLY_CHARS = 20_000
MAX_NOTE_CHARS = 10_000

# (session, conversation id, staff name, text) -> the outbox row's status; ValueError when the
# conversation has no usable address. build_runtime passes the email channel's StaffMail.
StaffMailer = Callable[[Session, int, str, str], str]


class StaleEdit(HelpdeskError):
    """Someone else claimed or answered the ticket since it was loaded; nothing was changed."""

    code = "stale_edit"
    status = 409

    def __init__(self, reason: Literal["claimed", "answered"], *, by: str) -> None:
        super().__init__(f"{reason} by {by} since the ticket was loaded")
        self.reason = reason
        self.by = by


@dataclass(frozen=True)
class Actor:
    id: int
    name: str
    ip: str | None = None


@dataclass(frozen=True)
class Delivery:
    """How a reply reached the customer: ``live`` (widget open), ``email``, or ``stored`` only."""

    via: Literal["live", "email", "stored"]
    seq: int
    # stored: "no_email", "no_mailer"; email: "bounced" (the outbox will not send it),
    # "not_configured" (queued, but no mail goes out until outgoing mail is set up)
    problem: str = ""


class TicketDesk:
    def __init__(
        self,
        db: Database,
        bus: MessageBus,
        presence: Presence,
        *,
        response_hours: int,
        mailer: StaffMailer | None = None,
        clock: Callable[[], datetime] = utcnow,
        mail_enabled: bool = True,
    ) -> None:
        self.db = db
        self.bus = bus
        self.presence = presence
        self.response_hours = response_hours
        self.mailer = mailer
        self.clock = clock
        self.mail_enabled = mail_enabled  # False: mail waits in the outbox until it is set up

    # -- claim and assign ---------------------------------------------------------------------
    def claim(self, number: str, actor: Actor, *, seen_assignee: int | None) -> None:
        """Take the ticket; the bot goes quiet in its conversation at once."""
        with self.db.session() as session:
            ticket, conversation = self._load(session, number)
            if ticket.assignee_id not in (None, actor.id, seen_assignee):
                raise StaleEdit("claimed", by=staff_name(session, ticket.assignee_id))
            ticket.assignee_id = actor.id
            _silence_bot(conversation)
            audit.record(session, actor.id, "claimed", ticket_id=ticket.id, ip=actor.ip)
            self._announce(session, ticket, conversation, actor)

    def assign(self, number: str, actor: Actor, assignee_id: int | None) -> None:
        """Give the ticket to an active colleague, or to nobody (``None``)."""
        with self.db.session() as session:
            ticket, conversation = self._load(session, number)
            if assignee_id is not None:
                assignee = session.get(StaffUser, assignee_id)
                if assignee is None or not assignee.active:
                    raise InvalidInput("no such active staff member", code="invalid_assignee")
                _silence_bot(conversation)
            ticket.assignee_id = assignee_id
            audit.record(
                session, actor.id, "assigned", ticket_id=ticket.id, ip=actor.ip, to=assignee_id
            )
            self._announce(session, ticket, conversation, actor)

    # -- status and notes ---------------------------------------------------------------------
    def set_status(self, number: str, actor: Actor, status: str) -> None:
        with self.db.session() as session:
            ticket, conversation = self._load(session, number)
            before = ticket.status
            self._apply_status(ticket, status)
            audit.record(
                session, actor.id, "status", ticket_id=ticket.id, ip=actor.ip,
                before=before, after=status,
            )  # fmt: skip
            self._announce(session, ticket, conversation, actor)

    def _apply_status(self, ticket: Ticket, status: str) -> None:
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}", code="bad_status")
        now = self.clock()
        if status == "open" and ticket.status == "resolved":
            ticket.due_at = now + timedelta(hours=self.response_hours)  # a fresh promise
        ticket.status = status
        ticket.resolved_at = now if status == "resolved" else None

    def add_note(self, number: str, actor: Actor, text: str) -> int:
        text = _checked_text(text, MAX_NOTE_CHARS)
        with self.db.session() as session:
            ticket, _conversation = self._load(session, number)
            note = TicketNote(ticket_id=ticket.id, staff_id=actor.id, text=text)
            session.add(note)
            session.flush()
            audit.record(session, actor.id, "note", ticket_id=ticket.id, ip=actor.ip, note=note.id)
            publish_after_commit(session, self.bus, [(STAFF_TOPIC, _changed(ticket))])
            return note.id

    # -- reply --------------------------------------------------------------------------------
    def reply(
        self,
        number: str,
        actor: Actor,
        text: str,
        *,
        seen_seq: int,
        seen_assignee: int | None,
        status: str = "waiting",
    ) -> Delivery:
        """Answer the customer through their channel; the ticket then gets ``status``."""
        text = _checked_text(text, MAX_REPLY_CHARS)
        with self.db.session() as session:
            ticket, conversation = self._load(session, number)
            self._check_fresh(session, ticket, conversation, actor, seen_seq, seen_assignee)
            payload = {"staff_name": actor.name}
            message = repo.append_message(
                session, conversation, "staff", text, staff_id=actor.id, payload=payload
            )
            _silence_bot(conversation)
            now = self.clock()
            ticket.assignee_id = ticket.assignee_id or actor.id
            ticket.first_response_at = ticket.first_response_at or now
            self._apply_status(ticket, status)
            session.flush()
            delivery = self._deliver(session, conversation, actor, message)
            audit.record(
                session, actor.id, "replied", ticket_id=ticket.id, ip=actor.ip,
                via=delivery.via, seq=message.seq, problem=delivery.problem,
            )  # fmt: skip
            self._announce(session, ticket, conversation, actor, seq=message.seq)
            return delivery

    def _check_fresh(
        self,
        session: Session,
        ticket: Ticket,
        conversation: Conversation,
        actor: Actor,
        seen_seq: int,
        seen_assignee: int | None,
    ) -> None:
        if conversation.message_count > seen_seq:
            later = session.scalars(
                select(Message.staff_id).where(
                    Message.conversation_id == conversation.id,
                    Message.seq > seen_seq,
                    Message.role == "staff",
                    Message.staff_id != actor.id,
                )
            ).first()
            if later is not None:
                raise StaleEdit("answered", by=staff_name(session, later))
        if ticket.assignee_id not in (None, actor.id, seen_assignee):
            raise StaleEdit("claimed", by=staff_name(session, ticket.assignee_id))

    def _deliver(
        self, session: Session, conversation: Conversation, actor: Actor, message: Message
    ) -> Delivery:
        if conversation.channel != "email" and self.presence.is_online(conversation.id):
            return Delivery("live", message.seq)
        if self.mailer is None:
            return Delivery("stored", message.seq, "no_mailer")
        try:
            outbox_status = self.mailer(session, conversation.id, actor.name, message.text)
        except ValueError:
            return Delivery("stored", message.seq, "no_email")
        if outbox_status == "suppressed":
            return Delivery("email", message.seq, "bounced")
        return Delivery("email", message.seq, "" if self.mail_enabled else "not_configured")

    # -- hand back ----------------------------------------------------------------------------
    def hand_back(self, number: str, actor: Actor) -> None:
        """The bot answers this conversation again; the ticket is resolved (nobody needs to act).

        Should the bot escalate again, the engine reopens this same ticket with a fresh due time.
        """
        with self.db.session() as session:
            ticket, conversation = self._load(session, number)
            state = Engine.handed_back(ConversationState.from_dict(conversation.state))
            conversation.state, conversation.status = state.to_dict(), state.status
            self._apply_status(ticket, "resolved")
            audit.record(session, actor.id, "handed_back", ticket_id=ticket.id, ip=actor.ip)
            self._announce(session, ticket, conversation, actor)

    # -- plumbing -----------------------------------------------------------------------------
    def _load(self, session: Session, number: str) -> tuple[Ticket, Conversation]:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number[:40])).first()
        if ticket is None:
            raise NotFound("no such ticket")
        # the conversation row is the lock customer messages take too: one writer at a time
        conversation = repo.lock_conversation(session, ticket.conversation_id)
        assert conversation is not None
        if conversation.anonymised_at is not None:  # nobody to answer; staff text would be new data
            raise InvalidInput(
                "the customer's personal data was erased: this ticket is an anonymous record",
                code="anonymised",
            )
        session.refresh(ticket)
        return ticket, conversation

    def _announce(
        self,
        session: Session,
        ticket: Ticket,
        conversation: Conversation,
        actor: Actor,
        seq: int | None = None,
    ) -> None:
        topic = conversation_topic(conversation.id)
        notices: list[tuple[str, Notice]] = []
        if seq is not None:
            notices.append((topic, NewMessages(seq)))
        # who changed it: the console tells a colleague's change from the customer's reply
        update = TicketUpdate(ticket.number, ticket.status, by="staff", staff_id=actor.id)
        notices += [(topic, update), (STAFF_TOPIC, _changed(ticket))]
        publish_after_commit(session, self.bus, notices)


def _changed(ticket: Ticket) -> QueueChange:
    return QueueChange("ticket_changed", ticket.conversation_id, ticket.number)


def _silence_bot(conversation: Conversation) -> None:
    """Staff own the conversation now: the bot acknowledges once and stays quiet."""
    if conversation.status != "waiting_for_staff":
        state = Engine.staff_claimed(ConversationState.from_dict(conversation.state))
        conversation.state, conversation.status = state.to_dict(), state.status


def _checked_text(text: Any, limit: int) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the text is empty", code="empty_text")
    if len(text) > limit or "\x00" in text:
        raise InvalidInput(f"the text is longer than {limit} characters", code="text_too_long")
    return text.strip("\n\r")


def staff_name(session: Session, staff_id: int | None) -> str:
    user = session.get(StaffUser, staff_id) if staff_id is not None else None
    return user.name if user is not None else "?"


def reopen_for_customer(
    session: Session, conversation_id: int, now: datetime, response_hours: int
) -> Ticket | None:
    """The customer wrote to staff again: a waiting or resolved ticket is open, due afresh."""
    ticket = repo.ticket_for(session, conversation_id)
    if ticket is None or ticket.status == "open":
        return None
    before = ticket.status
    ticket.status, ticket.resolved_at = "open", None
    ticket.due_at = now + timedelta(hours=response_hours)
    data = {"number": ticket.number, "before": before}
    repo.add_event(session, conversation_id, "ticket_reopened", data)
    return ticket
