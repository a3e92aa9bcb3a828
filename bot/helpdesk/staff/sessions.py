"""Staff login sessions: a random token in the cookie, its SHA-256 and a CSRF token in the row.

A session is valid while its row exists, it has not expired (absolute and idle limits), its
account is active, and its generation equals the account's (``end_all_sessions`` bumps it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.storage.models import StaffSession, StaffUser
from bot.storage.repositories import hash_token

SESSION_HOURS = 12  # a working day; then log in again
IDLE_MINUTES = 120
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


@dataclass(frozen=True)
class Staff:
    """The logged-in staff member, as request handlers see them (no ORM object leaks out)."""

    id: int
    email: str
    name: str
    role: str
    language: str | None
    session_id: int
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def start_session(
    session: Session, user: StaffUser, now: datetime, *, ip: str | None, user_agent: str | None
) -> str:
    """A new session for ``user``; returns the cookie token (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            token_hash=hash_token(token),
            staff_id=user.id,
            generation=user.session_generation,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    session.flush()
    return token


def load_session(session: Session, token: str | None, now: datetime) -> Staff | None:
    """The staff member behind a cookie token, or None; a dead session's row is removed."""
    if not token or len(token) > 200:
        return None
    row = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.staff_id)
        .where(StaffSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    login, user = row[0], row[1]
    idle_limit = login.last_seen_at + timedelta(minutes=IDLE_MINUTES)
    alive = now < login.expires_at and now < idle_limit
    if not (alive and user.active and login.generation == user.session_generation):
        session.delete(login)
        return None
    if now - login.last_seen_at >= TOUCH_EVERY:
        login.last_seen_at = now
    return Staff(
        user.id, user.email, user.name, user.role, user.language, login.id, login.csrf_token
    )


def end_session(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == hash_token(token)))
