"""A tiny conversation driver over the real engine and the shipped knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.state import Channel, ConversationState
from bot.core.dialogue.turn import CustomerContext, SubscriptionInfo, Turn
from bot.core.events import TicketRequested
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.i18n import load_translations
from tests.conftest import NOW

# A fictional vendor whose knowledge base is full of words that are also policy cues (phones,
# menus, colours, payments, passwords): the decision's and the cues' tests run on it.
KB_DIR = Path(__file__).parent / "bramble_kb"


@dataclass
class Dialogue:
    """Feeds messages through ``Engine.handle`` the way an adapter would, numbering tickets."""

    engine: Engine
    state: ConversationState
    customer: CustomerContext = field(default_factory=CustomerContext)
    turns: list[Turn] = field(default_factory=list)
    tickets: int = 0

    def say(self, text: str) -> Turn:
        turn = self.engine.handle(self.state, text, NOW, self.customer)
        if turn.event(TicketRequested) is not None:
            self.tickets += 1
            turn = self.engine.ticket_opened(turn, f"NME-{1000 + self.tickets}")
        self.state = turn.state
        self.turns.append(turn)
        return turn

    def routes(self, *texts: str) -> list[str]:
        return [self.say(text).route for text in texts]

    @property
    def text(self) -> str:
        """All bot text of the last turn."""
        return "\n".join(message.text for message in self.turns[-1].messages)


@pytest.fixture
def dialogue(engine: Engine):  # type: ignore[no-untyped-def]
    def start(
        language: str = "nl",
        channel: Channel = "widget",
        email: str | None = None,
        subscriptions: tuple[SubscriptionInfo, ...] = (),
    ) -> Dialogue:
        state = engine.new_state(language, channel, email)
        customer = CustomerContext(subscriptions=subscriptions, channel_has_email=email is not None)
        return Dialogue(engine, state, customer)

    return start


@pytest.fixture(scope="module")
def bramble_kb() -> KnowledgeBase:
    kb = load_knowledge(KB_DIR)
    assert not kb.problems, kb.problems
    return kb


@pytest.fixture(scope="module")
def bramble(bramble_kb: KnowledgeBase) -> Engine:
    return Engine(bramble_kb, load_translations(bramble_kb.policy.languages))
