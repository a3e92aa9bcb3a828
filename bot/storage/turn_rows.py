"""A customer turn's writes in one go: its messages, events and FAQ answers inserted, and the
conversation's changed columns updated, past the unit of work.

On PostgreSQL the inserts ride in the update as data-modifying CTEs: one statement, one round
trip, instead of one per table plus the update (every round trip is a wait for the server and
then for the GIL, which a busy worker's other threads hold: the long tail of a turn). SQLite
has no round trips and no DML in ``WITH``: the same statements run one after the other.

The statements are built once per shape (how many rows of each kind, which columns changed)
with bound parameters, as building one costs more than running it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Executable, Table, bindparam, insert, inspect, update
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
_SHAPES_KEPT = 256  # statement shapes kept built (a handful occur)
_Shape = tuple[bool, int, int, int, tuple[str, ...]]
_built: OrderedDict[_Shape, list[Executable]] = OrderedDict()


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

    A conversation not yet in the database, or changes the ORM must order (a relationship
    set), are left to the session's flush, which the caller runs after this."""
    if inspect(conversation).pending:
        session.flush()
    changes = _changed_columns(conversation)
    postgres = session.get_bind().dialect.name == "postgresql"
    shape: _Shape = (
        postgres, len(rows.messages), len(rows.events), len(rows.answers), tuple(changes)
    )  # fmt: skip
    params: dict[str, Any] = {"conversation_id": conversation.id}
    params.update(changes)
    for prefix, columns, values in (
        ("m", MESSAGE_COLUMNS, [_message_values(m) for m in rows.messages]),
        ("e", EVENT_COLUMNS, rows.events),
        ("a", ANSWER_COLUMNS, rows.answers),
    ):
        for n, row in enumerate(values):
            params.update({f"{prefix}{n}_{c}": row[c] for c in columns})
    connection = session.connection()
    for statement in _statements(shape):
        connection.execute(statement, params)
    _mark_written(session, conversation, changes)


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
        # nothing to write.
        state._commit_all(state.dict, session.identity_map)


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


def _statements(shape: _Shape) -> list[Executable]:
    built = _built.get(shape)
    if built is None:
        built = _built[shape] = _build(shape)
        if len(_built) > _SHAPES_KEPT:
            _built.popitem(last=False)
    return built


def _build(shape: _Shape) -> list[Executable]:
    postgres, messages, events, answers, changed = shape
    inserts = [
        _multi_insert(Message.__table__, "m", MESSAGE_COLUMNS, messages),  # type: ignore[arg-type]
        _multi_insert(EventRecord.__table__, "e", EVENT_COLUMNS, events),  # type: ignore[arg-type]
        _multi_insert(FaqAnswer.__table__, "a", ANSWER_COLUMNS, answers),  # type: ignore[arg-type]
    ]
    statements: list[Any] = [s for s in inserts if s is not None]
    if changed:
        statements.append(
            update(_CONVERSATIONS)
            .where(_CONVERSATIONS.c.id == bindparam("conversation_id"))
            .values({key: bindparam(key, type_=_CONVERSATIONS.c[key].type) for key in changed})
        )
    if not postgres or len(statements) < 2:
        return statements
    *riders, main = statements
    for n, rider in enumerate(riders):
        main = main.add_cte(rider.cte(f"turn_rows_{n}"))
    return [main]


def _multi_insert(table: Table, prefix: str, columns: tuple[str, ...], count: int) -> Any:
    if not count:
        return None
    rows = [
        {c: bindparam(f"{prefix}{n}_{c}", type_=table.c[c].type) for c in columns}
        for n in range(count)
    ]
    return insert(table).values(rows)


def answer_row(
    conversation_id: int, faq_id: str, language: str, answered_at: datetime, ticket_after: bool
) -> dict[str, Any]:
    """An FAQ answer's row for ``TurnRows.answers`` (the customer has not said if it helped)."""
    return {
        "conversation_id": conversation_id, "faq_id": faq_id, "language": language,
        "answered_at": answered_at, "helpful": None, "ticket_after": ticket_after,
    }  # fmt: skip
