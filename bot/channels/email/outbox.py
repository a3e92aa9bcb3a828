"""The outbox: every outgoing mail is a row with its bytes first; senders relay due rows.

A sender claims due rows with a lease in one short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so several workers never take the same row. The
row is marked ``sent`` only after the relay's 250. A failure waits with exponential backoff;
a 5xx for the recipient is a hard bounce: the row fails and the address is marked.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.channels.email.bounced_addresses import is_bounced, mark_bounced
from bot.channels.email.smtp_transport import DeliveryError
from bot.clock import utcnow
from bot.mail.address_headers import MAIL_POLICY
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Customer, OutboundEmail

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # longer than a relay conversation takes (30 s per command)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=4)
MAX_ATTEMPTS = 20  # about three days of retries at the capped interval


SendFunction = Callable[[str, str, bytes], None]

# A delivery's statements, built once (each mail runs them).
_TO_SEND = select(
    OutboundEmail.status,
    OutboundEmail.lease_owner,
    OutboundEmail.envelope_from,
    OutboundEmail.recipient,
    OutboundEmail.raw,
).where(OutboundEmail.id == bindparam("row"))
_BOUNCED_AT = select(Customer.email_bounced_at).where(Customer.email == bindparam("email"))
_SENT = (
    update(OutboundEmail)
    .where(OutboundEmail.id == bindparam("row"))
    .values(
        status="sent",
        sent_at=bindparam("sent_at"),
        lease_until=None,
        last_error=None,
        attempts=OutboundEmail.attempts + 1,
    )
)


class Transport(Protocol):
    def batch(self) -> AbstractContextManager[SendFunction]:
        """A send function for several messages in a row (one relay connection)."""
        ...


def queue_message(
    session: Session,
    msg: EmailMessage,
    *,
    kind: str,
    envelope_from: str,
    now: datetime,
    conversation_id: int | None = None,
    status: str = "pending",
) -> OutboundEmail:
    """Store ``msg`` rendered for SMTP (CRLF, wrapped lines); it goes out when a sender runs."""
    row = outbound_row(
        msg, kind=kind, envelope_from=envelope_from, now=now, conversation_id=conversation_id,
        status=status,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def outbound_row(
    msg: EmailMessage,
    *,
    kind: str,
    envelope_from: str,
    now: datetime,
    conversation_id: int | None = None,
    inbound_id: int | None = None,
    status: str = "pending",
) -> OutboundEmail:
    """The outbox row for ``msg``, not stored yet (``queue_message``; an automatic reply goes
    in with its inbound message's outcome, ``inbox.write_processed``). Every column with a
    default is set: the row may be inserted past the unit of work."""
    to = msg["To"]
    recipient = to.addresses[0].addr_spec if getattr(to, "addresses", None) else str(to)
    return OutboundEmail(
        created_at=now,
        conversation_id=conversation_id,
        inbound_email_id=inbound_id,
        kind=kind,
        recipient=recipient.lower()[:320],
        envelope_from=envelope_from,
        message_id=str(msg["Message-ID"]),
        subject=str(msg["Subject"] or "")[:500],
        raw=msg.as_bytes(policy=MAIL_POLICY),
        status=status,
        attempts=0,
        next_attempt_at=now,
    )


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... capped at 4 hours."""
    delay: timedelta = BACKOFF_FIRST * 2 ** max(0, attempts - 1)
    return min(delay, BACKOFF_MAX)


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    suppressed: list[int] = field(default_factory=list)


class OutboxSender:
    """Relays due rows through ``transport``; safe to run in several processes at once."""

    def __init__(
        self,
        db: Database,
        transport: Transport,
        *,
        clock: Callable[[], datetime] = utcnow,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.transport = transport
        self.clock = clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:64]

    def send_due(self, limit: int = 50) -> SendReport:
        report = SendReport()
        claimed = self.claim(limit)
        if claimed:
            with self.transport.batch() as send:
                for row_id in claimed:
                    self._deliver(row_id, send, report)
        return report

    def run(self, stop: threading.Event, interval: float = 2.0) -> None:
        """Send until ``stop`` is set; an error is logged and the loop goes on."""
        while not stop.is_set():
            try:
                report = self.send_due()
                busy = bool(report.sent or report.failed or report.suppressed)
            except Exception:
                log.exception("outbox: sending failed")
                busy = False
            if not busy:
                stop.wait(interval)

    def claim(self, limit: int) -> list[int]:
        now = self.clock()
        with self.db.session() as session:
            query = (
                select(OutboundEmail.id)
                .where(
                    OutboundEmail.status == "pending",
                    OutboundEmail.next_attempt_at <= now,
                    or_(OutboundEmail.lease_until.is_(None), OutboundEmail.lease_until < now),
                )
                .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
                .limit(limit)
            )
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            ids = list(session.scalars(query))
            if ids:
                session.execute(
                    update(OutboundEmail)
                    .where(OutboundEmail.id.in_(ids))
                    .values(lease_owner=self.owner, lease_until=now + LEASE)
                )
        return ids

    def _deliver(self, row_id: int, send: SendFunction, report: SendReport) -> None:
        """Our leased row to the relay, then marked sent: two reads and one update, each a
        round trip of its own on PostgreSQL (autocommit: no BEGIN and COMMIT around them)."""
        with self.db.reads() as connection:
            row = connection.execute(_TO_SEND, {"row": row_id}).first()
            if row is None or row.status != "pending" or row.lease_owner != self.owner:
                return
            email = repo.normalise_email(row.recipient)
            bounced = connection.scalar(_BOUNCED_AT, {"email": email}) is not None
        if bounced and self._held_back(row_id, report):
            return
        try:
            send(row.envelope_from, row.recipient, row.raw)
        except DeliveryError as error:
            self._failed(row_id, error, report)
            return
        with self.db.one_statement() as connection:
            connection.execute(_SENT, {"row": row_id, "sent_at": self.clock()})
        report.sent.append(row_id)

    def _held_back(self, row_id: int, report: SendReport) -> bool:
        """The address bounced earlier: checked again in a transaction, the row suppressed.
        False: send it after all (the address is no longer marked, the row still ours)."""
        with self.db.session() as session:
            row = session.get(OutboundEmail, row_id)
            if row is None or row.status != "pending" or row.lease_owner != self.owner:
                return True
            if not is_bounced(session, row.recipient):
                return False
            row.status, row.lease_until = "suppressed", None
            row.last_error = "not sent: the address bounced earlier"
            report.suppressed.append(row_id)
            return True

    def _failed(self, row_id: int, error: DeliveryError, report: SendReport) -> None:
        now = self.clock()
        with self.db.session() as session:
            row = session.get(OutboundEmail, row_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error, row.lease_until = str(error), None
            if error.recipient_rejected:
                mark_bounced(session, row.recipient, str(error), now, row.conversation_id)
            if error.permanent or row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
                report.failed.append(row_id)
                log.warning("outbox: mail %s to %s failed: %s", row_id, row.recipient, error)
                return
            row.next_attempt_at = now + backoff(row.attempts)
            report.retrying.append(row_id)
            log.info("outbox: mail %s will be retried: %s", row_id, error)
