"""Queries and writes, one function per need. Sessions come from the caller (one per request)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Insert, Row, Select, bindparam, func, insert, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import utcnow
from bot.storage.models import Conversation, Customer, EventRecord, Message, Ticket
from bot.storage.models.base import Base

TOKEN_BYTES = 32  # 256 bits; the SPEC asks for at least 128
_DUMMY_HASH = hashlib.sha256(b"no such conversation").hexdigest()
# Built once: building a select costs more than SQLite takes to run it (about 0.1 ms each).
_CUSTOMER_BY_EMAIL = select(Customer).where(Customer.email == bindparam("email"))
_SEQ_BY_REF = select(Message.seq).where(
    Message.conversation_id == bindparam("conversation_id"),
    Message.channel_ref == bindparam("channel_ref"),
)
_BY_PUBLIC_ID = select(Conversation).where(Conversation.public_id == bindparam("public_id"))
# A customer turn reads the conversation's ticket and customer: joined, one statement, not three.
# Locked, only the conversation's row is (``FOR UPDATE OF``), as without the joins.
# And the seq of its message with the turn's client id, if any (a retried message): the retry
# look-up in the same round trip.
_REF_SEQ = (
    select(Message.seq)
    .where(Message.conversation_id == Conversation.id, Message.channel_ref == bindparam("ref"))
    .limit(1)
    .scalar_subquery()
)
_FOR_TURN = (
    select(Conversation, _REF_SEQ)
    .where(Conversation.public_id == bindparam("public_id"))
    .options(joinedload(Conversation.ticket), joinedload(Conversation.customer))
)
_FOR_TURN_LOCKED = _FOR_TURN.with_for_update(of=Conversation)
_TICKET_FOR = select(Ticket).where(Ticket.conversation_id == bindparam("conversation_id"))
_INSERT_EVENT = insert(EventRecord)
_INSERTS: dict[type[Base], Insert] = {}  # per model, built once (``insert_new``)
_T = TypeVar("_T")
_Ts = TypeVarTuple("_Ts")


def read_value(
    session: Session, query: Select[_T], params: Mapping[str, Any] | None = None
) -> _T | None:
    """The first column of the first row of a column-only select (None without a row).

    On the session's connection, in its transaction, past the ORM layer: about half the cost
    of ``session.scalar``. Nothing is flushed first, so only for reads that the caller's
    unflushed changes cannot affect.
    """
    return session.connection().scalar(query, params)


def read_rows(
    session: Session, query: Select[*_Ts], params: Mapping[str, Any] | None = None
) -> Sequence[Row[*_Ts]]:
    """All rows of a column-only select, as ``read_value`` reads (no ORM layer, no flush)."""
    return session.connection().execute(query, params).all()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def create_conversation(
    session: Session,
    *,
    channel: str,
    language: str,
    state: dict[str, Any],
    customer: Customer | None = None,
    subject: str | None = None,
    created_at: datetime | None = None,
) -> tuple[Conversation, str]:
    """A new conversation and its secret token (returned once, stored only as a hash)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    conversation = Conversation(
        public_id=new_public_id(),
        token_hash=hash_token(token),
        channel=channel,
        language=language,
        state=state,
        status="bot",
        customer_id=customer.id if customer is not None else None,
        subject=subject,
        message_count=0,
    )
    if created_at is not None:
        conversation.created_at = conversation.updated_at = created_at
    insert_loaded(session, conversation)
    # Its customer is the one given, and a conversation this new has no ticket: known, so
    # reading them loads nothing.
    set_committed_value(conversation, "customer", customer)
    set_committed_value(conversation, "ticket", None)
    return conversation, token


def authenticate(
    session: Session, public_id: str, token: str | None, *, lock: bool = False
) -> Conversation | None:
    """The conversation when the token matches; unknown id and wrong token look the same."""
    query = _BY_PUBLIC_ID
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    conversation = session.scalars(query, {"public_id": public_id[:40]}).first()
    return conversation if _token_matches(conversation, token) else None


def token_hashes(session: Session, conversation_ids: Sequence[int]) -> dict[int, str]:
    """The stored token hash of each of these conversations (missing ones are left out)."""
    query = select(Conversation.id, Conversation.token_hash).where(
        Conversation.id.in_(conversation_ids)
    )
    return {row[0]: row[1] for row in read_rows(session, query)}


def open_for_turn(
    session: Session, public_id: str, token: str | None, ref: str | None
) -> tuple[Conversation, int | None] | None:
    """For a customer turn: the conversation, locked, with its ticket and customer loaded (the
    turn reads both), and the seq of its message with channel ref ``ref`` (None: none), or
    None when the token does not match (as ``authenticate``)."""
    query = _FOR_TURN_LOCKED if session.get_bind().dialect.name == "postgresql" else _FOR_TURN
    row = session.execute(query, {"public_id": public_id[:40], "ref": ref}).first()
    conversation = row[0] if row is not None else None
    if row is None or not _token_matches(conversation, token):
        return None
    return row[0], row[1]


def _token_matches(conversation: Conversation | None, token: str | None) -> bool:
    """Compared in constant time, also without a conversation (a made-up id costs the same)."""
    expected = conversation.token_hash if conversation else _DUMMY_HASH
    given = hash_token(token or "")
    return hmac.compare_digest(expected, given) and conversation is not None


def lock_conversation(session: Session, conversation_id: int) -> Conversation | None:
    query = select(Conversation).where(Conversation.id == conversation_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query).first()


def normalise_email(email: str) -> str:
    """How an address is stored: trimmed, Unicode NFC, lower case (one customer, one spelling)."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def customer_by_email(session: Session, email: str) -> Customer | None:
    return session.scalars(_CUSTOMER_BY_EMAIL, {"email": normalise_email(email)}).first()


def get_or_create_customer(
    session: Session, email: str, name: str | None = None, language: str | None = None
) -> Customer:
    customer = customer_by_email(session, email)
    if customer is None:
        customer = Customer(email=normalise_email(email), name=name, language=language)
        insert_loaded(session, customer)
    elif name and not customer.name:
        customer.name = name
    return customer


def append_message(
    session: Session, conversation: Conversation, role: str, text: str, **values: Any
) -> Message:
    """The conversation's next message (``new_message``), added to the session."""
    message = new_message(conversation, role, text, **values)
    session.add(message)
    return message


def new_message(
    conversation: Conversation,
    role: str,
    text: str,
    *,
    html: str | None = None,
    route: str | None = None,
    payload: dict[str, Any] | None = None,
    channel_ref: str | None = None,
    staff_id: int | None = None,
    created_at: datetime | None = None,
) -> Message:
    """The conversation's next message, numbered, in no session yet (a customer turn writes
    its messages together with its other rows: ``bot.storage.turn_rows``)."""
    conversation.message_count += 1
    message = Message(
        conversation_id=conversation.id,
        seq=conversation.message_count,
        role=role,
        text=text,
        html=html,
        route=route,
        payload=payload or {},
        channel_ref=channel_ref,
        staff_id=staff_id,
    )
    message.created_at = created_at or utcnow()  # set now, so callers can show it before flush
    return message


def seq_by_ref(session: Session, conversation_id: int, channel_ref: str) -> int | None:
    """The seq of the conversation's message with ``channel_ref`` (a client id, a Message-ID)."""
    params = {"conversation_id": conversation_id, "channel_ref": channel_ref}
    return session.scalar(_SEQ_BY_REF, params)  # autoflushed: a ref stored in this session


def messages(
    session: Session, conversation_id: int, *, after_seq: int = 0, limit: int = 500
) -> Sequence[Message]:
    query = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    )
    return session.scalars(query).all()


def add_event(
    session: Session,
    conversation_id: int | None,
    kind: str,
    data: dict[str, Any],
    *,
    created_at: datetime | None = None,
) -> int:
    """Insert the event at once on the session's connection, in its transaction; its id.

    Past the unit of work (nothing reads an event back as an object in the transaction that
    wrote it), so the next flush has one row less to sort and write. ``conversation_id``
    names a conversation that is flushed already (it has its id).
    """
    values: dict[str, Any] = {"conversation_id": conversation_id, "kind": kind, "data": data}
    if created_at is not None:
        values["created_at"] = created_at
    return insert_row(session, _INSERT_EVENT, values)


def insert_new(session: Session, row: Base) -> int:
    """``row``, a new mapped object never added to a session, inserted at once on the session's
    connection (no unit of work); its id is set on it and returned. Only the attributes that
    were set are written: the column defaults fill in the others, as a flush would."""
    model = type(row)
    statement = _INSERTS.get(model)
    if statement is None:
        statement = _INSERTS[model] = insert(model)
    state = row.__dict__
    values = {c.key: state[c.key] for c in row.__table__.columns if c.key in state}
    row_id = insert_row(session, statement, values)
    row.id = row_id  # type: ignore[attr-defined]
    return row_id


def insert_loaded(session: Session, row: Base) -> int:
    """``row``, a new mapped object, inserted at once as ``insert_new`` does and then in the
    session as if it had been read back: persistent, every column as written, no flush (the
    unit of work's sorting and bookkeeping cost more than the insert). Later changes to it are
    flushed as usual. Columns not set get their Python-side default here; one with a server
    default cannot be known without reading it back, so it is refused."""
    state = row.__dict__
    for column in row.__table__.columns:
        if column.key in state or column.primary_key:
            continue
        if column.server_default is not None:
            raise ValueError(f"insert_loaded: {column.key} has a server default")
        default: Any = column.default
        if default is None:
            setattr(row, column.key, None)
        elif default.is_callable:  # SQLAlchemy's wrapper of a default function takes a context
            setattr(row, column.key, default.arg(None))
        else:
            setattr(row, column.key, default.arg)
    row_id = insert_new(session, row)
    make_transient_to_detached(row)  # its values count as loaded, not as changes
    session.add(row)
    return row_id


def insert_row(session: Session, statement: Insert, values: Mapping[str, Any]) -> int:
    """One row inserted at once on the session's connection (no unit of work); its id."""
    key = session.connection().execute(statement, values).inserted_primary_key
    if key is None:  # only a multi-row insert has none
        raise ValueError("insert_row inserts one row")
    return int(key[0])


def create_ticket(
    session: Session,
    conversation: Conversation,
    *,
    prefix: str,
    reason: str,
    summary: str,
    due_at: datetime,
    details: dict[str, Any],
) -> Ticket:
    """Numbered from its row id, so numbers are unique without a separate counter."""
    ticket = Ticket(
        conversation=conversation,
        status="open",
        reason=reason,
        summary=summary[:300],
        product=details.get("product"),
        channel=conversation.channel,
        language=conversation.language,
        details=details,
        due_at=due_at,
    )
    session.add(ticket)
    session.flush()
    ticket.number = f"{prefix}-{1000 + ticket.id}"
    return ticket


def ticket_for(session: Session, conversation_id: int) -> Ticket | None:
    return session.scalars(_TICKET_FOR, {"conversation_id": conversation_id}).first()


def count_conversations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Conversation)) or 0
