"""The notices the message bus carries, as typed values; JSON only at the Redis boundary.

Notices are hints ("conversation 42 has new messages up to seq 17"), never the data itself:
subscribers read from the database. Topics and who publishes what:

``conversation:<id>`` (widget sockets and the console page of that ticket)
    ``NewMessages``   messages up to ``seq`` exist; fetch what you lack
    ``Typing``        someone is typing
    ``TicketUpdate``  the ticket's status changed, by staff (``staff_id``) or by the customer
    ``Erased``        the customer's data is gone: sockets close
``staff`` (every console)
    ``QueueChange``   a new ticket, a customer message, or a ticket staff changed
``viewers:<id>`` (the console only; the widget never subscribes)
    ``Viewing``       who has the ticket open, and whether they are replying

``encode`` and ``decode`` are the wire form between workers. ``decode`` accepts what an older
worker sent during a rolling restart (fields it did not send take their defaults) and returns
None for a type it does not know (a newer worker's), so mixed versions never break a socket.
"""

from __future__ import annotations

import json
import types
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Literal, Union, get_args, get_origin, get_type_hints

ViewingState = Literal["viewing", "replying", "left"]


@dataclass(frozen=True)
class NewMessages:
    kind: ClassVar[str] = "messages"
    seq: int


@dataclass(frozen=True)
class Typing:
    kind: ClassVar[str] = "typing"
    who: Literal["customer", "staff", "bot"]


@dataclass(frozen=True)
class TicketUpdate:
    kind: ClassVar[str] = "ticket_update"
    number: str | None
    status: str
    by: Literal["staff", "customer"] = "staff"
    staff_id: int | None = None  # the staff member who made the change (by staff only)


@dataclass(frozen=True)
class Erased:
    kind: ClassVar[str] = "erased"


@dataclass(frozen=True)
class QueueChange:
    kind: ClassVar[str] = "queue"
    change: Literal["ticket", "conversation", "ticket_changed"]
    conversation: int
    number: str | None = None


@dataclass(frozen=True)
class Viewing:
    kind: ClassVar[str] = "viewing"
    session: str  # one per console tab: one staff member may have several
    staff_id: int
    name: str
    state: ViewingState
    hello: bool = False  # a new viewer: the others answer at once


Notice = NewMessages | Typing | TicketUpdate | Erased | QueueChange | Viewing

_BY_KIND: dict[str, type[Notice]] = {
    cls.kind: cls for cls in (NewMessages, Typing, TicketUpdate, Erased, QueueChange, Viewing)
}


class MalformedNotice(ValueError):
    """A bus message that is not JSON, lacks a field, or has a field of the wrong type."""


def encode(topic: str, notice: Notice) -> str:
    body = {"type": notice.kind, **asdict(notice)}
    return json.dumps({"topic": topic, "notice": body}, separators=(",", ":"))


def decode(raw: bytes | str) -> tuple[str, Notice | None]:
    """``(topic, notice)``; the notice is None when its type is unknown here."""
    try:
        data = json.loads(raw)
        topic, body = data["topic"], data["notice"]
    except (ValueError, KeyError, TypeError) as error:
        raise MalformedNotice(str(error)) from error
    if not isinstance(topic, str) or not isinstance(body, dict):
        raise MalformedNotice("the topic is not a string or the notice not an object")
    body = dict(body)
    cls = _BY_KIND.get(str(body.pop("type", "")))
    if cls is None:
        return topic, None
    hints = get_type_hints(cls)
    for field in fields(cls):
        if field.name in body and not _fits(body[field.name], hints[field.name]):
            raise MalformedNotice(f"{cls.kind}.{field.name} has the wrong type")
    known = {field.name for field in fields(cls)}
    try:
        return topic, cls(**{key: value for key, value in body.items() if key in known})
    except TypeError as error:  # a required field is missing
        raise MalformedNotice(str(error)) from error


def _fits(value: Any, hint: Any) -> bool:
    origin = get_origin(hint)
    if origin is Literal:
        return value in get_args(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, option) for option in get_args(hint))
    if hint is type(None):
        return value is None
    if hint is int:  # JSON has no separate bool, but Python's bool is an int: keep them apart
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
