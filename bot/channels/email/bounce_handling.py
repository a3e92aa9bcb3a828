"""A delivery failure of one of our mails: thread it to its conversation, mark dead addresses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, cast, false, null, select, true, union_all
from sqlalchemy.orm import Session

from bot.channels.email.bounced_addresses import mailed_before, mark_bounced
from bot.helpdesk.conversations import Conversations
from bot.mail.bounce_reports import Bounce
from bot.mail.mail_outcome import BOUNCE, Outcome
from bot.mail.message_ids import conversation_id_of, verify_message_id
from bot.mail.settings import EmailSettings
from bot.storage import repositories as repo
from bot.storage.models import InboundEmail, OutboundEmail

# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
# One statement for a bounce's two look-ups: our mail that bounced (its Message-ID is
# unique), and which of the reported addresses we ever mailed (a bounce for anyone else is not
# ours). Bounces are most of an exported mailbox; each statement costs more in SQLAlchemy
# than in SQLite.
_SENT_AND_MAILED = union_all(
    select(OutboundEmail.recipient, OutboundEmail.conversation_id, true()).where(
        OutboundEmail.message_id == bindparam("message_id")
    ),
    # Typed: PostgreSQL reads a bare NULL under DISTINCT as text, which no integer unites with.
    select(OutboundEmail.recipient, cast(null(), OutboundEmail.conversation_id.type), false())
    .where(OutboundEmail.recipient.in_(bindparam("addresses", expanding=True)))
    .distinct(),
)


@dataclass(frozen=True)
class _Sent:
    """Our mail that bounced: its conversation and recipient."""

    conversation_id: int | None
    recipient: str


def record_bounce(
    session: Session,
    conversations: Conversations,
    settings: EmailSettings,
    row: InboundEmail,
    bounce: Bounce,
    now: datetime,
) -> Outcome:
    """Store the bounce with its conversation; a permanent one marks addresses we mailed."""
    original = bounce.original_message_id
    sent, mailed = _look_up(session, original, bounce)
    conversation_id = _conversation_id(original, settings)
    if conversation_id is None and sent is not None:
        conversation_id = sent.conversation_id
    conversation = repo.lock_conversation(session, conversation_id) if conversation_id else None
    recipients = list(bounce.recipients) or ([sent.recipient] if sent else [])
    marked = _mark_dead(session, bounce, recipients, conversation_id, now, mailed)
    data: dict[str, Any] = {
        "inbound_id": row.id,
        "permanent": bounce.permanent,
        "recipients": recipients,
        "marked": marked,
        "status": bounce.status,
        "action": bounce.action,
        "diagnostic": bounce.diagnostic,
        "original_message_id": original,
    }
    if conversation is not None:
        conversations.store_unanswered(
            session,
            conversation,
            _summary(bounce, recipients),
            role="system",
            channel_ref=f"sha256:{row.content_hash}",
            payload={"email": data},
        )
    repo.add_event(session, conversation_id, "email_bounce", data)
    return Outcome(
        row.id,
        BOUNCE,
        "hard_bounce" if bounce.permanent else "soft_bounce",
        ", ".join(recipients)[:300],
        conversation_id,
    )


def _mark_dead(
    session: Session,
    bounce: Bounce,
    recipients: list[str],
    conversation_id: int | None,
    now: datetime,
    mailed: set[str] | None,
) -> list[str]:
    """A permanent failure marks the addresses we mailed (a forged DSN marks no one else).
    ``mailed``: those of the bounce's own recipients we mailed, lower-cased (None: not read)."""
    if not bounce.permanent:
        return []
    reason = " ".join(p for p in (bounce.status, bounce.diagnostic) if p) or "hard bounce"
    marked = [
        address
        for address in recipients
        if (address.lower() in mailed if mailed is not None else mailed_before(session, address))
    ]
    for address in marked:
        mark_bounced(session, address, reason, now, conversation_id)
    return marked


def _look_up(
    session: Session, message_id: str | None, bounce: Bounce
) -> tuple[_Sent | None, set[str] | None]:
    """Our mail that bounced (None: not ours), and which of the bounce's recipients we mailed,
    lower-cased (None when a temporary failure or no recipient leaves nothing to mark)."""
    addresses = sorted({a.lower() for a in bounce.recipients}) if bounce.permanent else []
    if not message_id and not addresses:
        return None, None
    params = {"message_id": message_id[:300] if message_id else None, "addresses": addresses}
    sent: _Sent | None = None
    mailed: set[str] = set()
    # As ``repo.read_rows`` reads (past the ORM layer), for a compound select.
    for row in session.connection().execute(_SENT_AND_MAILED, params):
        if row[2]:
            sent = _Sent(row[1], row[0])
        else:
            mailed.add(row[0])
    return sent, mailed if addresses else None


def _conversation_id(message_id: str | None, settings: EmailSettings) -> int | None:
    if not message_id:
        return None
    signed = verify_message_id(message_id, secret=settings.secret, domain=settings.domain)
    return conversation_id_of(signed) if signed else None


def _summary(bounce: Bounce, recipients: list[str]) -> str:
    kind = "permanently" if bounce.permanent else "temporarily"
    who = ", ".join(recipients) or "an unknown recipient"
    details = " ".join(p for p in (bounce.status, bounce.diagnostic) if p)
    return f"Mail to {who} failed {kind}." + (f" {details}" if details else "")
