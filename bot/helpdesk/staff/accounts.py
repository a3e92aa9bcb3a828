"""Staff accounts as use cases (CLI and console): add, find, enable/disable, passwords, login.

No Flask here; sessions come from the caller. Emails are stored lower case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.helpdesk.staff.passwords import (
    DEFAULT_COST,
    ScryptCost,
    check_strength,
    dummy_hash,
    hash_password,
    verify_password,
)
from bot.storage.models import StaffSession, StaffUser
from bot.storage.models.staff import ROLES

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}$")
MAX_NAME = 200


class AccountError(ValueError):
    """An account cannot be created or changed; the message says why (shown by the CLI)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_staff(session: Session, email: str) -> StaffUser | None:
    query = select(StaffUser).where(StaffUser.email == normalise_email(email))
    return session.scalars(query).first()


def list_staff(session: Session) -> Sequence[StaffUser]:
    return session.scalars(select(StaffUser).order_by(StaffUser.name, StaffUser.id)).all()


def add_staff(
    session: Session,
    email: str,
    name: str,
    password: str,
    *,
    role: str = "agent",
    language: str | None = None,
    cost: ScryptCost = DEFAULT_COST,
) -> StaffUser:
    email = normalise_email(email)
    name = " ".join(name.split())
    if not _EMAIL.match(email):
        raise AccountError(f"not an email address: {email!r}")
    if not name or len(name) > MAX_NAME:
        raise AccountError(f"the name must have 1 to {MAX_NAME} characters")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if find_staff(session, email) is not None:
        raise AccountError(f"there already is an account for {email}")
    check_password(password, email)
    user = StaffUser(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password, cost),
        active=True,
        session_generation=1,
        language=language,
    )
    session.add(user)
    session.flush()
    return user


def check_password(password: str, email: str) -> None:
    try:
        check_strength(password, email=email)
    except ValueError as error:
        raise AccountError(str(error)) from error


def set_password(
    session: Session, user: StaffUser, password: str, *, cost: ScryptCost = DEFAULT_COST
) -> None:
    """A new password ends every session of the account."""
    check_password(password, user.email)
    user.password_hash = hash_password(password, cost)
    end_all_sessions(session, user)


def set_active(session: Session, user: StaffUser, active: bool) -> None:
    """Disabling ends the account's sessions at once; their next request is refused."""
    user.active = active
    if not active:
        end_all_sessions(session, user)


def end_all_sessions(session: Session, user: StaffUser) -> None:
    """ "Log out everywhere": a new generation invalidates every session issued before it."""
    user.session_generation += 1
    session.execute(delete(StaffSession).where(StaffSession.staff_id == user.id))


def check_login(session: Session, email: str, password: str, now: datetime) -> StaffUser | None:
    """The active account these credentials open, or None (every failure costs the same)."""
    user = find_staff(session, email) if len(email) <= 254 else None
    stored = user.password_hash if user is not None else dummy_hash()
    matches = verify_password(password, stored)
    if user is None or not matches or not user.active:
        return None
    user.last_login_at = now
    return user
