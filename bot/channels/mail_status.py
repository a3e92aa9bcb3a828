"""Can mail go out? Without ``SUPPORTBOT_SMTP_URL`` every outgoing mail waits in the outbox.

Supportbot still queues mail then (it goes out once mail is set up), but nobody may be told it
was sent: the operator sees a warning on ``/healthz`` and at the top of the staff console while
mail waits, and customers are not promised an answer by email.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import OutboundEmail


@dataclass(frozen=True)
class MailStatus:
    configured: bool  # an outgoing relay is set (SUPPORTBOT_SMTP_URL)
    waiting: int  # mails queued and not yet sent

    @property
    def stuck(self) -> bool:
        """Mail is piling up with nothing to send it: the operator must act."""
        return not self.configured and self.waiting > 0

    def to_dict(self) -> dict[str, object]:
        return {"configured": self.configured, "waiting": self.waiting}


def mail_status(db: Database, smtp_url: str) -> MailStatus:
    with db.sessions() as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboundEmail).where(OutboundEmail.status == "pending")
        )
    return MailStatus(bool(smtp_url), int(waiting or 0))
