"""Retention: what is past its time is removed, in small transactions, safe beside live traffic.

- A conversation whose last activity (and its ticket's) is older than ``days``, and whose ticket
  is not open, is anonymised like an erasure (``anonymise.py``): its mail, texts and what the bot
  collected go, its counts stay for the dashboard. One transaction per conversation, taken with
  ``FOR UPDATE SKIP LOCKED`` on PostgreSQL: a conversation someone is writing in right now is
  skipped (it is not past retention anyway) and nothing is ever half done.
- The raw bytes of mail older than ``raw_mail_days`` are removed, in batches; their decoded text
  stays in the conversation. Mail that belongs to no conversation goes entirely.
- Customers left without conversations, subscriptions that ended, and events outside any
  conversation go once they are older than ``days``.
``days`` 0 keeps conversations forever; ``raw_mail_days`` 0 keeps raw mail with its conversation.
Each run is written to the audit log (``retention_purge``) with its counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.clock import utcnow
from bot.config import Config
from bot.helpdesk import audit
from bot.helpdesk.bus import MessageBus, conversation_topic, publish_after_commit
from bot.helpdesk.notices import Erased
from bot.helpdesk.privacy.anonymise import Removed, anonymise_conversation
from bot.helpdesk.privacy.transactions import in_transaction
from bot.storage.db import Database
from bot.storage.models import (
    AuditEntry,
    Conversation,
    Customer,
    EventRecord,
    InboundEmail,
    OutboundEmail,
    Subscription,
    Ticket,
)

BATCH = 200
_BULK = {"synchronize_session": False}
PURGE_ACTION = "retention_purge"


@dataclass(frozen=True)
class Retention:
    days: int = 365
    raw_mail_days: int = 90

    @classmethod
    def from_config(cls, config: Config) -> Retention:
        return cls(config.retention_days, config.raw_mail_retention_days)

    def conversation_cutoff(self, now: datetime) -> datetime | None:
        return now - timedelta(days=self.days) if self.days else None

    def raw_mail_cutoff(self, now: datetime) -> datetime | None:
        return now - timedelta(days=self.raw_mail_days) if self.raw_mail_days else None


@dataclass
class PurgeReport:
    removed: Removed = field(default_factory=Removed)
    raw_received: int = 0
    raw_sent: int = 0
    customers: int = 0
    subscriptions: int = 0
    other_events: int = 0

    def counts(self) -> dict[str, int]:
        return {
            **vars(self.removed),
            "raw_received": self.raw_received,
            "raw_sent": self.raw_sent,
            "customers": self.customers,
            "subscriptions": self.subscriptions,
            "other_events": self.other_events,
        }


class Purge:
    """``run()`` once removes everything past retention; running it again finds nothing."""

    def __init__(
        self,
        db: Database,
        retention: Retention,
        *,
        bus: MessageBus | None = None,
        clock: Callable[[], datetime] = utcnow,
        batch: int = BATCH,
    ) -> None:
        self.db = db
        self.retention = retention
        self.bus = bus
        self.clock = clock
        self.batch = batch

    @property
    def postgres(self) -> bool:
        return not self.db.is_sqlite

    def run(self) -> PurgeReport:
        now = self.clock()
        report = PurgeReport()
        cutoff = self.retention.conversation_cutoff(now)
        if cutoff is not None:
            self._conversations(cutoff, now, report)
        raw_cutoff = self.retention.raw_mail_cutoff(now)
        if raw_cutoff is not None:
            self._raw_mail(raw_cutoff, report)
        if cutoff is not None:
            self._leftovers(cutoff, report)
        counts: dict[str, Any] = report.counts()
        in_transaction(self.db, lambda s: audit.record(s, None, PURGE_ACTION, **counts))
        return report

    # -- conversations ---------------------------------------------------------------------------
    def _conversations(self, cutoff: datetime, now: datetime, report: PurgeReport) -> None:
        due = _past_retention(cutoff)
        last = 0
        while ids := self._ids(select(Conversation.id).where(due, Conversation.id > last)):
            for conversation_id in ids:
                work = partial(self._anonymise, conversation_id=conversation_id, due=due, now=now)
                report.removed.add(in_transaction(self.db, work))
            last = ids[-1]

    def _anonymise(
        self, session: Session, conversation_id: int, due: ColumnElement[bool], now: datetime
    ) -> Removed:
        query = select(Conversation).where(Conversation.id == conversation_id, due)
        if self.postgres:  # a conversation in use right now is not past retention: skip it
            query = query.with_for_update(skip_locked=True)
        conversation = session.scalars(query).first()
        if conversation is None:
            return Removed()
        removed = anonymise_conversation(session, conversation, now)
        bus = self.bus
        if bus is not None:  # a widget left open for the whole period closes too
            notices = [(conversation_topic(conversation_id), Erased())]
            publish_after_commit(session, bus, notices)
        return removed

    # -- raw mail --------------------------------------------------------------------------------
    def _raw_mail(self, cutoff: datetime, report: PurgeReport) -> None:
        old_in = and_(InboundEmail.received_at < cutoff, func.length(InboundEmail.raw) > 0)
        report.raw_received = self._in_batches(
            InboundEmail, and_(old_in, InboundEmail.conversation_id.is_not(None)), {"raw": b""}
        )
        orphans = and_(InboundEmail.received_at < cutoff, InboundEmail.conversation_id.is_(None))
        report.removed.mails_received += self._in_batches(InboundEmail, orphans, None)
        sent = and_(OutboundEmail.created_at < cutoff, OutboundEmail.status != "pending")
        report.raw_sent = self._in_batches(
            OutboundEmail,
            and_(
                sent, OutboundEmail.conversation_id.is_not(None), func.length(OutboundEmail.raw) > 0
            ),
            {"raw": b""},
        )
        report.removed.mails_sent += self._in_batches(
            OutboundEmail, and_(sent, OutboundEmail.conversation_id.is_(None)), None
        )

    # -- what is left over -----------------------------------------------------------------------
    def _leftovers(self, cutoff: datetime, report: PurgeReport) -> None:
        unused = ~exists().where(Conversation.customer_id == Customer.id)
        report.customers = self._in_batches(
            Customer, and_(Customer.created_at < cutoff, unused), None
        )
        ended = or_(
            Subscription.expires_at < cutoff.date(),
            and_(
                Subscription.status != "active",
                func.coalesce(Subscription.shop_modified_at, Subscription.updated_at) < cutoff,
            ),
        )
        report.subscriptions = self._in_batches(Subscription, ended, None)
        report.other_events = self._in_batches(
            EventRecord,
            and_(EventRecord.conversation_id.is_(None), EventRecord.created_at < cutoff),
            None,
        )

    def _in_batches(
        self, model: Any, where: ColumnElement[bool], values: dict[str, Any] | None
    ) -> int:
        """Update (``values``) or delete the rows matching ``where``, a batch per transaction."""
        done = 0
        while True:
            count = in_transaction(self.db, lambda s: self._one_batch(s, model, where, values))
            done += count
            if count < self.batch:
                return done

    def _one_batch(
        self,
        session: Session,
        model: Any,
        where: ColumnElement[bool],
        values: dict[str, Any] | None,
    ) -> int:
        query = select(model.id).where(where).order_by(model.id).limit(self.batch)
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        ids = list(session.scalars(query))
        if not ids:
            return 0
        if values is None:
            session.execute(delete(model).where(model.id.in_(ids)), execution_options=_BULK)
        else:
            statement = update(model).where(model.id.in_(ids)).values(**values)
            session.execute(statement, execution_options=_BULK)
        return len(ids)

    def _ids(self, query: Select[Any]) -> list[int]:
        with self.db.sessions() as session:
            return list(session.scalars(query.order_by(Conversation.id).limit(self.batch)))


def _past_retention(cutoff: datetime) -> ColumnElement[bool]:
    """Not anonymised yet, quiet since ``cutoff``, and no ticket that is open or was touched."""
    busy_ticket = exists().where(
        Ticket.conversation_id == Conversation.id,
        or_(Ticket.status == "open", Ticket.updated_at >= cutoff),
    )
    return and_(
        Conversation.anonymised_at.is_(None), Conversation.updated_at < cutoff, ~busy_ticket
    )


def last_purge(session: Session) -> tuple[datetime, dict[str, Any]] | None:
    """When the purge last ran, and what it removed (for the dashboard)."""
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == PURGE_ACTION).order_by(AuditEntry.id.desc())
    ).first()
    return (entry.created_at, dict(entry.detail or {})) if entry else None
