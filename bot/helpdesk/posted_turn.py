"""What posting a customer message did, as data. Adapters render it: JSON in the API and the
widget (``bot.channels.turn_json``), a mail in the email channel, lines in `supportbot chat`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.dialogue.state import ConversationState
from bot.core.dialogue.turn import FaqHit, Suggestion


@dataclass(frozen=True)
class TicketRef:
    number: str | None  # None only before the row is flushed
    status: str  # as stored: open, waiting or resolved


@dataclass(frozen=True)
class PostedTurn:
    """The bot's answer to one customer message, with the ticket as stored afterwards.

    ``replayed``: a retried message (same client id) answered from the transcript, nothing
    stored twice; it carries no FAQ hit or suggestions.
    ``seqs``: the first and last seq this turn stored (the customer's message, then the bot's
    replies); None for a replay, which stored nothing.
    """

    public_id: str
    route: str
    state: ConversationState
    ticket: TicketRef | None
    messages: tuple[dict[str, Any], ...]  # the bot's replies as stored, in transcript form
    faq: FaqHit | None = None
    suggestions: tuple[Suggestion, ...] = ()
    replayed: bool = False
    seqs: tuple[int, int] | None = None

    @property
    def language(self) -> str:
        return self.state.language
