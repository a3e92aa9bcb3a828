"""The console speaks Dutch first, English to an English browser, or what the staff member chose."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.channels.console.conftest import Console


@pytest.mark.parametrize(
    ("accept", "lang", "word"),
    [(None, "nl", "Wachtrij"), ("en-GB,en;q=0.8", "en", "Queue"), ("de-DE", "nl", "Wachtrij"),
     ("nl-BE,en;q=0.5", "nl", "Wachtrij")],
)  # fmt: skip
def test_the_browser_language_is_used_dutch_first(
    app: Flask, console: Console, accept: str | None, lang: str, word: str
) -> None:
    headers = {"Accept-Language": accept} if accept else {}
    html = console.get("/staff/", headers=headers).text
    assert f'<html lang="{lang}">' in html and f">{word}</a>" in html


def test_a_staff_members_choice_wins_over_the_browser(app: Flask, console: Console) -> None:
    dutch_browser = {"Accept-Language": "nl-NL"}
    response = console.post("/staff/language", {"language": "en", "next": "/staff/dashboard/"})
    assert response.location == "/staff/dashboard/"
    assert ">Queue</a>" in console.get("/staff/", headers=dutch_browser).text
    console.post("/staff/language", {"language": ""})
    assert ">Wachtrij</a>" in console.get("/staff/", headers=dutch_browser).text
    console.post("/staff/language", {"language": "fr"})  # unknown: back to the browser's
    assert ">Wachtrij</a>" in console.get("/staff/", headers=dutch_browser).text


def test_dates_and_numbers_follow_the_language(app: Flask, console: Console) -> None:
    from tests.channels.console.conftest import open_ticket

    number, *_ = open_ticket(app)
    dutch = console.get(f"/staff/tickets/{number}").text
    english = console.get(f"/staff/tickets/{number}", headers={"Accept-Language": "en"}).text
    assert "over 23 uur" in dutch or "over 24 uur" in dutch
    assert "in 23 hours" in english or "in 24 hours" in english
