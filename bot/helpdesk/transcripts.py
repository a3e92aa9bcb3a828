"""Reading conversations as the widget, the API and staff see them: transcripts, the public
state, the ticket as stored. Also the conversation size limit, which posting enforces."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from bot.core.dialogue.state import ConversationState
from bot.helpdesk.errors import NotFound
from bot.helpdesk.posted_turn import TicketRef
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, Message

CHECK_BATCH = 500  # conversation ids per query of ``tokens_still_valid``
MAX_MESSAGES = 2000  # per conversation; beyond this a new conversation is needed


class Transcripts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def authenticate(self, public_id: str, token: str | None) -> int | None:
        """The internal id of the conversation the token opens, or None (same for unknown ids)."""
        with self.db.sessions() as session:
            conversation = repo.authenticate(session, public_id, token)
            return conversation.id if conversation else None

    def tokens_still_valid(self, tokens: Sequence[tuple[int, str]]) -> list[bool]:
        """For (conversation id, token) pairs, whether each token still opens its conversation:
        one query per ``CHECK_BATCH`` conversations, for a worker's open sockets."""
        stored: dict[int, str] = {}
        ids = sorted({conversation_id for conversation_id, _ in tokens})
        with self.db.sessions() as session:
            for start in range(0, len(ids), CHECK_BATCH):
                stored.update(repo.token_hashes(session, ids[start : start + CHECK_BATCH]))
        return [
            hmac.compare_digest(stored.get(conversation_id, ""), repo.hash_token(token))
            for conversation_id, token in tokens
        ]

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


def ticket_ref(conversation: Conversation) -> TicketRef | None:
    ticket = conversation.ticket
    return TicketRef(ticket.number, ticket.status) if ticket else None


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
