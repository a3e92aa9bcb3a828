"""The ticket use cases wired to this app: its database, bus, presence and email outbox."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.channels.runtime import Runtime
from bot.helpdesk.tickets import TicketDesk


def ticket_desk(rt: Runtime) -> TicketDesk:
    def mail(session: Session, conversation_id: int, staff_name: str, text: str) -> str:
        from bot.channels.email.staff_mail import queue_staff_reply

        return queue_staff_reply(session, rt, conversation_id, staff_name, text).status

    return TicketDesk(
        rt.db,
        rt.bus,
        rt.presence,
        response_hours=rt.kb.policy.response_hours,
        mailer=mail,
        mail_enabled=bool(rt.config.smtp_url),
    )
