"""The staff audit log: who viewed and did what. Written in the transaction of the action."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.storage.models import AuditEntry

ACTIONS = (
    "login",
    "login_failed",
    "login_locked",
    "logout",
    "logout_everywhere",
    "viewed_ticket",
    "claimed",
    "assigned",
    "replied",
    "note",
    "status",
    "handed_back",
    "account_disabled",
    "account_enabled",
    "sessions_ended",
    "saved_reply_added",
    "saved_reply_deleted",
    "customer_exported",
    "customer_erased",
    "retention_purge",
    "miss_taught",
    "miss_proposed",
    "miss_ignored",
    "phrasing_learned",
    "phrasing_removed",
)


def record(
    session: Session,
    staff_id: int | None,
    action: str,
    *,
    ticket_id: int | None = None,
    customer_id: int | None = None,
    ip: str | None = None,
    **detail: Any,
) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        staff_id=staff_id,
        action=action,
        ticket_id=ticket_id,
        customer_id=customer_id,
        detail=detail,
        ip=(ip or "")[:64] or None,
    )
    session.add(entry)
    return entry
