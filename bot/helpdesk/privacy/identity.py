"""One person's rows, found from an email address in any case or Unicode spelling.

An address is stored lower-cased as it arrived, so ``José@x`` typed on a Mac (decomposed é) and
``jose@x`` from a browser (composed é) can be two customer rows of one person. Both are found:
the lookup tries every normal form of the address, and the records cover all rows found.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from bot.storage.models import (
    Conversation,
    Customer,
    InboundEmail,
    OutboundEmail,
    Subscription,
)

MAX_ADDRESS_CHARS = 254
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\\\"]{1,64}@[^\s@<>()\[\],;:\\\"]{1,252}")


class AddressError(ValueError):
    """What was given is not an email address."""


def checked_address(given: str) -> str:
    """``given`` trimmed, or AddressError with a message for the person who typed it."""
    address = given.strip()
    if not address or len(address) > MAX_ADDRESS_CHARS or not _ADDRESS.fullmatch(address):
        raise AddressError(f"not an email address: {given[:80]!r}")
    return address


def spellings(address: str) -> tuple[str, ...]:
    """Every stored spelling of ``address``: each Unicode normal form, lower-cased and folded."""
    found: dict[str, None] = {}
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        normal = unicodedata.normalize(form, address.strip())
        found[normal.lower()] = None
        found[normal.casefold()] = None
    return tuple(found)


def address_key(address: str) -> str:
    """One string per person: the same for every spelling ``spellings`` covers."""
    return unicodedata.normalize("NFKC", address.strip()).casefold()


def address_ref(secret: str, address: str) -> str:
    """A keyed hash of the address: an erasure can be recognised later without the address."""
    digest = hmac.new(secret.encode(), address_key(address).encode(), hashlib.sha256)
    return "hmac-sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class Requester:
    """Who asked: a staff member in the console, or an operator on the command line."""

    via: str  # console | cli
    staff_id: int | None = None
    operator: str = ""
    ip: str | None = None


@dataclass(frozen=True)
class CustomerRecords:
    """Where one person's data is: their customer rows and everything found by their address."""

    spellings: tuple[str, ...]
    customer_ids: tuple[int, ...]
    conversation_ids: tuple[int, ...]
    subscription_ids: tuple[int, ...]
    inbound_ids: tuple[int, ...]
    outbound_ids: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.customer_ids
            or self.conversation_ids
            or self.subscription_ids
            or self.inbound_ids
            or self.outbound_ids
        )


def find_records(session: Session, address: str) -> CustomerRecords:
    """Everything stored about ``address`` right now (ids only; read them in the same session)."""
    names = spellings(address)
    customers = _ids(session, select(Customer.id).where(Customer.email.in_(names)))
    conversations = _ids(
        session, select(Conversation.id).where(Conversation.customer_id.in_(customers))
    )
    subscriptions = _ids(session, select(Subscription.id).where(Subscription.email.in_(names)))
    inbound = _ids(
        session,
        select(InboundEmail.id).where(
            or_(
                InboundEmail.conversation_id.in_(conversations),
                _address_in(InboundEmail.from_addr, names),
                _address_in(InboundEmail.envelope_sender, names),
            )
        ),
    )
    outbound = _ids(
        session,
        select(OutboundEmail.id).where(
            or_(
                OutboundEmail.conversation_id.in_(conversations),
                OutboundEmail.recipient.in_(names),
            )
        ),
    )
    return CustomerRecords(names, customers, conversations, subscriptions, inbound, outbound)


def _address_in(
    column: InstrumentedAttribute[str | None], names: Iterable[str]
) -> ColumnElement[bool]:
    # lower() in SQL: mail headers keep the sender's capitals ("Jan@Example.org")
    return func.lower(column).in_(list(names))


def _ids(session: Session, query: Select[Any]) -> tuple[int, ...]:
    return tuple(sorted(session.scalars(query)))
