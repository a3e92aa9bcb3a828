"""Erasure (GDPR art. 17): one customer's personal data removed, the anonymous counts kept.

Safe while the customer is chatting. Each conversation is anonymised in its own transaction
under its row lock (a message being handled finishes first, and one arriving later finds the
token revoked); after the commit a notice on the conversation's bus topic closes live widget
sockets. A last transaction, holding the customer rows, catches a conversation started in the
meantime, deletes mail, subscriptions and the customer rows, and writes the audit entry: who
erased, which customer id, how much, and a keyed hash of the address (never the address), by
which a second erasure of the same address is recognised. Running it again is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.helpdesk import audit
from bot.helpdesk.bus import MessageBus, conversation_topic, publish_after_commit
from bot.helpdesk.notices import Erased
from bot.helpdesk.privacy.anonymise import (
    Removed,
    anonymise_conversation,
    anonymous_event_data,
    empty_messages_with_refs,
)
from bot.helpdesk.privacy.export import orphan_events
from bot.helpdesk.privacy.identity import (
    CustomerRecords,
    Requester,
    address_ref,
    checked_address,
    find_records,
)
from bot.helpdesk.privacy.transactions import in_transaction
from bot.storage.db import Database
from bot.storage.models import (
    AuditEntry,
    Conversation,
    Customer,
    InboundEmail,
    OutboundEmail,
    Subscription,
)

ERASED_ACTION = "customer_erased"


@dataclass
class ErasureReport:
    found: bool
    removed: Removed = field(default_factory=Removed)
    customers: int = 0
    subscriptions: int = 0
    other_events: int = 0
    erased_before: datetime | None = None  # when nothing was found: an earlier erasure

    def counts(self) -> dict[str, int]:
        return {
            **vars(self.removed),
            "customers": self.customers,
            "subscriptions": self.subscriptions,
            "other_events": self.other_events,
        }


class Erasure:
    def __init__(
        self,
        db: Database,
        bus: MessageBus | None,
        *,
        secret: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.bus = bus
        self.secret = secret
        self.clock = clock

    def erase(self, address: str, requester: Requester) -> ErasureReport:
        """Raises AddressError for something that is not an address; nothing is changed then."""
        address = checked_address(address)
        now = self.clock()
        with self.db.sessions() as session:
            records = find_records(session, address)
            if records.empty:
                return ErasureReport(False, erased_before=self._erased_before(session, address))
        report = ErasureReport(True)
        for conversation_id in records.conversation_ids:
            work = partial(self._conversation, conversation_id=conversation_id, now=now)
            report.removed.add(in_transaction(self.db, work))
        in_transaction(self.db, lambda s: self._finish(s, address, requester, report, now))
        return report

    def _conversation(self, session: Session, conversation_id: int, now: datetime) -> Removed:
        query = select(Conversation).where(Conversation.id == conversation_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        conversation = session.scalars(query).first()
        if conversation is None or conversation.anonymised_at is not None:
            return Removed()
        removed = anonymise_conversation(session, conversation, now)
        self._announce(session, conversation_id)
        return removed

    def _finish(
        self,
        session: Session,
        address: str,
        requester: Requester,
        report: ErasureReport,
        now: datetime,
    ) -> None:
        records = find_records(session, address)
        locked = select(Customer).where(Customer.id.in_(records.customer_ids))
        if session.get_bind().dialect.name == "postgresql":
            locked = locked.with_for_update()
        customers = list(session.scalars(locked))
        late = Removed()  # conversations started while the others were being anonymised
        for conversation_id in records.conversation_ids:
            late.add(self._conversation(session, conversation_id, now))
        mails = self._remove_mail(session, records)
        events = list(orphan_events(session, records.spellings, set(records.inbound_ids)))
        for orphan in events:
            orphan.data = anonymous_event_data(orphan.data)
        session.execute(delete(Subscription).where(Subscription.id.in_(records.subscription_ids)))
        for customer in customers:
            session.delete(customer)
        report.removed.add(late)
        report.removed.add(mails)
        report.customers = len(customers)
        report.subscriptions = len(records.subscription_ids)
        report.other_events = len(events)
        counts: dict[str, Any] = report.counts()
        audit.record(
            session, requester.staff_id, ERASED_ACTION, ip=requester.ip,
            customer_id=min(records.customer_ids, default=None),
            via=requester.via, operator=requester.operator or None,
            ref=address_ref(self.secret, address), **counts,
        )  # fmt: skip

    def _remove_mail(self, session: Session, records: CustomerRecords) -> Removed:
        """Mail rows left after the conversations: sent from the address into other threads,
        unanswered (no conversation), or queued to it. Messages made from them are emptied."""
        removed = Removed()
        refs = [
            message_id if message_id and len(message_id) <= 300 else f"sha256:{digest}"
            for message_id, digest in session.execute(
                select(InboundEmail.message_id, InboundEmail.content_hash).where(
                    InboundEmail.id.in_(records.inbound_ids)
                )
            )
        ]
        removed.messages = empty_messages_with_refs(session, refs)
        removed.mails_sent = _deleted(
            session.execute(delete(OutboundEmail).where(OutboundEmail.id.in_(records.outbound_ids)))
        )
        removed.mails_received = _deleted(
            session.execute(delete(InboundEmail).where(InboundEmail.id.in_(records.inbound_ids)))
        )
        return removed

    def _announce(self, session: Session, conversation_id: int) -> None:
        bus = self.bus
        if bus is None:
            return
        publish_after_commit(session, bus, [(conversation_topic(conversation_id), Erased())])

    def _erased_before(self, session: Session, address: str) -> datetime | None:
        wanted = address_ref(self.secret, address)
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == ERASED_ACTION)
            .order_by(AuditEntry.id.desc())
        )
        return next((e.created_at for e in entries if (e.detail or {}).get("ref") == wanted), None)


def _deleted(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
