"""Inbound mail is a database row first: stored before SMTP answers 250, processed after.

A row is ``received`` until one processor claims it with a lease and finishes it in one
transaction (``processed``). A processor that dies leaves the lease to expire, and the row is
taken again; one that keeps failing on the same row gives up after ``MAX_ATTEMPTS``
(``failed``, with the error, for staff). The content hash makes a redelivered message a no-op.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser

from sqlalchemy import BindParameter, ColumnElement, Update, bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.mail.header_decoding import (
    first_decoded,
    parse_mailbox,
    parse_message_ids,
    raw_header_items,
)
from bot.storage import repositories as repo
from bot.storage.db import Database
from bot.storage.models import InboundEmail, OutboundEmail

LEASE = timedelta(
    seconds=60
)  # processing takes seconds; a crashed processor's mail waits this long
MAX_ATTEMPTS = 5
HEADER_SCAN_BYTES = 256 * 1024  # the header block read for the row's summary
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
# Header fields relays prepend on the way in; a redelivery differs only in these.
_TRACE_FIELD = re.compile(
    rb"^(?:received|return-path|delivered-to|x-original-to|x-envelope-to)[ \t]*:"
    rb".*(?:\r?\n[ \t].*)*\r?\n",
    re.IGNORECASE,
)

# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
_BY_HASH = select(InboundEmail.id).where(InboundEmail.content_hash == bindparam("digest"))
# `insert_inbound`'s one look-up: a stored copy of the same content, and a stored copy of the
# same Message-ID that was not given up (the pipeline's earlier copy, read before the insert).
_KNOWN = select(
    _BY_HASH.scalar_subquery(),
    select(InboundEmail.id)
    .where(
        InboundEmail.message_id == bindparam("message_id"),
        InboundEmail.status != "failed",
    )
    .limit(1)
    .scalar_subquery(),
)
_COLUMNS = tuple(InboundEmail.__table__.columns)
# `store_inbound`'s one statement: the row, or nothing (and no id) when its content is stored.
_INSERT_UNLESS_KNOWN = {
    name: dialect.insert(InboundEmail)
    .on_conflict_do_nothing(index_elements=[InboundEmail.content_hash])
    .returning(InboundEmail.id)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_UPDATE = update(InboundEmail).where(InboundEmail.id == bindparam("row_id"))
# What processing writes on the row (``EmailChannel._finish``, licence-key masking).
_PROCESSED = (
    "status", "processed_at", "lease_until", "outcome", "conversation_id", "reason", "detail"
)  # fmt: skip
_built_with_reply: dict[tuple[tuple[str, ...], tuple[str, ...]], Update] = {}


@dataclass(frozen=True)
class Stored:
    """The row a message is stored in; ``duplicate`` when the same message was stored before.

    ``row`` is the new row itself, in the session that stored it (None for a duplicate).
    ``earlier_copy``: from ``insert_inbound`` only, a row stored before with the same
    Message-ID and not given up (None: there is none).
    """

    id: int
    duplicate: bool
    row: InboundEmail | None = field(default=None, compare=False, repr=False)
    earlier_copy: int | None = None


def content_hash(raw: bytes) -> str:
    """SHA-256 of the message without the leading trace fields relays add."""
    body = raw
    while match := _TRACE_FIELD.match(body):
        body = body[match.end() :]
    return hashlib.sha256(body).hexdigest()


def store_inbound(
    db: Database,
    raw: bytes,
    *,
    source: str,
    envelope_sender: str | None = None,
    recipients: Sequence[str] = (),
) -> Stored:
    """Write ``raw`` durably (committed when this returns); a known message is not stored twice.

    One statement, its own transaction (the SMTP client waits): the row is inserted unless a
    row with its content hash exists, stored before or at this moment by another receiver
    (whose commit the insert waits for)."""
    row = inbound_row(raw, source=source, envelope_sender=envelope_sender, recipients=recipients)
    values = {c.key: row.__dict__[c.key] for c in _COLUMNS if c.key in row.__dict__}
    statement = _INSERT_UNLESS_KNOWN["sqlite" if db.is_sqlite else "postgresql"]
    with db.one_statement() as connection:
        new_id = connection.execute(statement, values).scalar()
    if new_id is not None:
        return Stored(int(new_id), False)
    with db.session() as session:
        found = repo.read_value(session, _BY_HASH, {"digest": row.content_hash})
    if found is None:  # stored and deleted in between (a purge): nothing to point at
        raise RuntimeError(f"inbound mail {row.content_hash} vanished while being stored")
    return Stored(found, True)


def inbound_row(
    raw: bytes,
    *,
    source: str,
    envelope_sender: str | None = None,
    recipients: Sequence[str] = (),
    headers: list[tuple[str, str]] | None = None,
) -> InboundEmail:
    """A ``received`` row for ``raw``, read before any transaction begins (the lock is short).

    ``headers``: the header fields as ``header_items`` reads them, when the caller has them.
    """
    message_id, from_addr, subject = _summary(header_items(raw) if headers is None else headers)
    return InboundEmail(
        source=source,
        envelope_sender=None if envelope_sender is None else envelope_sender[:500],
        envelope_recipients=[r[:320] for r in recipients[:100]],
        raw=raw,
        size=len(raw),
        content_hash=content_hash(raw),
        message_id=message_id,
        from_addr=from_addr,
        subject=subject,
        status="received",
        attempts=0,
    )


def add_inbound(session: Session, row: InboundEmail) -> Stored:
    """``row`` added in the caller's transaction (flushed: it has its id), unless a message with
    the same content is stored already."""
    existing = repo.read_value(session, _BY_HASH, {"digest": row.content_hash})
    if existing is not None:
        return Stored(existing, True)
    session.add(row)
    session.flush()
    return Stored(row.id, False, row)


def insert_inbound(session: Session, row: InboundEmail) -> Stored:
    """As ``add_inbound``, with ``row`` inserted on the session's connection, past the unit of
    work (an ORM flush of the row, and its update when processed, cost about ten times the
    statements). ``row`` stays outside the session with its id set: what processing changes on
    it is written by ``write_processed``, in the same transaction. The same statement reads
    the earlier copy of its Message-ID (``Stored.earlier_copy``): every row stored before this
    one is older, so the pipeline need not ask again."""
    params = {"digest": row.content_hash, "message_id": row.message_id}
    existing, earlier = session.connection().execute(_KNOWN, params).one()
    if existing is not None:
        return Stored(existing, True)
    repo.insert_new(session, row)
    return Stored(row.id, False, row, earlier)


def write_processed(
    session: Session,
    row: InboundEmail,
    raw: bytes,
    subject: str | None,
    reply: OutboundEmail | None = None,
) -> None:
    """The outcome ``row`` (outside the session) was given, written on the session's connection,
    with ``reply``, the outbox row of the answer to it, if any (its id is then set on it).
    ``raw`` and ``subject`` as stored, written again only when masking changed them.

    On PostgreSQL the reply's insert rides in the update (a data-modifying ``WITH``): one
    round trip; elsewhere an insert, then the update. Either way one transaction, so the
    reply is queued exactly when the message is marked processed."""
    values = {key: getattr(row, key) for key in _PROCESSED}
    if row.raw is not raw:
        values["raw"] = row.raw
    if row.subject is not subject:
        values["subject"] = row.subject
    connection = session.connection()
    if reply is not None and connection.dialect.name == "postgresql":
        columns = tuple(c.key for c in OutboundEmail.__table__.columns if c.key in reply.__dict__)
        # Named apart from the columns: a parameter named as a column of the reply's table
        # would be added to its insert.
        params = {f"row_{key}": value for key, value in values.items()}
        params |= {f"reply_{key}": reply.__dict__[key] for key in columns}
        params["row_id"] = row.id
        statement = _update_with_reply(tuple(values), columns)
        reply.id = connection.execute(statement, params).scalar_one()
        return
    if reply is not None:
        repo.insert_new(session, reply)
    connection.execute(_UPDATE, values | {"row_id": row.id})


def _update_with_reply(keys: tuple[str, ...], reply_columns: tuple[str, ...]) -> Update:
    """``_UPDATE`` of ``keys`` ``WITH`` the reply's insert, returning the reply's id; built once
    per set of columns (a handful occur)."""
    built = _built_with_reply.get((keys, reply_columns))
    if built is None:
        table = OutboundEmail.__table__.c
        reply = (
            insert(OutboundEmail)
            .values({k: bindparam(f"reply_{k}", type_=table[k].type) for k in reply_columns})
            .returning(OutboundEmail.id)
            .cte("reply")
        )
        row = InboundEmail.__table__.c
        built = _built_with_reply[keys, reply_columns] = (
            update(InboundEmail)
            .where(InboundEmail.id == bindparam("row_id"))
            .values({k: bindparam(f"row_{k}", type_=row[k].type) for k in keys})
            .returning(select(reply.c.id).scalar_subquery())
            .add_cte(reply)
        )
    return built


def header_items(raw: bytes) -> list[tuple[str, str]]:
    """The header fields, read from the header block only (fast for 35 MB)."""
    block = raw[:HEADER_SCAN_BYTES]
    end = _BLANK_LINE.search(block)
    return raw_header_items(BytesHeaderParser().parsebytes(block[: end.end()] if end else block))


def _summary(items: list[tuple[str, str]]) -> tuple[str | None, str | None, str | None]:
    """Message-ID, From address and Subject."""
    raw_from = next((value for name, value in items if name.lower() == "from"), None)
    ids = parse_message_ids(first_decoded(items, "message-id"))
    mailbox = parse_mailbox(raw_from)
    subject = first_decoded(items, "subject") or ""
    message_id = ids[0] if ids and len(ids[0]) <= 500 else None
    return message_id, mailbox[1][:320] if mailbox else None, subject[:300] or None


def claim(db: Database, inbound_id: int, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take the row for processing; False when it is done or another processor holds it.

    The lease and the attempt are committed before the processing begins (its own
    transaction), so a processor that dies mid-way has its attempt counted."""
    params = {"row": inbound_id, "now": now, "until": now + lease}
    with db.one_statement() as connection:
        return connection.execute(_CLAIM, params).rowcount == 1


def claim_next(db: Database, now: datetime, lease: timedelta = LEASE) -> int | None:
    """Take the oldest row waiting to be processed, in one statement; None: nothing waits.

    Several processors (threads, processes, machines) claim side by side: PostgreSQL skips
    rows another transaction is claiming (``FOR UPDATE SKIP LOCKED``), SQLite has one writer
    at a time; the lease keeps a claimed row from everyone else until it runs out.
    """
    waiting = (
        select(InboundEmail.id)
        .where(InboundEmail.status == "received", _free(now))
        .order_by(InboundEmail.id)
        .limit(1)
    )
    if not db.is_sqlite:
        waiting = waiting.with_for_update(skip_locked=True)
    statement = (
        update(InboundEmail)
        .where(InboundEmail.id == waiting.scalar_subquery())
        .where(InboundEmail.status == "received", _free(now))
        .values(lease_until=now + lease, attempts=InboundEmail.attempts + 1)
        .returning(InboundEmail.id)
    )
    with db.one_statement() as connection:
        claimed = connection.execute(statement).scalar_one_or_none()
    return None if claimed is None else int(claimed)


def due(db: Database, now: datetime, limit: int = 100) -> list[int]:
    """Rows waiting to be processed (new ones and those whose processor died), oldest first."""
    with db.session() as session:
        query = (
            select(InboundEmail.id)
            .where(InboundEmail.status == "received", _free(now))
            .order_by(InboundEmail.id)
            .limit(limit)
        )
        return list(session.scalars(query))


def record_failure(db: Database, inbound_id: int, error: str, now: datetime) -> bool:
    """Note a processing error; True when the row was given up (``failed``)."""
    with db.session() as session:
        row = session.get(InboundEmail, inbound_id)
        if row is None or row.status != "received":
            return False
        row.error = error[-4000:]
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.outcome, row.lease_until = "failed", "failed", None
            return True
        row.lease_until = now + timedelta(seconds=30 * 2**row.attempts)
        return False


def _free(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    return or_(InboundEmail.lease_until.is_(None), InboundEmail.lease_until < now)


# Built once (``claim`` runs for every mail): building an update cost more than running it.
_CLAIM = (
    update(InboundEmail)
    .where(
        InboundEmail.id == bindparam("row"),
        InboundEmail.status == "received",
        _free(bindparam("now", type_=InboundEmail.lease_until.type)),
    )
    .values(lease_until=bindparam("until"), attempts=InboundEmail.attempts + 1)
)
