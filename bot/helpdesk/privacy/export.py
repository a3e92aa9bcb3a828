"""Everything stored about one customer as one JSON document (GDPR art. 15, access).

Every exported row carries ``ref`` ("<table>:<id>"), so a reader (and the tests) can tell that
each stored item is there. Internal notes are listed but their text is withheld unless the
operator asks for it: staff write them for each other and they can name third parties."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.helpdesk import audit
from bot.helpdesk.learning.misses import exported_misses
from bot.helpdesk.privacy.identity import (
    CustomerRecords,
    Requester,
    address_ref,
    checked_address,
    find_records,
)
from bot.storage.db import Database
from bot.storage.models import (
    Conversation,
    Customer,
    EventRecord,
    InboundEmail,
    Message,
    OutboundEmail,
    StaffUser,
    Subscription,
    Ticket,
    TicketNote,
)
from bot.storage.models.subscriptions import ConversationSubscription

FORMAT = "supportbot-customer-export/1"
NOTES_WITHHELD = (
    "Internal notes are written by staff for staff and can contain other people's data; "
    "they are listed, and their text is included only when the operator decides so."
)
ORPHAN_BATCH = 1000
Row = TypeVar("Row")


EXPORTED_ACTION = "customer_exported"


def export_customer(
    db: Database,
    address: str,
    requester: Requester,
    *,
    secret: str,
    now: datetime,
    include_notes: bool = False,
) -> dict[str, Any] | None:
    """The export, written to the audit log; None when nothing is stored about ``address``.

    Raises AddressError for something that is not an address.
    """
    address = checked_address(address)
    with db.session() as session:
        records = find_records(session, address)
        if records.empty:
            return None
        document = export_document(session, records, now=now, include_notes=include_notes)
        audit.record(
            session, requester.staff_id, EXPORTED_ACTION, ip=requester.ip,
            customer_id=min(records.customer_ids, default=None),
            via=requester.via, operator=requester.operator or None,
            ref=address_ref(secret, address), internal_notes=include_notes,
        )  # fmt: skip
    return document


def ref(table: str, *ids: object) -> str:
    return f"{table}:{'-'.join(str(i) for i in ids)}"


def export_document(
    session: Session, records: CustomerRecords, *, now: datetime, include_notes: bool = False
) -> dict[str, Any]:
    """The export of ``records`` (read in ``session``); plain JSON types only."""
    mails_in = _rows(
        session,
        select(InboundEmail)
        .where(InboundEmail.id.in_(records.inbound_ids))
        .order_by(InboundEmail.id),
    )
    mails_out = _rows(
        session,
        select(OutboundEmail)
        .where(OutboundEmail.id.in_(records.outbound_ids))
        .order_by(OutboundEmail.id),
    )
    customers = _rows(
        session, select(Customer).where(Customer.id.in_(records.customer_ids)).order_by(Customer.id)
    )
    addresses = {c.email for c in customers if c.email}
    addresses.update(m.from_addr.lower() for m in mails_in if m.from_addr)
    addresses.update(m.recipient for m in mails_out)
    subscriptions = _rows(
        session,
        select(Subscription)
        .where(Subscription.id.in_(records.subscription_ids))
        .order_by(Subscription.id),
    )
    addresses.update(s.email for s in subscriptions)
    conversations = [
        _conversation(session, c, include_notes)
        for c in _rows(
            session,
            select(Conversation)
            .where(Conversation.id.in_(records.conversation_ids))
            .order_by(Conversation.id),
        )
    ]
    inbound_ids = {m.id for m in mails_in}
    return {
        "format": FORMAT,
        "exported_at": _time(now),
        "email_addresses": sorted(addresses),
        "customers": [_customer(c) for c in customers],
        "conversations": conversations,
        "subscriptions": [_subscription(s) for s in subscriptions],
        "mail_received": [_inbound(m) for m in mails_in],
        "mail_sent": [_outbound(m) for m in mails_out],
        "other_events": [_event(e) for e in orphan_events(session, records.spellings, inbound_ids)],
        "internal_notes": {"included": include_notes, "why": NOTES_WITHHELD},
    }


def export_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def orphan_events(
    session: Session, spellings: Iterable[str], inbound_ids: set[int]
) -> Iterator[EventRecord]:
    """Events outside any conversation (bounces, unanswered mail) that concern the customer."""
    names = tuple(spellings)
    last = 0
    while True:
        batch = session.scalars(
            select(EventRecord)
            .where(EventRecord.conversation_id.is_(None), EventRecord.id > last)
            .order_by(EventRecord.id)
            .limit(ORPHAN_BATCH)
        ).all()
        for event in batch:
            data = event.data if isinstance(event.data, dict) else {}
            text = json.dumps(data, ensure_ascii=False, default=str).casefold()
            if data.get("inbound_id") in inbound_ids or any(n in text for n in names):
                yield event
        if len(batch) < ORPHAN_BATCH:
            return
        last = batch[-1].id


def _conversation(session: Session, conversation: Conversation, notes: bool) -> dict[str, Any]:
    messages = session.scalars(
        select(Message).where(Message.conversation_id == conversation.id).order_by(Message.seq)
    ).all()
    events = session.scalars(
        select(EventRecord)
        .where(EventRecord.conversation_id == conversation.id)
        .order_by(EventRecord.id)
    ).all()
    links = session.execute(
        select(ConversationSubscription, Subscription)
        .join(Subscription, Subscription.id == ConversationSubscription.subscription_id)
        .where(ConversationSubscription.conversation_id == conversation.id)
    ).all()
    ticket = session.scalars(
        select(Ticket).where(Ticket.conversation_id == conversation.id)
    ).first()
    slots = (conversation.state or {}).get("slots") or {}
    return {
        "ref": ref("conversations", conversation.id),
        "id": conversation.public_id,
        "channel": conversation.channel,
        "language": conversation.language,
        "status": conversation.status,
        "product": conversation.product,
        "subject": conversation.subject,
        "started_at": _time(conversation.created_at),
        "last_activity_at": _time(conversation.updated_at),
        "what_the_bot_collected": {
            k: v for k, v in slots.items() if v not in (None, "", [], False)
        },
        "messages": [_message(m) for m in messages],
        "events": [_event(e) for e in events],
        "questions_the_bot_missed": exported_misses(session, conversation.id),
        "licence_keys_recognised": [
            {
                "ref": ref(
                    "conversation_subscriptions", link.conversation_id, link.subscription_id
                ),
                "product": sub.product,
                "licence_key": _masked(sub.license_last4),
                "recognised_at": _time(link.created_at),
            }
            for link, sub in links
        ],
        "ticket": _ticket(session, ticket, messages, notes) if ticket else None,
    }


def _message(message: Message) -> dict[str, Any]:
    payload = message.payload or {}
    found: dict[str, Any] = {
        "ref": ref("messages", message.id),
        "seq": message.seq,
        "from": message.role,
        "text": message.text,
        "sent_at": _time(message.created_at),
    }
    if isinstance(payload.get("email"), dict):
        found["email"] = payload["email"]
    return found


def _ticket(
    session: Session, ticket: Ticket, messages: Iterable[Message], include_notes: bool
) -> dict[str, Any]:
    notes = session.execute(
        select(TicketNote, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == TicketNote.staff_id)
        .where(TicketNote.ticket_id == ticket.id)
        .order_by(TicketNote.id)
    ).all()
    return {
        "ref": ref("tickets", ticket.id),
        "number": ticket.number,
        "status": ticket.status,
        "reason": ticket.reason,
        "summary": ticket.summary,
        "product": ticket.product,
        "details": ticket.details or {},
        "opened_at": _time(ticket.opened_at),
        "due_at": _time(ticket.due_at),
        "first_response_at": _time(ticket.first_response_at),
        "resolved_at": _time(ticket.resolved_at),
        "public_replies": [
            {"seq": m.seq, "text": m.text, "sent_at": _time(m.created_at)}
            for m in messages
            if m.role == "staff"
        ],
        "internal_notes": [_note(note, name, include_notes) for note, name in notes],
    }


def _note(note: TicketNote, author: str | None, include: bool) -> dict[str, Any]:
    found: dict[str, Any] = {
        "ref": ref("ticket_notes", note.id),
        "written_at": _time(note.created_at),
    }
    if include:
        found.update(text=note.text, author=author)
    else:
        found["withheld"] = True
    return found


def _customer(customer: Customer) -> dict[str, Any]:
    return {
        "ref": ref("customers", customer.id),
        "email": customer.email,
        "name": customer.name,
        "language": customer.language,
        "first_seen_at": _time(customer.created_at),
        "email_bounced_at": _time(customer.email_bounced_at),
        "bounce_reason": customer.bounce_reason,
    }


def _subscription(subscription: Subscription) -> dict[str, Any]:
    return {
        "ref": ref("subscriptions", subscription.id),
        "email": subscription.email,
        "product": subscription.product,
        "licence_key": _masked(subscription.license_last4),
        "expires_at": _time(subscription.expires_at),
        "status": subscription.status,
        "source": subscription.source,
        "updated_at": _time(subscription.updated_at),
    }


def _inbound(mail: InboundEmail) -> dict[str, Any]:
    return {
        "ref": ref("inbound_emails", mail.id),
        "received_at": _time(mail.received_at),
        "from": mail.from_addr,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "status": mail.status,
        "outcome": mail.outcome,
        **_raw(mail.raw, mail.size),
    }


def _outbound(mail: OutboundEmail) -> dict[str, Any]:
    return {
        "ref": ref("outbound_emails", mail.id),
        "created_at": _time(mail.created_at),
        "to": mail.recipient,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "status": mail.status,
        "sent_at": _time(mail.sent_at),
        **_raw(mail.raw, len(mail.raw or b"")),
    }


def _raw(raw: bytes | None, size: int) -> dict[str, Any]:
    """The mail as sent: text when it is UTF-8 (as most mail is), else base64."""
    if not raw:
        return {"raw": None, "raw_removed": size > 0}
    try:
        return {"raw": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"raw_base64": base64.b64encode(raw).decode("ascii")}


def _event(event: EventRecord) -> dict[str, Any]:
    return {
        "ref": ref("events", event.id),
        "kind": event.kind,
        "at": _time(event.created_at),
        "data": event.data or {},
    }


def _masked(last4: str | None) -> str | None:
    return f"…{last4}" if last4 else None


def _time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(session: Session, query: Select[Row]) -> list[Row]:
    return list(session.scalars(query))
