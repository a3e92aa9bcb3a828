"""``/staff/admin/customers``: an admin finds a customer by address, sees who on the staff saw
their data, and exports or erases it (GDPR art. 15 and 17). Both are written to the audit log.

The address travels in POST bodies only, never in a URL: URLs end up in access logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, make_response, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.console.access import access
from bot.channels.console.guard import client_ip, require_staff
from bot.channels.console.language import _
from bot.channels.runtime import runtime
from bot.helpdesk.privacy.access_log import Access, accesses
from bot.helpdesk.privacy.erasure import Erasure, ErasureReport
from bot.helpdesk.privacy.export import export_customer, export_json
from bot.helpdesk.privacy.identity import (
    AddressError,
    CustomerRecords,
    Requester,
    address_key,
    checked_address,
    find_records,
)
from bot.storage.models import Customer, Ticket

bp = Blueprint("customers", __name__, url_prefix="/admin/customers")


@dataclass(frozen=True)
class Summary:
    """What the page shows about a customer: no message text, only where their data is."""

    address: str
    names: list[str]
    first_seen: datetime | None
    conversations: int
    tickets: list[str]
    subscriptions: int
    mails: int
    accesses: list[Access]


@bp.get("/")
@access("admin")
def index() -> Response:
    return page()


@bp.post("/")
@access("admin")
def lookup() -> Response:
    address, error = _address()
    if error:
        return page(address=address, error=error, status=400)
    return page(address=address)


@bp.post("/export")
@access("admin")
def export() -> Response:
    address, error = _address()
    if error:
        return page(address=address, error=error, status=400)
    document = export_customer(
        runtime().db, address, _requester(), secret=str(current_app.config["SECRET_KEY"]),
        now=datetime.now(UTC), include_notes=request.form.get("include_notes") == "yes",
    )  # fmt: skip
    if document is None:
        return page(address=address, status=404)
    response = make_response(export_json(document) + "\n")
    response.mimetype = "application/json"
    day = datetime.now(UTC).date().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="customer-export-{day}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/erase")
@access("admin")
def erase() -> Response:
    address, error = _address()
    if error:
        return page(address=address, error=error, status=400)
    typed = request.form.get("confirm", "")
    if address_key(typed) != address_key(address):
        message = _("Type the customer's email address to confirm the erasure.")
        return page(address=address, error=message, status=400, valid=True)
    rt = runtime()
    eraser = Erasure(rt.db, rt.bus, secret=str(current_app.config["SECRET_KEY"]))
    report = eraser.erase(address, _requester())
    status = 200 if report.found or report.erased_before else 404
    return page(address=address, erased=report, status=status)


def page(
    *,
    address: str = "",
    error: str = "",
    erased: ErasureReport | None = None,
    status: int = 200,
    valid: bool = False,
) -> Response:
    """The page; ``valid``: the address is fine although there is an ``error`` (a refusal)."""
    valid = valid or (bool(address) and not error)
    summary = None
    if valid:
        with runtime().db.session() as session:
            records = find_records(session, address)
            summary = None if records.empty else _summary(session, address, records)
    html = render_template(
        "console/admin_customers.html",
        staff=require_staff(),
        address=address,
        error=error,
        summary=summary,
        erased=erased,
        searched=valid,
    )
    return make_response(html, status)


def _summary(session: Session, address: str, records: CustomerRecords) -> Summary:
    customers = list(session.scalars(select(Customer).where(Customer.id.in_(records.customer_ids))))
    tickets = session.scalars(
        select(Ticket.number)
        .where(Ticket.conversation_id.in_(records.conversation_ids))
        .order_by(Ticket.id)
    )
    return Summary(
        address=address,
        names=sorted({c.name for c in customers if c.name}),
        first_seen=min((c.created_at for c in customers), default=None),
        conversations=len(records.conversation_ids),
        tickets=[number for number in tickets if number],
        subscriptions=len(records.subscription_ids),
        mails=len(records.inbound_ids) + len(records.outbound_ids),
        accesses=accesses(session, records),
    )


def _address() -> tuple[str, str]:
    """The form's address and, when it is not one, the message for the admin."""
    given = request.form.get("email", "")[:500]
    try:
        return checked_address(given), ""
    except AddressError:
        return given.strip(), _("That is not an email address.")


def _requester() -> Requester:
    return Requester(via="console", staff_id=require_staff().id, ip=client_ip())
