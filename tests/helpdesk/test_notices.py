"""Bus notices cross workers as JSON: every kind comes back as it went, old and new workers mix."""

from __future__ import annotations

import json

import pytest

from bot.helpdesk.notices import (
    Erased,
    MalformedNotice,
    NewMessages,
    Notice,
    QueueChange,
    TicketUpdate,
    Typing,
    Viewing,
    decode,
    encode,
)

EVERY_KIND: list[Notice] = [
    NewMessages(17),
    Typing("staff"),
    TicketUpdate("NME-1001", "waiting", by="staff", staff_id=3),
    TicketUpdate(None, "open", by="customer"),
    Erased(),
    QueueChange("ticket", 42),
    QueueChange("ticket_changed", 42, "NME-1001"),
    Viewing("a1b2", 3, "Piet", "replying", hello=True),
]


@pytest.mark.parametrize("notice", EVERY_KIND, ids=repr)
def test_every_notice_survives_the_wire(notice: Notice) -> None:
    assert decode(encode("conversation:42", notice)) == ("conversation:42", notice)


def test_the_wire_form_names_the_kind() -> None:
    wire = json.loads(encode("staff", QueueChange("conversation", 7)))
    assert wire == {
        "topic": "staff",
        "notice": {"type": "queue", "change": "conversation", "conversation": 7, "number": None},
    }


def test_an_older_workers_ticket_update_reads_as_a_staff_change() -> None:
    """Workers from before ``by`` existed sent status and number only, during a rolling restart."""
    notice = {"type": "ticket_update", "number": "NME-1", "status": "open"}
    raw = json.dumps({"topic": "conversation:1", "notice": notice})
    assert decode(raw) == ("conversation:1", TicketUpdate("NME-1", "open", by="staff"))


def test_a_kind_only_a_newer_worker_knows_is_skipped() -> None:
    assert decode('{"topic":"conversation:1","notice":{"type":"something_new"}}') == (
        "conversation:1",
        None,
    )


def test_unknown_extra_fields_are_ignored() -> None:
    raw = '{"topic":"c","notice":{"type":"messages","seq":3,"route":"faq"}}'
    assert decode(raw) == ("c", NewMessages(3))


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        '{"topic":"c"}',
        '{"topic":1,"notice":{"type":"erased"}}',
        '{"topic":"c","notice":[]}',
        '{"topic":"c","notice":{"type":"messages"}}',  # no seq
        '{"topic":"c","notice":{"type":"messages","seq":"7"}}',
        '{"topic":"c","notice":{"type":"messages","seq":true}}',
        '{"topic":"c","notice":{"type":"typing","who":"everyone"}}',
        '{"topic":"c","notice":{"type":"viewing","session":"s","staff_id":1,"name":["x"],'
        '"state":"viewing"}}',
        '{"topic":"c","notice":{"type":"ticket_update","number":5,"status":"open"}}',
    ],
)
def test_malformed_messages_are_refused(raw: str) -> None:
    with pytest.raises(MalformedNotice):
        decode(raw)
