"""Customers' subscriptions per product, as the shop reports them (licence keys only hashed).

``shop_modified_at`` is the shop's own time of the state we hold: an older webhook delivery
(a retry or a replay) is ignored. A conversation in which the customer pasted a licence key is
linked to that key's subscription (``conversation_subscriptions``), whatever email they use.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.clock import utcnow
from bot.storage.models.base import Base


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_subscriptions_email_product", "email", "product"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # lower case
    product: Mapped[str] = mapped_column(String(100))  # our product slug
    license_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # sha256 hex
    license_last4: Mapped[str | None] = mapped_column(String(4))
    expires_at: Mapped[date | None] = mapped_column(Date)  # None: does not expire (lifetime)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|expired|cancelled
    source: Mapped[str] = mapped_column(String(24))  # csv | woocommerce | edd
    external_id: Mapped[str] = mapped_column(String(100))  # the shop's id (or the key hash for CSV)
    shop_modified_at: Mapped[datetime | None]  # the shop's time of this state (webhooks only)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Subscription(email={self.email!r}, product={self.product!r})"


class ConversationSubscription(Base):
    """A subscription recognised in a conversation (the customer pasted its licence key)."""

    __tablename__ = "conversation_subscriptions"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return (
            f"ConversationSubscription(conversation_id={self.conversation_id!r}, "
            f"subscription_id={self.subscription_id!r})"
        )
