"""Customers' subscriptions per product, as the shop reports them (licence keys only hashed)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


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
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Subscription(email={self.email!r}, product={self.product!r})"
