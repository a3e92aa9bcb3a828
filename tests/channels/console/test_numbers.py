"""Numbers in the console's URLs and forms (issue 19 #4): ASCII digits within a database column.

``str.isdigit()`` accepts ``²`` (which ``int()`` refuses) and any length (which no column holds);
both were 500s. An action refuses such a number with 400 and changes nothing; a navigation
value (a page, a period) falls back to its default; an id in the path is a 404.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.channels.console.conftest import Console, open_ticket, staff_row, ticket_row

BAD_NUMBERS = ["²", "٣", "1²", "9" * 11, "9" * 5000, "-1", "1.5", " 7"]


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_a_reply_with_a_bad_seen_seq_is_refused_and_not_sent(
    app: Flask, console: Console, bad: str
) -> None:
    number, *_ = open_ticket(app)
    response = console.post(
        f"/staff/tickets/{number}/reply",
        {"text": "Hallo Jan", "seen_seq": bad, "seen_assignee": ""},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and response.json["error"] == "bad_field"
    assert ticket_row(app, number).first_response_at is None


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize(("action", "field"), [("claim", "seen_assignee"), ("assign", "assignee")])
def test_claim_and_assign_refuse_a_bad_staff_number(
    app: Flask, console: Console, bad: str, action: str, field: str
) -> None:
    number, *_ = open_ticket(app)
    response = console.post(
        f"/staff/tickets/{number}/{action}", {field: bad}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400 and response.json["error"] == "bad_field"
    assert ticket_row(app, number).assignee_id is None


@pytest.mark.parametrize("bad", BAD_NUMBERS)
def test_new_lines_after_a_bad_number_are_a_400(app: Flask, console: Console, bad: str) -> None:
    number, *_ = open_ticket(app)
    response = console.get(f"/staff/tickets/{number}/messages", query_string={"after": bad})
    assert response.status_code == 400


@pytest.mark.parametrize("bad", BAD_NUMBERS)
@pytest.mark.parametrize(
    ("path", "argument"),
    [("/staff/", "page"), ("/staff/dashboard/", "days"), ("/staff/admin/audit", "page")],
)
def test_navigation_numbers_fall_back_to_their_default(
    app: Flask, admin: int, bad: str, path: str, argument: str
) -> None:
    boss = Console(app.test_client())
    boss.login("anna@nme.example")
    assert boss.get(path, query_string={argument: bad}).status_code == 200


@pytest.mark.parametrize("bad", ["99999999999", "9" * 30])
def test_an_id_too_large_for_the_database_is_not_found(
    app: Flask, admin: int, agent: int, bad: str
) -> None:
    boss = Console(app.test_client())
    boss.login("anna@nme.example")
    assert boss.post(f"/staff/admin/team/{bad}/disable").status_code == 404
    assert boss.post(f"/staff/admin/replies/{bad}/delete").status_code == 404
    assert boss.post(f"/staff/admin/team/{agent}/disable").status_code == 303  # a real id works
    assert staff_row(app, agent).active is False
