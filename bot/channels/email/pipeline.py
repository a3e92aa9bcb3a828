"""Inbound pipeline: stored mail → bounce? → thread → RFC 3834, rate limits → engine → outbox.

Each message is processed in one transaction (conversation, messages, events, the reply in the
outbox and the ``processed`` mark commit together), so a crash anywhere leaves nothing half
done and the message is simply processed again. Every message ends up stored with its outcome;
suppressed ones are attached to their conversation when they thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, aliased

from bot.channels.email import inbox
from bot.channels.email.bounce_handling import record_bounce
from bot.channels.email.key_masking import mask_inbound_mail
from bot.channels.email.replying import Replier
from bot.channels.email.thread_match import find_conversation
from bot.clock import utcnow
from bot.helpdesk.conversations import Conversations
from bot.helpdesk.transcripts import MAX_MESSAGES
from bot.mail.bounce_reports import parse_bounce
from bot.mail.mail_outcome import BUSY, DUPLICATE, FAILED, Outcome
from bot.mail.message import InboundMail, parse_message
from bot.mail.reply_decision import reply_decision
from bot.mail.settings import ATTACHMENT_LIMIT, EmailSettings
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, InboundEmail, OutboundEmail

log = logging.getLogger(__name__)

# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
# The row to answer, locked on PostgreSQL, and in the same statement an earlier stored copy of
# its Message-ID that was not given up (a redelivery with other trace fields: not answered).
_EARLIER = aliased(InboundEmail)
_EARLIER_COPY = (
    select(_EARLIER.id)
    .where(
        _EARLIER.message_id == InboundEmail.message_id,
        _EARLIER.message_id != "",
        _EARLIER.id < InboundEmail.id,
        _EARLIER.status != "failed",
    )
    .limit(1)
    .scalar_subquery()
)
_CLAIMED = select(InboundEmail, _EARLIER_COPY).where(InboundEmail.id == bindparam("id"))
_CLAIMED_LOCKED = _CLAIMED.with_for_update(of=InboundEmail)


class EmailChannel:
    """Receives raw mail and answers it; ``print_only`` keeps replies out of the send queue."""

    def __init__(
        self,
        db: Database,
        conversations: Conversations,
        settings: EmailSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
        print_only: bool = False,
        sole_processor: bool = False,
    ) -> None:
        self.db = db
        self.conversations = conversations
        self.settings = settings
        self.clock = clock
        self.replier = Replier(conversations, settings, print_only=print_only)
        # Nobody else stores or processes mail in this database (`email replay`'s private one):
        # ``handle`` stores and answers a message in one transaction, without a lease.
        self.sole_processor = sole_processor

    # -- the two steps --------------------------------------------------------------------------
    def receive(
        self,
        raw: bytes,
        *,
        source: str,
        envelope_sender: str | None = None,
        recipients: Sequence[str] = (),
    ) -> inbox.Stored:
        """Store ``raw`` durably; when this returns, the message cannot be lost."""
        return inbox.store_inbound(
            self.db, raw, source=source, envelope_sender=envelope_sender, recipients=recipients
        )

    def process(
        self, inbound_id: int, *, observe: Callable[[InboundMail], None] | None = None
    ) -> Outcome:
        """Answer one stored message (once: a processed one reports its recorded outcome).

        ``observe`` is handed the decoded (key-masked) mail: `email replay` reads it there
        instead of parsing the message a second time.
        """
        now = self.clock()
        if not inbox.claim(self.db, inbound_id, now):
            return self.recorded(inbound_id)
        return self._process_claimed(inbound_id, now, observe)

    def take(self, inbound_id: int) -> Outcome | None:
        """As ``process``, for a processor that has no use for another's outcome: None when
        the message is answered already or another processor holds it."""
        now = self.clock()
        if not inbox.claim(self.db, inbound_id, now):
            return None
        return self._process_claimed(inbound_id, now)

    def process_next(self) -> Outcome | None:
        """Claim the oldest message waiting and answer it; None when nothing waits."""
        now = self.clock()
        inbound_id = inbox.claim_next(self.db, now)
        return None if inbound_id is None else self._process_claimed(inbound_id, now)

    def _process_claimed(
        self,
        inbound_id: int,
        now: datetime,
        observe: Callable[[InboundMail], None] | None = None,
    ) -> Outcome:
        try:
            with self.db.session() as session:
                # Locked and checked again: a processor whose lease ran out may still finish.
                query = _CLAIMED if self.db.is_sqlite else _CLAIMED_LOCKED
                found = session.execute(query, {"id": inbound_id}).first()
                row, earlier = (None, None) if found is None else (found[0], found[1])
                if row is not None:
                    session.expunge(row)  # its outcome is written by ``_finish``, not a flush
                outcome = self._finish(session, row, now, observe, earlier)
            return outcome or self.recorded(inbound_id)
        except Exception as error:  # recorded on the row and retried; the raw mail stays stored
            log.exception("email: processing inbound #%s failed", inbound_id)
            inbox.record_failure(self.db, inbound_id, f"{type(error).__name__}: {error}", now)
            return Outcome(inbound_id, FAILED, type(error).__name__, str(error)[:300])

    def handle(
        self,
        raw: bytes,
        *,
        source: str,
        envelope_sender: str | None = None,
        observe: Callable[[InboundMail], None] | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> Outcome:
        """Store, then process: what `email process` and the receivers do per message.

        ``headers``: the header fields as ``inbox.header_items`` reads them, when the caller
        has read them already (`email replay` does, for the Date).
        """
        if self.sole_processor:
            outcome = self._store_and_process(raw, source, envelope_sender, observe, headers)
            if outcome is not None:
                return outcome
        stored = self.receive(raw, source=source, envelope_sender=envelope_sender)
        return self.process(stored.id, observe=observe)

    def _store_and_process(
        self,
        raw: bytes,
        source: str,
        envelope_sender: str | None,
        observe: Callable[[InboundMail], None] | None,
        headers: list[tuple[str, str]] | None = None,
    ) -> Outcome | None:
        """One transaction instead of three (store, claim, process) when no other processor
        can be there. None when the message needs the usual way: a copy of it is stored
        already, or processing failed (rolled back, so the usual way stores it, runs it again
        and records the error just as it always does)."""
        now = self.clock()
        row = inbox.inbound_row(
            raw, source=source, envelope_sender=envelope_sender, headers=headers
        )
        row.attempts = 1  # what the claim would have counted
        try:
            with self.db.session() as session:
                stored = inbox.insert_inbound(session, row)  # outside the unit of work
                if stored.duplicate:
                    return None
                return self._finish(session, row, now, observe, stored.earlier_copy)
        except Exception:  # handed to the usual way, which logs and records it
            return None

    def _finish(
        self,
        session: Session,
        row: InboundEmail | None,
        now: datetime,
        observe: Callable[[InboundMail], None] | None,
        earlier: int | None,
    ) -> Outcome | None:
        """The pipeline on a claimed row (outside the session), its outcome written on the row
        together with the reply to it; None when the row is gone or done already.
        ``earlier``: a stored copy of its Message-ID, read with it."""
        if row is None or row.status != "received":
            return None
        raw, subject = row.raw, row.subject  # as stored: licence-key masking may change them
        outcome, reply = self._pipeline(session, row, now, observe, earlier)
        row.status, row.processed_at, row.lease_until = "processed", now, None
        row.outcome, row.conversation_id = outcome.outcome, outcome.conversation_id
        row.reason = outcome.reason[:60] or None
        row.detail = outcome.detail[:500] or None
        inbox.write_processed(session, row, raw, subject, reply)
        return outcome if reply is None else replace(outcome, outbound_id=reply.id)

    def process_due(self, limit: int = 100) -> list[Outcome]:
        """Everything still waiting (new rows and those a crashed processor left behind), one
        claimed at a time: rows other processors take meanwhile are theirs."""
        outcomes: list[Outcome] = []
        while len(outcomes) < limit and (outcome := self.process_next()) is not None:
            outcomes.append(outcome)
        return outcomes

    def recorded(self, inbound_id: int) -> Outcome:
        with self.db.session() as session:
            row = session.get(InboundEmail, inbound_id)
            if row is None or row.status == "received":
                return Outcome(inbound_id, BUSY)
            outbound = session.scalar(
                select(OutboundEmail.id).where(OutboundEmail.inbound_email_id == inbound_id)
            )
            return Outcome(
                inbound_id,
                row.outcome or row.status,
                row.reason or "",
                row.detail or "",
                row.conversation_id,
                outbound,
            )

    # -- the pipeline ---------------------------------------------------------------------------
    def _pipeline(
        self,
        session: Session,
        row: InboundEmail,
        now: datetime,
        observe: Callable[[InboundMail], None] | None,
        earlier: int | None,
    ) -> tuple[Outcome, OutboundEmail | None]:
        """The message's outcome, and the reply to queue (written with the outcome)."""
        mail = parse_message(row.raw, attachment_limit=ATTACHMENT_LIMIT)
        mail, keys = mask_inbound_mail(row, mail)  # licence keys: stored and read masked only
        if observe is not None:
            observe(mail)
        if earlier is not None:
            same = f"same Message-ID as inbound #{earlier}"
            return Outcome(row.id, DUPLICATE, "duplicate", same), None
        bounce = parse_bounce(mail)
        if bounce is not None:
            return record_bounce(session, self.conversations, self.settings, row, bounce, now), None
        decision = reply_decision(mail, self.settings, row.envelope_sender)
        match = find_conversation(session, mail, self.settings)
        if not decision.reply:
            suppressed = self.replier.suppress(
                session, row, mail, match.conversation, decision.reason, decision.detail
            )
            return suppressed, None
        conversation = match.conversation
        if conversation is None or conversation.message_count >= MAX_MESSAGES - 10:
            conversation = self._open(session, mail)  # a full conversation starts over
        if match.rejected_tag:
            repo.add_event(
                session,
                conversation.id,
                "email_ticket_tag_rejected",
                {"inbound_id": row.id, "tag": match.rejected_tag, "from": mail.from_addr},
            )
        self.conversations.recognise_keys(session, conversation, keys)
        return self.replier.answer(session, row, mail, conversation, now)

    def _open(self, session: Session, mail: InboundMail) -> Conversation:
        address = mail.from_addr or mail.reply_address
        return self.conversations.start_in_session(
            session,
            channel="email",
            email=address if 3 <= len(address) <= 254 else None,
            name=mail.from_name[:200] or None,
            subject=mail.subject[:300] or None,
        )
