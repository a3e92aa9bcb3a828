"""SQLAlchemy 2.0 typed models, one module per area; every table is importable from here.

Importing this package registers every table on ``Base.metadata`` (migrations compare against it).
"""

from bot.storage.models.base import Base, UTCDateTime
from bot.storage.models.conversations import (
    Conversation,
    Customer,
    EventRecord,
    FaqAnswer,
    Message,
    Ticket,
)
from bot.storage.models.email import InboundEmail, MailboxCursor, OutboundEmail
from bot.storage.models.ladder import LadderDay, LadderEntrySummary, LadderSummary
from bot.storage.models.learning import LearnedPhrasing, MissedGroup, MissedQuestion
from bot.storage.models.staff import AuditEntry, SavedReply, StaffSession, StaffUser, TicketNote
from bot.storage.models.subscriptions import Subscription

__all__ = [
    "AuditEntry",
    "Base",
    "Conversation",
    "Customer",
    "EventRecord",
    "FaqAnswer",
    "InboundEmail",
    "LadderDay",
    "LadderEntrySummary",
    "LadderSummary",
    "LearnedPhrasing",
    "MailboxCursor",
    "Message",
    "MissedGroup",
    "MissedQuestion",
    "OutboundEmail",
    "SavedReply",
    "StaffSession",
    "StaffUser",
    "Subscription",
    "Ticket",
    "TicketNote",
    "UTCDateTime",
]
