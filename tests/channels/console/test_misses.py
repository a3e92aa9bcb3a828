"""The review queue of missed questions (issue 13, section 2): what lands in it, grouped;
teach, propose and ignore, each audited and CSRF-protected; a page of few queries."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.helpdesk.learning.review import PAGE_SIZE
from bot.storage.models import AuditEntry, LearnedPhrasing, MissedGroup, MissedQuestion
from tests.channels.console.conftest import Console, rt_of
from tests.channels.console.test_queue import counted_selects

PI = "Werkt het ook op een Raspberry Pi?"


def ask(app: Flask, text: str, language: str = "nl") -> dict[str, object]:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language=language)
    turn = rt.conversations.post(started.public_id, started.token, text)
    return {"route": turn.route, "faq": turn.faq.id if turn.faq else None}


def groups(app: Flask) -> list[MissedGroup]:
    with rt_of(app).db.session() as session:
        found = list(session.scalars(select(MissedGroup).order_by(MissedGroup.id)))
        session.expunge_all()
        return found


def test_a_question_without_an_faq_answer_is_shown_for_review(app: Flask, console: Console) -> None:
    assert ask(app, PI)["faq"] is None
    html = console.get("/staff/misses/").text
    assert PI in html and "geen antwoord in de FAQ" in html  # the console speaks Dutch here
    assert (
        'value="nl/system-requirements"'
        in console.get(
            "/staff/misses/", query_string={"group": groups(app)[0].id, "q": "systeemeisen"}
        ).text
    )  # the FAQ search of the canned replies finds the entry to teach


def test_a_search_without_words_offers_the_nearest_entries(app: Flask, console: Console) -> None:
    ask(app, PI)
    group = groups(app)[0]
    html = console.get("/staff/misses/", query_string={"group": group.id, "q": ""}).text
    assert html.count('type="radio" name="entry"') == 3  # the bot's own ranking
    assert 'value="nl/system-requirements"' in html
    assert 'type="radio"' not in console.get("/staff/misses/").text  # not for every group


def test_alike_questions_form_one_group(app: Flask) -> None:
    ask(app, PI)
    ask(app, "werkt het op een raspberry pi")
    ask(app, "Do you sponsor local football clubs?", "en")
    found = groups(app)
    assert [(g.language, g.size) for g in found] == [("nl", 2), ("en", 1)]


def test_declined_suggestions_and_answers_that_did_not_help_are_misses(app: Flask) -> None:
    rt = rt_of(app)
    started = rt.conversations.start(channel="widget", language="nl")
    first = rt.conversations.post(
        started.public_id, started.token, "Kan ik een wachtlijst bijhouden voor volgeboekte dagen?"
    )
    assert first.route == "suggest"
    rt.conversations.post(started.public_id, started.token, "nee, geen van deze")
    again = rt.conversations.start(channel="widget", language="en")
    answered = rt.conversations.post(again.public_id, again.token, "Can I get a printed manual?")
    assert answered.faq is not None
    rt.conversations.post(again.public_id, again.token, "No, that didn't help")
    with rt.db.session() as session:
        rows = session.execute(
            select(MissedQuestion.reason, MissedQuestion.text, MissedQuestion.entry_ref)
        ).all()
    found = {reason: (text, entry) for reason, text, entry in rows}
    assert set(found) == {"declined", "not_helped"}
    declined_text, offered = found["declined"]
    assert declined_text == "Kan ik een wachtlijst bijhouden voor volgeboekte dagen?"
    assert offered is not None and offered.startswith("nl/")  # the first suggestion
    assert found["not_helped"] == ("Can I get a printed manual?", "en/faq-and-docs")


def test_teaching_answers_the_same_question_from_the_next_message_on(
    app: Flask, console: Console
) -> None:
    ask(app, PI)
    group = groups(app)[0]
    response = console.post(
        f"/staff/misses/{group.id}/teach", {"text": PI, "entry": "nl/system-requirements"}
    )
    assert response.status_code == 303
    assert ask(app, PI) == {"route": "faq", "faq": "system-requirements"}
    decided = groups(app)[0]
    assert (decided.status, decided.entry_ref, decided.text) == (
        "taught", "nl/system-requirements", PI,
    )  # fmt: skip
    with rt_of(app).db.session() as session:
        assert session.scalars(select(LearnedPhrasing.text)).all() == [PI]
        assert session.scalars(select(AuditEntry.action)).all()[-1] == "miss_taught"
    assert PI in console.get("/staff/misses/", query_string={"status": "taught"}).text
    assert PI not in console.get("/staff/misses/").text


def test_a_proposed_entry_keeps_text_language_and_product(app: Flask, console: Console) -> None:
    ask(app, PI)
    group = groups(app)[0]
    draft = "Werkt AppointPress op een Raspberry Pi?"
    response = console.post(
        f"/staff/misses/{group.id}/propose", {"text": draft, "product": "appointpress"}
    )
    assert response.status_code == 303
    decided = groups(app)[0]
    assert (decided.status, decided.text, decided.language, decided.product) == (
        "proposed", draft, "nl", "appointpress",
    )  # fmt: skip
    assert draft in console.get("/staff/misses/", query_string={"status": "proposed"}).text


def test_ignored_groups_leave_the_queue(app: Flask, console: Console) -> None:
    ask(app, PI)
    assert console.post(f"/staff/misses/{groups(app)[0].id}/ignore").status_code == 303
    assert groups(app)[0].status == "ignored"
    assert PI not in console.get("/staff/misses/").text


@pytest.mark.parametrize(
    ("form", "status", "said"),
    [
        ({"text": PI, "entry": "nl/no-such-entry"}, 400, "no FAQ entry nl/no-such-entry"),
        ({"text": PI, "entry": "system-requirements"}, 400, "no FAQ entry"),
        ({"text": "   ", "entry": "nl/system-requirements"}, 400, "the phrasing is empty"),
        ({"text": "x" * 600, "entry": "nl/system-requirements"}, 400, "longer than 500"),
    ],
)
def test_a_wrong_teaching_is_refused_and_logged(
    app: Flask,
    console: Console,
    caplog: pytest.LogCaptureFixture,
    form: dict[str, str],
    status: int,
    said: str,
) -> None:
    ask(app, PI)
    group = groups(app)[0]
    with caplog.at_level(logging.INFO, logger="bot"):
        response = console.post(f"/staff/misses/{group.id}/teach", form)
    assert response.status_code == status
    assert said in response.text and said in caplog.text
    assert groups(app)[0].status == "open"


def test_a_group_is_decided_once_and_a_missing_one_is_404(app: Flask, console: Console) -> None:
    ask(app, PI)
    group = groups(app)[0]
    assert console.post(f"/staff/misses/{group.id}/ignore").status_code == 303
    again = console.post(f"/staff/misses/{group.id}/teach", {"text": PI, "entry": "nl/refund"})
    assert again.status_code == 409 and "already ignored" in again.text
    assert console.post("/staff/misses/999999/ignore").status_code == 404


def test_a_decision_without_the_csrf_token_is_refused(app: Flask, console: Console) -> None:
    ask(app, PI)
    group = groups(app)[0]
    response = console.client.post(f"/staff/misses/{group.id}/ignore")
    assert response.status_code == 403
    assert groups(app)[0].status == "open"


def seed_groups(app: Flask, first: int, count: int) -> None:
    now = datetime.now(UTC)
    with rt_of(app).db.session() as session:
        conversation_id = rt_of(app).conversations.start(channel="widget").conversation_id
        for n in range(first, first + count):
            group = MissedGroup(
                language="nl", status="open", size=n + 1, first_seen=now, last_seen=now
            )
            session.add(group)
            session.flush()
            session.add_all(
                MissedQuestion(
                    group_id=group.id,
                    conversation_id=conversation_id,
                    reason="no_match",
                    text=f"vraag {n} variant {k}",
                    similarity_key=f"vraag{n}",
                    created_at=now,
                )  # fmt: skip
                for k in range(4)
            )


def test_the_page_takes_the_same_few_queries_for_5_or_120_groups(
    app: Flask, console: Console
) -> None:
    seed_groups(app, 0, 5)
    with counted_selects(app) as few:
        assert console.get("/staff/misses/").status_code == 200
    seed_groups(app, 5, 115)
    with counted_selects(app) as many:
        html = console.get("/staff/misses/").text
    assert len(many) == len(few) <= 8, many
    assert html.count('class="missed-group"') == PAGE_SIZE  # one page
    assert "vraag 119 variant 3" in html  # the biggest group first, its latest question first


def test_a_colleague_removes_a_wrong_teaching_and_every_worker_stops_using_it(
    app: Flask, console: Console
) -> None:
    other = build_runtime(rt_of(app).config)  # a second worker on the same database
    try:
        ask(app, PI)
        group = groups(app)[0]
        console.post(f"/staff/misses/{group.id}/teach", {"text": PI, "entry": "nl/debug-log"})
        assert ask_on(other, PI) == "debug-log"  # the wrong entry, on both workers
        with rt_of(app).db.session() as session:
            taught = session.scalars(select(LearnedPhrasing)).one()
        page = console.get("/staff/misses/", query_string={"status": "taught"}).text
        assert f'data-phrasing="{taught.id}"' in page
        response = console.post(f"/staff/misses/phrasings/{taught.id}/remove", {})
        assert response.status_code == 303
        assert ask_on(other, PI) is None and ask(app, PI)["faq"] is None
        assert (groups(app)[0].status, groups(app)[0].entry_ref) == ("open", None)  # to review
        page = console.get("/staff/misses/", query_string={"status": "taught"}).text
        assert f'data-phrasing="{taught.id}"' not in page
        with rt_of(app).db.session() as session:
            assert session.scalars(select(AuditEntry.action)).all()[-1] == "phrasing_removed"
        again = console.post(f"/staff/misses/phrasings/{taught.id}/remove", {})
        assert again.status_code == 404
        # taught again, rightly this time: the generation the workers compare has moved on
        console.post(
            f"/staff/misses/{group.id}/teach", {"text": PI, "entry": "nl/system-requirements"}
        )
        assert ask_on(other, PI) == "system-requirements"
    finally:
        other.db.dispose()


def ask_on(rt: Runtime, text: str) -> str | None:
    started = rt.conversations.start(channel="widget", language="nl")
    turn = rt.conversations.post(started.public_id, started.token, text)
    return turn.faq.id if turn.faq else None
