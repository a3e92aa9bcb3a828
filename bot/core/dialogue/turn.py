"""The engine's answer to one customer message: route, bot messages, events and the new state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from bot.core.dialogue.state import ConversationState
from bot.core.events import Event

Route = Literal[
    "faq",
    "suggest",
    "ask_product",
    "ask_version",
    "ask_details",
    "ask_email",
    "update_required",
    "subscription_expired",
    "third_party",
    "wordpress_general",
    "customization",
    "billing",
    "channels",
    "ticket",
    "handoff",
    "smalltalk",
    "fallback",
]
ROUTES: tuple[str, ...] = get_args(Route)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class BotMessage:
    """One bot speech bubble: plain text, sanitised HTML, quick replies and links."""

    text: str
    html: str
    quick_replies: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": "bot",
            "text": self.text,
            "html": self.html,
            "quick_replies": list(self.quick_replies),
            "links": [{"title": link.title, "url": link.url} for link in self.links],
        }


@dataclass(frozen=True)
class FaqHit:
    id: str
    question: str
    score: float


@dataclass(frozen=True)
class Suggestion:
    id: str
    question: str


@dataclass(frozen=True)
class Turn:
    route: Route
    state: ConversationState
    messages: tuple[BotMessage, ...] = ()
    events: tuple[Event, ...] = ()
    faq: FaqHit | None = None
    suggestions: tuple[Suggestion, ...] = ()
    ticket: str | None = None

    def event(self, kind: type[Event]) -> Event | None:
        return next((e for e in self.events if isinstance(e, kind)), None)


@dataclass(frozen=True)
class CustomerContext:
    """What adapters know about the customer beyond the conversation (looked up before a turn)."""

    subscriptions: tuple[SubscriptionInfo, ...] = ()
    channel_has_email: bool = False


@dataclass(frozen=True)
class SubscriptionInfo:
    product: str
    expires_at: str  # ISO date
    license_last4: str = ""
