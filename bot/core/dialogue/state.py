"""A conversation's state between turns: plain data that round-trips through JSON."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal, get_args

Status = Literal["bot", "waiting_for_staff", "closed"]
Channel = Literal["widget", "email", "api", "cli"]
Step = Literal[
    "idle",
    "awaiting_feedback",  # an FAQ answer was given: did it help?
    "awaiting_choice",  # suggestions were offered
    "awaiting_product",
    "awaiting_version",
    "awaiting_details",
    "awaiting_email",
    "awaiting_update",  # asked to update first
    "awaiting_conflict_test",  # asked to run the conflict test
    "awaiting_culprit",  # the conflict test found another plugin or theme: which one?
    "awaiting_ticket_confirm",  # offered a ticket after no FAQ answer
    "after_policy",  # a policy answer was given (billing, channels, ...): not a technical issue
    "with_staff",
]
Goal = Literal["", "problem", "question", "person"]

STEPS: tuple[str, ...] = get_args(Step)
_ALLOWED: dict[str, tuple[str, ...]] = {
    "status": get_args(Status),
    "channel": get_args(Channel),
    "goal": get_args(Goal),
}
MAX_TOPIC_CHARS = 2000
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


@dataclass(frozen=True)
class Slots:
    """What the bot learned about the customer's setup; a later message may correct any of it."""

    product: str | None = None
    version: str | None = None
    wp_version: str | None = None
    php_version: str | None = None
    email: str | None = None
    name: str | None = None
    error_text: str | None = None
    third_party: tuple[str, ...] = ()
    theme: str | None = None
    site_health: bool = False
    details: str | None = None
    conflict_test: str | None = None  # resolved | persists | skipped: goes on the ticket
    # Where each filled slot was learned, so staff can check it: ``<kind>:<message number>``
    # (kind: ``message``, ``site_health``, ``error``), or ``page`` (the widget's product page)
    # and ``start`` (given when the conversation began: an email sender, the API).
    sources: tuple[tuple[str, str], ...] = ()

    def source(self, slot: str) -> str | None:
        return dict(self.sources).get(slot)

    def noted(self, origin: str, changes: Mapping[str, Any]) -> Slots:
        """These slots came from ``origin``; a slot that was emptied forgets where it came from."""
        known = dict(self.sources)
        for name, value in changes.items():
            if name == "sources":
                continue
            if value in (None, "", (), False):
                known.pop(name, None)
            else:
                known[name] = origin
        return replace(self, sources=tuple(known.items()))


@dataclass(frozen=True)
class ConversationState:
    language: str = "nl"
    channel: Channel = "widget"
    status: Status = "bot"
    step: Step = "idle"
    goal: Goal = ""
    slots: Slots = field(default_factory=Slots)
    topic: str = ""
    last_faq: str | None = None
    last_route: str = ""  # the policy route of the last answer (step after_policy)
    suggestions: tuple[str, ...] = ()
    ticket: str | None = None
    ticket_reason: str = ""
    handoff_acknowledged: bool = False
    conflict_test_step: int = 0
    reasks: int = 0
    turns: int = 0
    time_zone: str = ""  # the customer's, when the channel knows it (the widget's browser)

    def with_slots(self, origin: str | None = None, /, **changes: Any) -> ConversationState:
        slots = replace(self.slots, **changes)
        if origin is not None:
            slots = slots.noted(origin, changes)
        return replace(self, slots=slots)

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not ``asdict``: its deep copy costs more than the rest of a turn's
        # bookkeeping, and every value here is immutable (strings, numbers, tuples).
        data = {name: getattr(self, name) for name in _STATE_FIELDS}
        slots = {name: getattr(self.slots, name) for name in _SLOT_FIELDS}
        slots["third_party"] = list(self.slots.third_party)
        slots["sources"] = dict(self.slots.sources)
        data["slots"] = slots
        data["suggestions"] = list(self.suggestions)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ConversationState:
        """Tolerant: unknown keys are dropped and bad values fall back to defaults."""
        if not isinstance(data, dict):
            return cls()
        values = {key: value for key, value in data.items() if key in _STATE_FIELDS}
        slot_data = values.pop("slots", None)
        slot_names = set(_SLOT_FIELDS)
        slot_values = {
            k: v
            for k, v in (slot_data if isinstance(slot_data, dict) else {}).items()
            if k in slot_names
        }
        slot_values["third_party"] = _strings(slot_values.get("third_party"))
        slot_values["sources"] = _sources(slot_values.get("sources"), slot_names)
        values["suggestions"] = _strings(values.get("suggestions"))
        if values.get("step") not in STEPS:
            values.pop("step", None)
        for key, default in _DEFAULTS.items():  # a wrongly typed value falls back to default
            if key in values and not isinstance(values[key], type(default)) and default is not None:
                values.pop(key)
        for key in ("status", "channel", "goal"):
            if key in values and values[key] not in _ALLOWED[key]:
                values.pop(key)
        if not LANGUAGE_TAG.fullmatch(str(values.get("language", "nl"))):
            values.pop("language")  # the engine replaces a tag its knowledge base lacks
        slot_values = {
            k: v
            for k, v in slot_values.items()
            if k in ("third_party", "sources") or v is None or isinstance(v, (str, bool))
        }
        try:
            return cls(slots=Slots(**slot_values), **values)
        except TypeError:
            return cls()

    def public(self) -> dict[str, Any]:
        """The ``state`` object of the SPEC's turn: what a client may see."""
        return {
            "language": self.language,
            "product": self.slots.product,
            "version": self.slots.version,
            "status": self.status,
        }


_STATE_FIELDS = tuple(f.name for f in fields(ConversationState))
_SLOT_FIELDS = tuple(f.name for f in fields(Slots))
_DEFAULTS = asdict(ConversationState())  # what ``from_dict`` falls back to; made once


def _strings(raw: Any) -> tuple[str, ...]:
    """A stored list of names or ids, tolerant: anything else is none."""
    if not isinstance(raw, (list, tuple)):
        return ()
    return tuple(item for item in raw if isinstance(item, str))


def _sources(raw: Any, slot_names: set[str]) -> tuple[tuple[str, str], ...]:
    """Stored origins, tolerant: states from before origins were kept have none."""
    if not isinstance(raw, dict):
        return ()
    return tuple(
        (name, origin)
        for name, origin in raw.items()
        if name in slot_names and isinstance(origin, str) and len(origin) <= 40
    )
