"""The ticket queue as a query: filters, search, sorting by due time, one page at a time.

Two queries per page whatever its size (the count, then the page's rows with their
conversation, customer and assignee joined in), plus one for the per-view counts. Sorting
uses ``ix_tickets_status_due`` / ``ix_tickets_status_assignee_due``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.channels.untrusted_input import parse_int
from bot.storage.models import Conversation, Customer, Message, StaffUser, Ticket

PER_PAGE = 50
MAX_PAGE = 10_000
MAX_SEARCH_WORDS = 6
MAX_SEARCH_CHARS = 200
VIEWS = ("all", "mine", "unassigned")
STATUS_FILTERS = ("open", "waiting", "resolved", "active", "any")
CHANNELS = ("widget", "email", "api")


@dataclass(frozen=True)
class QueueFilters:
    view: str = "all"
    status: str = "open"
    product: str = ""
    channel: str = ""
    language: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(
        cls, args: Mapping[str, str], *, products: Sequence[str], languages: Sequence[str]
    ) -> QueueFilters:
        """Tolerant: an unknown value falls back to its default."""

        def pick(name: str, allowed: Sequence[str], default: str) -> str:
            value = args.get(name, default)
            return value if value in allowed else default

        page = args.get("page", "1")
        return cls(
            view=pick("view", VIEWS, "all"),
            status=pick("status", STATUS_FILTERS, "open"),
            product=pick("product", products, ""),
            channel=pick("channel", CHANNELS, ""),
            language=pick("language", languages, ""),
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH_CHARS],
            page=min(max(parse_int(page) or 1, 1), MAX_PAGE),
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments for a link to this view (defaults left out), with ``changes``."""
        values = asdict(replace(self, **changes))
        defaults = asdict(QueueFilters())
        return {k: v for k, v in values.items() if v != defaults[k]}


@dataclass(frozen=True)
class QueueRow:
    ticket_id: int
    number: str
    summary: str
    subject: str | None
    status: str
    product: str | None
    channel: str
    language: str
    opened_at: datetime
    due_at: datetime
    assignee_id: int | None
    assignee_name: str | None
    customer_name: str | None
    customer_email: str | None
    conversation_id: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def conditions(filters: QueueFilters, staff_id: int) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filters.status == "active":
        where.append(Ticket.status.in_(("open", "waiting")))
    elif filters.status != "any":
        where.append(Ticket.status == filters.status)
    if filters.view == "mine":
        where.append(Ticket.assignee_id == staff_id)
    elif filters.view == "unassigned":
        where.append(Ticket.assignee_id.is_(None))
    for column, value in (
        (Ticket.product, filters.product),
        (Ticket.channel, filters.channel),
        (Ticket.language, filters.language),
    ):
        if value:
            where.append(column == value)
    where += [matches(word) for word in filters.q.split()[:MAX_SEARCH_WORDS]]
    return where


def matches(word: str) -> ColumnElement[bool]:
    """One search word in the customer, the subject, the ticket number or any message."""
    pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

    def like(column: Any) -> ColumnElement[bool]:
        return func.lower(column).like(pattern, escape="\\")

    in_messages = exists(
        select(Message.id).where(
            Message.conversation_id == Ticket.conversation_id, like(Message.text)
        )
    )
    return or_(
        like(Ticket.number),
        like(Ticket.summary),
        like(Conversation.subject),
        like(Customer.email),
        like(Customer.name),
        in_messages,
    )


def _base(columns: Sequence[Any]) -> Select[Any]:
    return (
        select(*columns)
        .select_from(Ticket)
        .join(Conversation, Conversation.id == Ticket.conversation_id)
        .outerjoin(Customer, Customer.id == Conversation.customer_id)
    )


def load_queue(
    session: Session, filters: QueueFilters, staff_id: int, per_page: int = PER_PAGE
) -> QueuePage:
    where = conditions(filters, staff_id)
    total = session.scalar(_base([func.count(Ticket.id)]).where(*where)) or 0
    page = min(filters.page, max(1, math.ceil(total / per_page)))
    assignee = aliased(StaffUser)
    order = (
        [Ticket.resolved_at.desc(), Ticket.id.desc()]
        if filters.status == "resolved"
        else [Ticket.due_at, Ticket.id]
    )
    query = (
        _base(
            [
                Ticket.id,
                Ticket.number,
                Ticket.summary,
                Conversation.subject,
                Ticket.status,
                Ticket.product,
                Ticket.channel,
                Ticket.language,
                Ticket.opened_at,
                Ticket.due_at,
                Ticket.assignee_id,
                assignee.name,
                Customer.name,
                Customer.email,
                Ticket.conversation_id,
            ]
        )  # fmt: skip
        .outerjoin(assignee, assignee.id == Ticket.assignee_id)
        .where(*where)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    rows = [QueueRow(*row) for row in session.execute(query)]
    return QueuePage(rows, total, page, per_page)


@dataclass(frozen=True)
class ViewCounts:
    all: int
    mine: int
    unassigned: int


def view_counts(session: Session, staff_id: int) -> ViewCounts:
    """Open tickets in each view, for the sidebar."""
    query = select(
        func.count(Ticket.id),
        func.coalesce(func.sum(case((Ticket.assignee_id == staff_id, 1), else_=0)), 0),
        func.coalesce(func.sum(case((Ticket.assignee_id.is_(None), 1), else_=0)), 0),
    ).where(Ticket.status == "open")
    row = session.execute(query).one()
    return ViewCounts(int(row[0]), int(row[1]), int(row[2]))
