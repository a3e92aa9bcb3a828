"""Staff replies by email: personal mail (no Auto-Submitted) threaded like the bot's.

The ticket desk stores the staff message in the transcript itself and calls its mailer, a
``StaffMail``, in the same transaction, so the message and its mail commit together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.email.bounced_addresses import is_bounced
from bot.channels.email.outbox import queue_message
from bot.core.ports import Translator
from bot.mail.compose import ThreadContext, trim_references
from bot.mail.mail_texts import MailTexts
from bot.mail.message import parse_message
from bot.mail.reply_mail import STAFF_KIND, staff_reply
from bot.mail.settings import EmailSettings
from bot.storage import repositories as repo
from bot.storage.models import Conversation, InboundEmail, OutboundEmail

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ANSWERED = ("replied", "quiet", "suppressed")  # customer mail in the thread, not bounces


@dataclass(frozen=True)
class StaffMail:
    """Staff replies by email, built once by ``build_runtime``; the ticket desk's mailer."""

    settings: EmailSettings
    translations: Mapping[str, Translator]
    default_language: str

    def __call__(self, session: Session, conversation_id: int, staff_name: str, text: str) -> str:
        return self.queue(session, conversation_id, staff_name, text).status

    def queue(
        self,
        session: Session,
        conversation_id: int,
        staff_name: str,
        text: str,
        *,
        now: datetime | None = None,
    ) -> OutboundEmail:
        """Queue ``text`` from ``staff_name`` to the conversation's customer; returns the row.

        Raises LookupError when the conversation is unknown and ValueError when it has no
        usable email address. A row for an address that bounced is stored as ``suppressed``.
        """
        now = now or datetime.now(UTC)
        settings = self.settings
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise LookupError(f"no conversation {conversation_id}")
        msg = self._message(session, conversation, staff_name, text, now)
        row = queue_message(
            session, msg, kind=STAFF_KIND, envelope_from=settings.envelope_from, now=now,
            conversation_id=conversation.id,
        )  # fmt: skip
        if is_bounced(session, row.recipient):
            row.status, row.last_error = "suppressed", "not sent: the address bounced earlier"
        data = {"outbound_id": row.id, "staff": staff_name, "status": row.status}
        repo.add_event(session, conversation.id, "email_staff_reply_queued", data)
        return row

    def _message(
        self,
        session: Session,
        conversation: Conversation,
        staff_name: str,
        text: str,
        now: datetime,
    ) -> EmailMessage:
        settings = self.settings
        texts = MailTexts.for_language(
            self.translations, conversation.language, self.default_language, settings.company
        )
        ticket = repo.ticket_for(session, conversation.id)
        return staff_reply(
            settings, texts, thread_context(session, conversation, settings, texts), text,
            staff_name=staff_name, conversation_id=conversation.id,
            ticket_tag=ticket.number if ticket else None, language=conversation.language, now=now,
        )  # fmt: skip


def thread_context(
    session: Session, conversation: Conversation, settings: EmailSettings, texts: MailTexts
) -> ThreadContext:
    """Reply to the customer's latest mail; with none (a widget conversation), to their address."""
    latest = session.scalars(
        select(InboundEmail)
        .where(InboundEmail.conversation_id == conversation.id, InboundEmail.outcome.in_(_ANSWERED))
        .order_by(InboundEmail.id.desc())
        .limit(1)
    ).first()
    if latest is not None:
        header_block = latest.raw[: _header_end(latest.raw)]
        return ThreadContext.replying_to(parse_message(header_block + b"\r\n\r\n"))
    address = conversation.customer.email if conversation.customer else None
    address = address or (conversation.state.get("slots") or {}).get("email")
    if not address:
        raise ValueError(f"conversation {conversation.id} has no email address")
    ours = session.scalars(
        select(OutboundEmail.message_id)
        .where(OutboundEmail.conversation_id == conversation.id)
        .order_by(OutboundEmail.id)
    ).all()
    return ThreadContext(
        recipient=address,
        recipient_name=conversation.customer.name or "" if conversation.customer else "",
        subject=conversation.subject or texts.default_subject(),
        parent_message_id=ours[-1] if ours else None,
        parent_references=trim_references(ours[:-1]),
    )


def _header_end(raw: bytes) -> int:
    match = _HEADER_END.search(raw, 0, 512 * 1024)
    return match.start() if match else min(len(raw), 512 * 1024)
