"""What became of one inbound message: the record `email process` prints and staff see."""

from __future__ import annotations

from dataclasses import dataclass

REPLIED = "replied"  # a reply is in the outbox (or printed)
SUPPRESSED = "suppressed"  # stored, deliberately not answered; ``reason`` says why
BOUNCE = "bounce"  # a delivery failure report about one of our mails
DUPLICATE = "duplicate"  # the same message was processed before
QUIET = "quiet"  # stored and handled; the engine had nothing to say (staff own the thread)
FAILED = "failed"  # processing raised; retried, then left for staff with the error
BUSY = "busy"  # another processor holds it right now


@dataclass(frozen=True)
class Outcome:
    inbound_id: int
    outcome: str
    reason: str = ""
    detail: str = ""
    conversation_id: int | None = None
    outbound_id: int | None = None
    language: str | None = None  # of the reply, when one was queued

    @property
    def replied(self) -> bool:
        return self.outcome == REPLIED

    def describe(self) -> str:
        """One line for a terminal or a log."""
        parts = [f"inbound #{self.inbound_id}: {self.outcome}"]
        if self.reason:
            parts.append(f"({self.reason}{': ' + self.detail if self.detail else ''})")
        if self.conversation_id is not None:
            parts.append(f"conversation {self.conversation_id}")
        return " ".join(parts)
