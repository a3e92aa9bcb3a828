"""What the engine asks the adapters to do or record; each event is a small frozen dataclass."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True)
class Event:
    @property
    def kind(self) -> str:
        name = type(self).__name__
        return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
            elif isinstance(value, tuple):
                data[key] = list(value)
        return data


@dataclass(frozen=True)
class TicketRequested(Event):
    """Open a helpdesk ticket; the adapter numbers it and calls ``Engine.ticket_opened``."""

    reason: Literal["person", "not_helped", "bug", "no_answer", "conflict_persists"]
    summary: str
    due_at: datetime


@dataclass(frozen=True)
class FaqAnswered(Event):
    faq_id: str
    score: float
    query: str
    language: str = ""  # the entry's, which can differ from the conversation's


@dataclass(frozen=True)
class FaqMissed(Event):
    """No FAQ entry fitted: the list that tells the team which FAQ to write next."""

    query: str
    language: str


@dataclass(frozen=True)
class SuggestionsDeclined(Event):
    """None of the suggested entries fitted the customer's question (``query``)."""

    query: str
    language: str
    offered: tuple[str, ...] = ()  # the refs suggested


@dataclass(frozen=True)
class NotUnderstood(Event):
    """The bot could not make anything of a message, or gave up asking (its fallback reply):
    a missed question for the review queue when it has the text (``query``), and the ladder's
    hand-off reason "could not understand" when the conversation ends on it."""

    query: str = ""
    language: str = ""


@dataclass(frozen=True)
class FaqFeedback(Event):
    faq_id: str
    helpful: bool


@dataclass(frozen=True)
class AnswerConfirmed(Event):
    """The customer said the bot's answer helped ("yes, thanks", the button); ``faq_id`` when
    it was an FAQ answer. The resolution ladder's *confirmed*."""

    faq_id: str | None = None


@dataclass(frozen=True)
class HandoffAcknowledged(Event):
    """The customer wrote while staff own the conversation; staff should see it."""


@dataclass(frozen=True)
class CustomerWroteToStaff(Event):
    pass


@dataclass(frozen=True)
class SubscriptionExpired(Event):
    product: str
    expired_on: str


@dataclass(frozen=True)
class ConflictTestOutcome(Event):
    outcome: Literal["resolved", "persists", "skipped"]
    culprit: str | None = None


@dataclass(frozen=True)
class RequirementsWarning(Event):
    product: str
    component: Literal["wordpress", "php"]
    have: str
    need: str
