"""The working context of one turn: what the handlers read and the reply they build."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.core.dialogue.conflict_test import ConflictTest
from bot.core.dialogue.replies import Replies
from bot.core.dialogue.state import MAX_TOPIC_CHARS, ConversationState, Goal, Step
from bot.core.dialogue.turn import BotMessage, CustomerContext, FaqHit, Route, Suggestion, Turn
from bot.core.dialogue.understanding import Signals, Understanding
from bot.core.events import Event
from bot.core.knowledge.models import KnowledgeBase, Product
from bot.core.matching import FaqIndex


@dataclass(frozen=True)
class Services:
    """What the engine was built with; shared by every turn, read-only."""

    kb: KnowledgeBase
    faq: FaqIndex
    understanding: Understanding


@dataclass
class TurnContext:
    services: Services
    state: ConversationState
    signals: Signals
    now: datetime
    customer: CustomerContext
    replies: Replies
    route: Route | None = None
    messages: list[BotMessage] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    faq: FaqHit | None = None
    suggestions: list[Suggestion] = field(default_factory=list)
    message_number: int = 0  # how the adapter numbers this message; slots learned note it

    @property
    def kb(self) -> KnowledgeBase:
        return self.services.kb

    @property
    def email_channel(self) -> bool:
        return self.state.channel == "email"

    @property
    def product(self) -> Product | None:
        return self.kb.product(self.state.slots.product)

    @property
    def conflict_test(self) -> ConflictTest:
        return ConflictTest(self.replies)

    @property
    def new_topic(self) -> str:
        """What this message is about, for the ticket's subject: the message itself, unless it
        says nothing specific ("weet ik niet, de nieuwste denk ik") and a topic is known."""
        if self.signals.content_words == 0 and self.state.topic:
            return self.state.topic
        return self.signals.text[:MAX_TOPIC_CHARS]

    def say(self, route: Route | None, *messages: BotMessage) -> None:
        if route is not None and self.route is None:
            self.route = route
        self.messages.extend(messages)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def goto(self, step: Step, goal: Goal | None = None, **changes: Any) -> None:
        if goal is not None:
            changes["goal"] = goal
        self.state = replace(self.state, step=step, reasks=0, **changes)

    def update(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)

    def slots(self, kind: str = "message", /, **changes: Any) -> None:
        """Change slots learned from this message (``kind``: from its words, its Site Health
        report or its error); where each came from is noted for staff."""
        self.state = self.state.with_slots(f"{kind}:{self.message_number}", **changes)

    def turn(self) -> Turn:
        return Turn(
            route=self.route or "fallback",
            state=self.state,
            messages=tuple(self.messages),
            events=tuple(self.events),
            faq=self.faq,
            suggestions=tuple(self.suggestions),
            ticket=self.state.ticket,
        )
