"""``/staff/admin/customers``: an admin looks a customer up, sees who saw their data, exports
it and erases it (only after typing the address). On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from bot.helpdesk.privacy.retention import Purge, Retention
from bot.storage.models import AuditEntry
from tests.channels.console.conftest import Console, rt_of
from tests.helpdesk.privacy.people import Person, found, seed_person

PAGE = "/staff/admin/customers/"


def admin_console(app: Flask, admin: int) -> Console:
    console = Console(app.test_client())
    assert console.login("anna@nme.example").status_code == 303
    return console


def jan(app: Flask) -> Person:
    return seed_person(rt_of(app), "jan", "J1K2")


def test_the_lookup_shows_where_the_data_is_and_who_saw_it(app: Flask, admin: int) -> None:
    person, console = jan(app), admin_console(app, admin)
    console.get(f"/staff/tickets/{person.ticket}")  # Anna (admin) opens the ticket
    page = console.post(PAGE, {"email": "JAN@klant.example"})
    assert page.status_code == 200
    assert person.name in page.text and person.ticket in page.text
    assert 'id="c-conversations">2<' in page.text
    accesses = page.text.split('id="c-accesses"')[1].split("</table>")[0]
    assert "Anna" in accesses and "Sanne" in accesses  # viewed; replied and noted
    assert person.phrase not in page.text, "the summary shows where data is, not the data"


def test_an_unknown_or_malformed_address_is_said_plainly(app: Flask, admin: int) -> None:
    console = admin_console(app, admin)
    unknown = console.post(PAGE, {"email": "nobody@klant.example"})
    assert unknown.status_code == 200 and 'id="customer-unknown"' in unknown.text
    bad = console.post(PAGE, {"email": "<script>alert(1)</script>"})
    assert bad.status_code == 400 and 'id="customer-error"' in bad.text
    assert "<script>alert(1)" not in bad.text


def test_the_export_is_a_download_and_is_audited(app: Flask, admin: int) -> None:
    person, console = jan(app), admin_console(app, admin)
    response = console.post(f"{PAGE}export", {"email": person.address})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.text)
    assert document["customers"][0]["email"] == person.address
    with rt_of(app).db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer_exported")
        ).one()
        assert entry.staff_id == admin and entry.detail["via"] == "console"


def test_erasure_needs_the_typed_address(app: Flask, admin: int) -> None:
    person, console = jan(app), admin_console(app, admin)
    for typed in ("", "someone@else.example", "jan"):
        refused = console.post(f"{PAGE}erase", {"email": person.address, "confirm": typed})
        assert refused.status_code == 400 and 'id="customer-error"' in refused.text
    assert found(rt_of(app), (person.phrase,))
    done = console.post(f"{PAGE}erase", {"email": person.address, "confirm": " JAN@Klant.example"})
    assert done.status_code == 200 and 'id="customer-erased"' in done.text
    assert found(rt_of(app), person.needles) == []
    ticket = console.get(f"/staff/tickets/{person.ticket}")
    assert ticket.status_code == 200 and 'id="anonymised"' in ticket.text
    again = console.post(f"{PAGE}erase", {"email": person.address, "confirm": person.address})
    assert again.status_code == 200 and "is gewist op" in again.text


def test_the_address_never_travels_in_a_url(app: Flask, admin: int) -> None:
    person, console = jan(app), admin_console(app, admin)
    page = console.post(PAGE, {"email": person.address})
    for action in ("customers/", "customers/export", "customers/erase"):
        assert f'action="/staff/admin/{action}"' in page.text
    assert f"?email={person.address}" not in page.text


def test_the_dashboard_says_which_retention_is_in_force(app: Flask, console: Console) -> None:
    before = console.get("/staff/dashboard/").text
    assert "365" in before.split('id="retention"')[1].split("</p>")[0]
    assert "Last purge" not in before and "Laatste opschoning" not in before
    Purge(rt_of(app).db, Retention()).run()
    after = console.get("/staff/dashboard/", headers={"Accept-Language": "en"}).text
    assert "Last purge:" in after.split('id="retention"')[1].split("</p>")[0]
