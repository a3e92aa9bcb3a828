"""Store a customer's mail in its conversation and, when allowed, compose the bot's reply: its
outbox row, which the pipeline writes with the mail's outcome (``inbox.write_processed``).

Rate limits come before the engine: a message over the limit is stored for staff but gets no
engine turn, so the conversation state never runs ahead of what the customer was told.
A message that is all quoted text gets no engine turn either; the customer is asked, once per
message, to write above the quote (or, when staff own the conversation, nothing is sent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from bot.channels.email.bounced_addresses import clear_bounce
from bot.channels.email.outbox import outbound_row
from bot.core.text import fold
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.transcripts import MAX_MESSAGES
from bot.mail.autoreply_rules import AutoReplyDecision
from bot.mail.compose import ThreadContext
from bot.mail.header_decoding import flatten
from bot.mail.mail_outcome import QUIET, REPLIED, SUPPRESSED, Outcome
from bot.mail.mail_texts import MailTexts
from bot.mail.message import InboundMail
from bot.mail.quotes import ReplyParts
from bot.mail.reply_mail import BOT_KIND, bot_reply
from bot.mail.settings import EmailSettings
from bot.storage import repositories as repo
from bot.storage.models import Conversation, InboundEmail, OutboundEmail

MAX_STORED_CHARS = 100_000
_REPLY_OR_FORWARD = re.compile(
    r"^(?:\s*(?:re|aw|antw|sv|fw|fwd|wg|tr)\s*(?:\[\d+\])?\s*:\s*)+", re.I
)
_COUNTED = ("pending", "sent", "printed", "failed")  # automatic mails that went, or tried to
# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
# One read for the rate limits and the privacy link: the automatic mail of the last day to this
# address or thread, and the thread's first automatic mail whenever it went (none: the next
# one is the first, and links the privacy notice). Filtered by status and age in Python.
_FIRST_IN_THREAD = (
    select(func.min(OutboundEmail.id))
    .where(
        OutboundEmail.conversation_id == bindparam("conversation_id"),
        OutboundEmail.kind == BOT_KIND,
    )
    .scalar_subquery()
)
_BOT_MAIL_SEEN = select(
    OutboundEmail.created_at,
    OutboundEmail.recipient,
    OutboundEmail.conversation_id,
    OutboundEmail.status,
).where(
    OutboundEmail.kind == BOT_KIND,
    or_(
        and_(
            OutboundEmail.status.in_(_COUNTED),
            OutboundEmail.created_at >= bindparam("since"),
            or_(
                OutboundEmail.recipient == bindparam("address"),
                OutboundEmail.conversation_id == bindparam("conversation_id"),
            ),
        ),
        OutboundEmail.id == _FIRST_IN_THREAD,
    ),
)


@dataclass(frozen=True)
class _Limit:
    """The rate limits' decision, and whether the thread has had an automatic mail yet."""

    decision: AutoReplyDecision
    first: bool


@dataclass(frozen=True)
class _Reply:
    thread: ThreadContext
    messages: list[dict[str, Any]]
    language: str
    route: str


class Replier:
    def __init__(
        self, conversations: Conversations, settings: EmailSettings, *, print_only: bool = False
    ) -> None:
        self.conversations = conversations
        self.settings = settings
        self.print_only = print_only

    def suppress(
        self,
        session: Session,
        row: InboundEmail,
        mail: InboundMail,
        conversation: Conversation | None,
        reason: str,
        detail: str,
    ) -> Outcome:
        """Keep a message we must not answer, in its conversation when it threads."""
        data = {"inbound_id": row.id, "reason": reason, "detail": detail[:300]}
        if conversation is not None and conversation.message_count < MAX_MESSAGES:
            payload = _payload(row, mail, None, suppressed=reason)
            self.conversations.store_unanswered(
                session,
                conversation,
                _stored_text(mail.text, mail.subject),
                channel_ref=_channel_ref(row),
                payload=payload,
            )
        conversation_id = conversation.id if conversation else None
        repo.add_event(session, conversation_id, "email_suppressed", data)
        return Outcome(row.id, SUPPRESSED, reason, detail[:300], conversation_id)

    def answer(
        self,
        session: Session,
        row: InboundEmail,
        mail: InboundMail,
        conversation: Conversation,
        now: datetime,
    ) -> tuple[Outcome, OutboundEmail | None]:
        """A human message: the engine's turn, and its reply for the outbox (written with the
        message's outcome, ``inbox.write_processed``)."""
        if conversation.customer is not None:
            clear_bounce(session, conversation.customer, conversation.id)
        parts = mail.reply_parts
        thread = ThreadContext.automatic_reply_to(mail, row.envelope_sender)
        limit = self._rate_limit(session, thread.recipient, conversation.id, now)
        if not limit.decision.reply:
            reason, detail = limit.decision.reason, limit.decision.detail
            return self.suppress(session, row, mail, conversation, reason, detail), None
        if parts.used_fallback:
            repo.add_event(session, conversation.id, "email_quote_fallback", {"inbound_id": row.id})
        if not parts.new_text.strip():
            return self._all_quoted(session, row, mail, conversation, thread, now, limit.first)
        waiting = conversation.status == "waiting_for_staff"
        text = engine_text(parts.new_text, mail.subject, first=conversation.message_count == 0)
        posted = self.conversations.post_in_session(
            session, conversation, text, channel_ref=_channel_ref(row),
            payload=_payload(row, mail, parts),
        )  # fmt: skip
        if waiting:  # written to staff, not to the bot: the ticket needs them
            self._reopen_ticket(session, conversation, row.id, now)
        if not posted.messages:
            return Outcome(row.id, QUIET, "staff_own_conversation", "", conversation.id), None
        reply = _Reply(thread, list(posted.messages), posted.language, posted.route)
        return self._queue(session, row, conversation, reply, now, limit.first)

    def _all_quoted(
        self,
        session: Session,
        row: InboundEmail,
        mail: InboundMail,
        conversation: Conversation,
        thread: ThreadContext,
        now: datetime,
        first: bool,
    ) -> tuple[Outcome, OutboundEmail | None]:
        payload = _payload(row, mail, None, suppressed="all_quoted")
        self.conversations.store_unanswered(
            session, conversation, _stored_text(mail.text, mail.subject),
            channel_ref=_channel_ref(row), payload=payload,
        )  # fmt: skip
        repo.add_event(session, conversation.id, "email_all_quoted", {"inbound_id": row.id})
        if conversation.status == "waiting_for_staff":
            self._reopen_ticket(session, conversation, row.id, now)
            return Outcome(row.id, QUIET, "all_quoted", "", conversation.id), None
        message = {"text": self._texts(conversation.language).no_new_text(), "links": []}
        reply = _Reply(thread, [message], conversation.language, "all_quoted")
        return self._queue(session, row, conversation, reply, now, first)

    def _reopen_ticket(
        self, session: Session, conversation: Conversation, inbound_id: int, now: datetime
    ) -> None:
        """The customer wrote while staff own the conversation: the ticket needs them again."""
        reopened = self.conversations.reopen_ticket(session, conversation.id, now)
        ticket = reopened or repo.ticket_for(session, conversation.id)
        data = {"inbound_id": inbound_id, "ticket": ticket.number if ticket else None}
        if reopened is not None:
            data["reopened"] = True
        repo.add_event(session, conversation.id, "email_customer_replied", data)

    def _queue(
        self,
        session: Session,
        row: InboundEmail,
        conversation: Conversation,
        reply: _Reply,
        now: datetime,
        first: bool,
    ) -> tuple[Outcome, OutboundEmail | None]:
        """The reply's outbox row (its id set when written); an address compose cannot use
        leaves the turn stored. ``first``: the thread's first automatic mail (it links the
        privacy notice)."""
        ticket = conversation.ticket  # loaded already when the engine's turn was stored
        try:
            msg = bot_reply(
                self.settings, self._texts(reply.language), reply.thread, reply.messages,
                conversation_id=conversation.id, ticket_tag=ticket.number if ticket else None,
                language=reply.language, now=now,
                privacy_url=self.settings.privacy_url(reply.language) if first else "",
            )  # fmt: skip
        except ValueError as error:
            detail = str(error)[:300]
            repo.add_event(session, conversation.id, "email_not_sent", {"error": detail})
            return Outcome(row.id, SUPPRESSED, "bad_recipient", detail, conversation.id), None
        outbound = outbound_row(
            msg, kind=BOT_KIND, envelope_from=self.settings.envelope_from, now=now,
            conversation_id=conversation.id, inbound_id=row.id,
            status="printed" if self.print_only else "pending",
        )  # fmt: skip
        replied = Outcome(row.id, REPLIED, reply.route, "", conversation.id, None, reply.language)
        return replied, outbound

    def _rate_limit(
        self, session: Session, recipient: str, conversation_id: int, now: datetime
    ) -> _Limit:
        address = recipient.lower()
        since = now - timedelta(days=1)
        params = {"since": since, "address": address, "conversation_id": conversation_id}
        seen = repo.read_rows(session, _BOT_MAIL_SEEN, params)
        first = all(row.conversation_id != conversation_id for row in seen)
        sent = [row for row in seen if row.status in _COUNTED and row.created_at >= since]
        to_sender = [row.created_at for row in sent if row.recipient == address]
        decision = self.settings.sender_limit.decide(to_sender, now)
        if not decision.reply:
            detail = f"{decision.detail} to {recipient}"
            return _Limit(AutoReplyDecision(False, decision.reason, detail), first)
        in_thread = [row.created_at for row in sent if row.conversation_id == conversation_id]
        decision = self.settings.conversation_limit.decide(in_thread, now)
        if not decision.reply:
            detail = decision.detail + " in this thread"
            return _Limit(AutoReplyDecision(False, decision.reason, detail), first)
        return _Limit(decision, first)

    def _texts(self, language: str) -> MailTexts:
        engine = self.conversations.engine
        return MailTexts.for_language(
            engine.translations, language, engine.kb.policy.default_language, self.settings.company
        )


def engine_text(new_text: str, subject: str, *, first: bool) -> str:
    """What the engine reads: a first mail's subject often is the question, so it goes first."""
    topic = _REPLY_OR_FORWARD.sub("", flatten(subject)).strip()
    if not first or len(topic.split()) < 2 or fold(topic) in fold(new_text):
        return new_text
    return f"{topic}\n\n{new_text}"


def _channel_ref(row: InboundEmail) -> str:
    """The Message-ID when it fits the column, else the content hash: a retry is answered once."""
    if row.message_id and len(row.message_id) <= 300:
        return row.message_id
    return f"sha256:{row.content_hash}"


def _stored_text(text: str, subject: str) -> str:
    return (text.strip() or subject.strip() or "(empty message)")[:MAX_STORED_CHARS]


def _payload(
    row: InboundEmail, mail: InboundMail, parts: ReplyParts | None, *, suppressed: str = ""
) -> dict[str, Any]:
    """What staff see next to the message: the mail's identity, attachments and flags."""
    data: dict[str, Any] = {
        "inbound_id": row.id,
        "message_id": mail.message_id,
        "subject": mail.subject[:300],
        "from": mail.from_addr,
        "attachments": [
            {
                "filename": a.filename[:200],
                "content_type": a.content_type,
                "size": a.size,
                "truncated": a.truncated,
            }
            for a in mail.attachments[:50]
        ],
    }
    if suppressed:
        data["suppressed"] = suppressed
    if parts is not None:
        data["quote_fallback"] = parts.used_fallback
        data["quoted_chars"] = len(parts.quoted)
    return {"email": data}
