"""Subscriptions: stored from CSV imports and shop webhooks, looked up for the engine.

A conversation's subscriptions are those of the customer's email address plus those whose
licence key the customer pasted in the conversation (linked when the key's hash is known).
The engine gets each as a `SubscriptionInfo` whose ``expires_at`` is the last day it runs:
a subscription without an end runs until ``9999-12-31``; one the shop ended (expired,
cancelled) ran until the day before the shop said so, or its end date when that is earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, Subquery, bindparam, or_, select
from sqlalchemy.orm import Session

from bot.core.dialogue.turn import SubscriptionInfo
from bot.core.licence_keys import FoundKey
from bot.core.shop.records import ShopUpdate, SubscriptionRecord
from bot.storage import repositories as repo
from bot.storage.models.subscriptions import ConversationSubscription, Subscription

Outcome = Literal["imported", "updated", "unchanged", "stale"]
_FIELDS = ("email", "product", "status", "expires_at")
NO_END = date.max


def upsert_subscription(session: Session, record: SubscriptionRecord) -> Outcome:
    """Store ``record``: a new row, an update, or nothing (same state, or older than ours)."""
    row = _matching_row(session, record)
    if row is None:
        session.add(_new_row(record))
        session.flush()
        return "imported"
    mine = row.shop_modified_at
    if record.shop_modified_at and mine and record.shop_modified_at < mine:
        return "stale"
    changed = [name for name in _FIELDS if getattr(row, name) != getattr(record, name)]
    for name in changed:
        setattr(row, name, getattr(record, name))
    if record.licence_hash and row.license_hash != record.licence_hash:
        row.license_hash, row.license_last4 = record.licence_hash, record.licence_last4
        changed.append("license_hash")
    if record.source != "csv":  # the shop owns the row from now on (CSV rows keep their owner)
        row.source, row.external_id = record.source, record.external_id
        row.shop_modified_at = record.shop_modified_at or row.shop_modified_at
    session.flush()
    return "updated" if changed else "unchanged"


def _matching_row(session: Session, record: SubscriptionRecord) -> Subscription | None:
    """The row the record updates: the shop's id first, else the licence key's hash."""
    by_id = None
    if record.source != "csv":
        by_id = session.scalars(
            select(Subscription).where(
                Subscription.source == record.source,
                Subscription.external_id == record.external_id,
            )
        ).first()
    by_key = None
    if record.licence_hash:
        by_key = session.scalars(
            select(Subscription).where(Subscription.license_hash == record.licence_hash)
        ).first()
    if by_id is not None and by_key is not None and by_id.id != by_key.id:
        session.delete(by_key)  # the same licence imported before the shop sent it: one row
        session.flush()
    return by_id or by_key


def _new_row(record: SubscriptionRecord) -> Subscription:
    return Subscription(
        email=record.email,
        product=record.product,
        license_hash=record.licence_hash,
        license_last4=record.licence_last4,
        expires_at=record.expires_at,
        status=record.status,
        source=record.source,
        external_id=record.external_id,
        shop_modified_at=record.shop_modified_at,
    )


def apply_shop_update(session: Session, update: ShopUpdate, now: datetime) -> dict[str, int]:
    """A webhook delivery: its records stored, rows it no longer lists cancelled; counts."""
    counts: dict[str, int] = {}
    for record in update.records:
        outcome = upsert_subscription(session, record)
        counts[outcome] = counts.get(outcome, 0) + 1
    if update.group is None or update.ignored:
        return counts
    kept = {record.external_id for record in update.records}
    times = [record.shop_modified_at for record in update.records if record.shop_modified_at]
    when = max(times, default=now)
    for row in _group_rows(session, update.source, update.group):
        if row.external_id in kept or row.status == "cancelled":
            continue
        # a deletion is final; a line item missing from an older delivery is not news
        if not update.deleted and row.shop_modified_at and when < row.shop_modified_at:
            continue
        row.status, row.shop_modified_at = "cancelled", when
        counts["cancelled"] = counts.get("cancelled", 0) + 1
    session.flush()
    return counts


def _group_rows(session: Session, source: str, group: str) -> Sequence[Subscription]:
    query = select(Subscription).where(
        Subscription.source == source,
        or_(Subscription.external_id == group, Subscription.external_id.startswith(group + ":")),
    )
    return session.scalars(query).all()


# -- what the engine sees ----------------------------------------------------------------------
def last_day(row: Subscription) -> date:
    """The last day the subscription runs (see the module docstring)."""
    end = row.expires_at or NO_END
    if row.status == "active":
        return end
    ended = (row.shop_modified_at or row.updated_at).date() - timedelta(days=1)
    return min(end, ended)


def subscription_info(row: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(row.product, last_day(row).isoformat(), row.license_last4 or "")


def subscriptions_by_key(session: Session, key_hashes: Iterable[str]) -> Sequence[Subscription]:
    hashes = sorted(set(key_hashes))
    if not hashes:
        return ()
    query = select(Subscription).where(Subscription.license_hash.in_(hashes))
    return session.scalars(query.order_by(Subscription.id)).all()


def linked_subscriptions(session: Session, conversation_id: int) -> Sequence[Subscription]:
    query = (
        select(Subscription)
        .join(ConversationSubscription, ConversationSubscription.subscription_id == Subscription.id)
        .where(ConversationSubscription.conversation_id == conversation_id)
        .order_by(Subscription.id)
    )
    return session.scalars(query).all()


def _wanted(conversation_id: int, email: str | None) -> ColumnElement[bool]:
    """Linked to the conversation, or of the customer's address."""
    linked = select(ConversationSubscription.subscription_id).where(
        ConversationSubscription.conversation_id == conversation_id
    )
    wanted: ColumnElement[bool] = Subscription.id.in_(linked)
    if email:
        wanted = or_(wanted, Subscription.email == email.strip().lower())
    return wanted


def _for_turn(beside: Subquery, *, with_email: bool) -> Select[Any]:
    """``beside`` with the wanted subscriptions (``_wanted`` with bound parameters)."""
    linked = select(ConversationSubscription.subscription_id).where(
        ConversationSubscription.conversation_id == bindparam("conversation_id")
    )
    wanted: ColumnElement[bool] = Subscription.id.in_(linked)
    if with_email:
        wanted = or_(wanted, Subscription.email == bindparam("email"))
    query = select(beside, Subscription).select_from(beside).outerjoin(Subscription, wanted)
    return query.order_by(Subscription.id)


class SubscriptionFeed:
    """What `Conversations` asks before each turn, and tells when a customer pastes a key."""

    def customer_subscriptions(
        self, session: Session, conversation_id: int, email: str | None
    ) -> tuple[SubscriptionInfo, ...]:
        """Those linked to the conversation and those of the customer's address, in one query."""
        query = select(Subscription).where(_wanted(conversation_id, email))
        rows = session.scalars(query.order_by(Subscription.id))
        return tuple(subscription_info(row) for row in rows)

    def __init__(self) -> None:
        # The statements of ``read_for_turn``, built once per ``beside`` and with or without
        # an address: building one (and its cache key) cost more than running it.
        self._for_turn: dict[tuple[Subquery, bool], Select[Any]] = {}

    def read_for_turn(
        self, session: Session, conversation_id: int, email: str | None, beside: Subquery
    ) -> tuple[tuple[SubscriptionInfo, ...], Sequence[Any]]:
        """``customer_subscriptions`` and the one row of ``beside``, in one statement (asked
        before every turn): ``beside`` joined with the subscriptions, none or several."""
        key = (beside, bool(email))
        query = self._for_turn.get(key)
        if query is None:
            if len(self._for_turn) >= 8:  # a few module-level subqueries; never unbounded
                self._for_turn.clear()
            query = self._for_turn[key] = _for_turn(beside, with_email=bool(email))
        params = {"conversation_id": conversation_id, "email": (email or "").strip().lower()}
        rows = session.execute(query, params).all()
        found = tuple(subscription_info(row[-1]) for row in rows if row[-1] is not None)
        return found, tuple(rows[0])[:-1]

    def recognise_keys(
        self, session: Session, conversation_id: int, keys: Sequence[FoundKey]
    ) -> None:
        """Link the conversation to the subscriptions of pasted keys; staff see an event."""
        rows = subscriptions_by_key(session, (key.key_hash for key in keys))
        known = {row.license_hash: row for row in rows}
        linked = {row.id for row in linked_subscriptions(session, conversation_id)}
        for key in {key.key_hash: key for key in keys}.values():
            row = known.get(key.key_hash)
            if row is None:
                data: dict[str, object] = {"last4": key.last4}
                repo.add_event(session, conversation_id, "licence_key_unknown", data)
            elif row.id not in linked:
                link = ConversationSubscription(
                    conversation_id=conversation_id, subscription_id=row.id
                )
                session.add(link)
                linked.add(row.id)
                data = {"subscription_id": row.id, "product": row.product, "last4": key.last4,
                        "status": row.status, "last_day": last_day(row).isoformat()}  # fmt: skip
                repo.add_event(session, conversation_id, "subscription_recognised", data)
        session.flush()
