"""Export (GDPR art. 15) on SQLite and PostgreSQL: every stored row of the customer is in it,
table by table over every table that can hold customer data, and nothing of anyone else."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.runtime import Runtime
from bot.helpdesk.privacy.catalogue import customer_tables
from bot.helpdesk.privacy.export import export_customer, export_json
from bot.helpdesk.privacy.identity import AddressError, Requester
from bot.storage.models import AuditEntry, Base
from tests.helpdesk.privacy.conftest import SECRET
from tests.helpdesk.privacy.people import Person

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CLI = Requester(via="cli", operator="tester")


def export(rt: Runtime, address: str, *, notes: bool = False) -> dict[str, Any]:
    document = export_customer(rt.db, address, CLI, secret=SECRET, now=NOW, include_notes=notes)
    assert document is not None, f"nothing exported for {address}"
    return document


def refs(document: Any) -> set[str]:
    """Every ``ref`` in the document, at any depth."""
    found: set[str] = set()
    if isinstance(document, dict):
        if isinstance(document.get("ref"), str):
            found.add(document["ref"])
        for value in document.values():
            found |= refs(value)
    elif isinstance(document, list):
        for item in document:
            found |= refs(item)
    return found


def stored_rows(rt: Runtime) -> dict[str, set[str]]:
    """Every row of every customer table, as the export's refs name them."""
    rows: dict[str, set[str]] = {}
    with rt.db.engine.connect() as connection:
        for name in customer_tables():
            table = Base.metadata.tables[name]
            keys = [column.name for column in table.primary_key.columns]
            rows[name] = {
                f"{name}:{'-'.join(str(row[k]) for k in keys)}"
                for row in connection.execute(table.select()).mappings()
            }
    return rows


@pytest.mark.parametrize("table", customer_tables())
def test_each_customer_table_is_exported_to_its_owner_and_no_one_else(
    rt: Runtime, anna: Person, bram: Person, table: str
) -> None:
    rows = stored_rows(rt)[table]
    in_anna, in_bram = refs(export(rt, anna.address)), refs(export(rt, bram.address))
    mine = {ref for ref in in_anna if ref.startswith(f"{table}:")}
    theirs = {ref for ref in in_bram if ref.startswith(f"{table}:")}
    assert mine and theirs, f"people.py made no {table} rows for both customers: extend it"
    assert mine.isdisjoint(theirs), f"{table}: rows in both customers' exports"
    assert mine | theirs == rows, f"{table}: stored rows missing from both exports"


def test_nothing_of_another_customer_is_in_an_export(
    rt: Runtime, anna: Person, bram: Person
) -> None:
    text = export_json(export(rt, anna.address, notes=True)).casefold()
    for needle in bram.needles:
        assert needle.casefold() not in text, needle
    for needle in (anna.address, anna.name, anna.phrase):
        assert needle.casefold() in text, needle


def test_the_export_is_readable_and_complete_in_its_parts(rt: Runtime, anna: Person) -> None:
    document = export(rt, anna.address)
    assert document["email_addresses"] == [anna.address]
    assert [c["name"] for c in document["customers"]] == [anna.name]
    chat = next(c for c in document["conversations"] if c["id"] == anna.public_id)
    texts = [m["text"] for m in chat["messages"] if m["from"] == "customer"]
    assert any(anna.phrase in text for text in texts)
    assert not any(anna.licence_key in text for text in texts), "keys are stored masked only"
    ticket = chat["ticket"]
    assert ticket["number"] == anna.ticket
    assert [r["text"] for r in ticket["public_replies"]] == [
        f"Dag {anna.name}, dit lost {anna.phrase} op."
    ]
    assert chat["licence_keys_recognised"][0]["licence_key"] == "…" + anna.licence_key[-4:]
    assert document["subscriptions"][0]["licence_key"] == "…" + anna.licence_key[-4:]
    assert licence_hash_absent(document, anna)
    received = document["mail_received"][0]
    assert anna.phrase in received["raw"] and received["from"] == anna.address
    assert {m["to"] for m in document["mail_sent"]} == {anna.address}
    assert any(e["kind"] == "email_address_bounced" for e in document["other_events"])


def licence_hash_absent(document: dict[str, Any], person: Person) -> bool:
    from bot.core.licence_keys import licence_key_hash

    return licence_key_hash(person.licence_key) not in json.dumps(document)


def test_internal_notes_are_listed_but_withheld_unless_asked_for(rt: Runtime, anna: Person) -> None:
    default = export(rt, anna.address)
    notes = next(c for c in default["conversations"] if c["ticket"])["ticket"]["internal_notes"]
    assert len(notes) == 1 and notes[0]["withheld"] is True and "text" not in notes[0]
    assert default["internal_notes"]["included"] is False
    assert "other people" in default["internal_notes"]["why"]
    assert anna.name + " is boos" not in export_json(default)
    full = export(rt, anna.address, notes=True)
    notes = next(c for c in full["conversations"] if c["ticket"])["ticket"]["internal_notes"]
    assert notes[0]["text"] == f"Belde over {anna.phrase}; {anna.name} is boos"
    assert notes[0]["author"] == "Sanne"


@pytest.mark.parametrize(
    "spelling",
    ["ANNA@KLANT.EXAMPLE", " Anna@Klant.Example ", "anna@klant.example"],
)
def test_case_and_spaces_do_not_matter(rt: Runtime, anna: Person, spelling: str) -> None:
    assert export(rt, spelling)["customers"][0]["email"] == anna.address


def test_unicode_normal_forms_are_one_customer(rt: Runtime) -> None:
    composed = unicodedata.normalize("NFC", "josé@klant.example")
    decomposed = unicodedata.normalize("NFD", "JOSÉ@klant.example")
    assert composed != decomposed.lower()
    started = rt.conversations.start(channel="widget", language="nl", email=decomposed)
    rt.conversations.post(started.public_id, started.token, "hallo")
    document = export(rt, composed)
    assert [c["id"] for c in document["conversations"]] == [started.public_id]


def test_an_unknown_address_exports_nothing_and_writes_nothing(rt: Runtime, anna: Person) -> None:
    before = audit_count(rt)
    assert export_customer(rt.db, "nobody@klant.example", CLI, secret=SECRET, now=NOW) is None
    assert audit_count(rt) == before


@pytest.mark.parametrize("given", ["", "anna", "anna@", "a b@klant.example", "x" * 300 + "@k.nl"])
def test_what_is_not_an_address_is_refused(rt: Runtime, given: str) -> None:
    with pytest.raises(AddressError):
        export_customer(rt.db, given, CLI, secret=SECRET, now=NOW)


def test_an_export_is_in_the_audit_log_without_the_address(rt: Runtime, anna: Person) -> None:
    export(rt, anna.address)
    with rt.db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "customer_exported")
        ).one()
        assert entry.customer_id is not None and entry.staff_id is None
        assert entry.detail["via"] == "cli" and entry.detail["operator"] == "tester"
        assert anna.address not in json.dumps(entry.detail)


def audit_count(rt: Runtime) -> int:
    with rt.db.session() as session:
        return len(session.scalars(select(AuditEntry.id)).all())
