"""A customer turn's writes in one go: its messages, events and FAQ answers inserted, and the
conversation's changed columns updated, past the unit of work.

On PostgreSQL the inserts ride in the update as data-modifying CTEs: one statement, one round
trip, instead of one per table plus the update (every round trip is a wait for the server and
then for the GIL, which a busy worker's other threads hold: the long tail of a turn). Each
table's rows go as one JSON array (``json_populate_recordset``), so the statement's text does
not depend on how many rows there are and SQLAlchemy compiles it once (a multi-row ``VALUES``
is compiled anew on every execution). SQLite has no round trips and no DML in ``WITH``: an
``executemany`` per table, then the update.

The statements are built once per set of changed columns, with bound parameters.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Executable, Table, bindparam, insert, inspect, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.clock import utcnow
from bot.storage.models import Conversation, EventRecord, FaqAnswer, Message

MESSAGE_COLUMNS = (
    "conversation_id", "seq", "role", "text", "html", "route", "payload", "channel_ref",
    "staff_id", "created_at",
)  # fmt: skip
EVENT_COLUMNS = ("conversation_id", "kind", "data", "created_at")
ANSWER_COLUMNS = (
    "conversation_id", "faq_id", "language", "answered_at", "helpful", "ticket_after",
)  # fmt: skip
_CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
_TABLES: tuple[tuple[str, Any, tuple[str, ...]], ...] = (  # name, table, columns written
    ("messages", Message.__table__, MESSAGE_COLUMNS),
    ("events", EventRecord.__table__, EVENT_COLUMNS),
    ("answers", FaqAnswer.__table__, ANSWER_COLUMNS),
)
_SHAPES_KEPT = 64  # sets of changed columns kept built (a handful occur)
_built: OrderedDict[tuple[bool, tuple[str, ...]], Executable] = OrderedDict()


@dataclass
class TurnRows:
    """The rows a turn adds, kept until ``write_turn``: its messages (numbered already), its
    events and its FAQ answers (as column values)."""

    messages: list[Message] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    def add_event(self, conversation_id: int, kind: str, data: dict[str, Any]) -> None:
        self.events.append(
            {"conversation_id": conversation_id, "kind": kind, "data": data, "created_at": utcnow()}
        )


def write_turn(session: Session, conversation: Conversation, rows: TurnRows) -> None:
    """Insert ``rows`` and update ``conversation``'s changed columns, in the session's
    transaction; the conversation is then clean in the session (its values as written).

    A conversation not yet in the database is flushed first; changes the ORM must order (a
    relationship set) are left to the session's flush, which the caller runs after this."""
    if inspect(conversation).pending:
        session.flush()
    changes = _changed_columns(conversation)
    values = {
        "messages": [_message_values(m) for m in rows.messages],
        "events": rows.events,
        "answers": rows.answers,
    }
    if not changes and not any(values.values()):
        return
    _execute(session.connection(), conversation.id, changes, values)
    _mark_written(session, conversation, changes)


def _execute(
    connection: Connection,
    conversation_id: int,
    changes: dict[str, Any],
    values: dict[str, list[dict[str, Any]]],
) -> None:
    """PostgreSQL: the one statement, each table's rows a JSON array in it. SQLite: an
    ``executemany`` per table with rows, then the update if a column changed."""
    postgres = connection.dialect.name == "postgresql"
    params: dict[str, Any] = {"b_conversation": conversation_id, **changes}
    for name, table, columns in _TABLES:
        if postgres:
            rows = [_as_json(row, columns) for row in values[name]]
            params[name] = json.dumps(rows, ensure_ascii=False)
        elif values[name]:
            connection.execute(insert(table), values[name])  # one executemany
    if postgres or changes:
        connection.execute(_statement(postgres, tuple(changes)), params)


def _as_json(row: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any]:
    """A row as ``json_populate_recordset`` reads it: times in UTC, ISO 8601."""
    return {
        c: row[c].astimezone(UTC).isoformat() if isinstance(row[c], datetime) else row[c]
        for c in columns
    }


def _changed_columns(conversation: Conversation) -> dict[str, Any]:
    """The conversation's columns changed since loaded, with ``updated_at`` as a flush sets it
    (none changed: nothing to update)."""
    state = inspect(conversation)
    columns = _CONVERSATIONS.columns
    changed = {}
    for key, old in state.committed_state.items():
        value = getattr(conversation, key)
        # a value set again unchanged is not written, as a flush skips it: the ladder's
        # triggers fire on ``UPDATE OF`` their columns, changed or not
        if key in columns and not state.manager[key].impl.is_equal(value, old):
            changed[key] = value
    changed.pop("updated_at", None)
    if changed:
        changed["updated_at"] = utcnow()
    return dict(sorted(changed.items()))


def _message_values(message: Message) -> dict[str, Any]:
    values = {c: getattr(message, c) for c in MESSAGE_COLUMNS}
    values["payload"] = values["payload"] or {}
    return values


def _statement(postgres: bool, changed: tuple[str, ...]) -> Executable:
    key = (postgres, changed)
    built = _built.get(key)
    if built is None:
        built = _built[key] = _build_postgresql(changed) if postgres else _update(changed)
        if len(_built) > _SHAPES_KEPT:
            _built.popitem(last=False)
    return built


def _update(changed: tuple[str, ...]) -> Any:
    return (
        update(_CONVERSATIONS)
        .where(_CONVERSATIONS.c.id == bindparam("b_conversation"))
        .values({key: bindparam(key, type_=_CONVERSATIONS.c[key].type) for key in changed})
    )


def _build_postgresql(changed: tuple[str, ...]) -> Executable:
    """``WITH`` an insert per table from its JSON array, then the conversation's update (or,
    nothing changed, a select that runs the inserts all the same: PostgreSQL runs every
    data-modifying ``WITH`` to completion whether read or not)."""
    riders = []
    for name, table, columns in _TABLES:
        listed = ", ".join(columns)
        riders.append(
            f"{name} AS (INSERT INTO {table.name} ({listed}) SELECT {listed} "
            f"FROM json_populate_recordset(NULL::{table.name}, CAST(:{name} AS json)))"
        )
    main = "SELECT 1"
    if changed:
        assignments = ", ".join(f"{key} = :{key}" for key in changed)
        main = f"UPDATE conversations SET {assignments} WHERE id = :b_conversation"
    statement = text(f"WITH {', '.join(riders)} {main}")
    typed = [bindparam(key, type_=_CONVERSATIONS.c[key].type) for key in changed]
    return statement.bindparams(*typed) if typed else statement


def _mark_written(session: Session, conversation: Conversation, changes: dict[str, Any]) -> None:
    """The conversation's columns as written (and those set again unchanged) count as loaded;
    with nothing else changed (a relationship), it is clean, as after a flush."""
    state = inspect(conversation)
    for key in [k for k in state.committed_state if k in _CONVERSATIONS.columns]:
        set_committed_value(conversation, key, getattr(conversation, key))
    if "updated_at" in changes:
        set_committed_value(conversation, "updated_at", changes["updated_at"])
    if not state.committed_state:
        # What a flush does to the rows it wrote (SQLAlchemy has no public call for it): the
        # session's next flush then has nothing to look at, instead of a pass that finds
        # nothing to write. tests/storage/test_turn_rows.py pins it to the SQLAlchemy installed.
        state._commit_all(state.dict, session.identity_map)


def answer_row(
    conversation_id: int, faq_id: str, language: str, answered_at: datetime, ticket_after: bool
) -> dict[str, Any]:
    """An FAQ answer's row for ``TurnRows.answers`` (the customer has not said if it helped)."""
    return {
        "conversation_id": conversation_id, "faq_id": faq_id, "language": language,
        "answered_at": answered_at, "helpful": None, "ticket_after": ticket_after,
    }  # fmt: skip
