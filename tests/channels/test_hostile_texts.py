"""Texts that crashed the engine, and a sample of real ones, through every customer channel.

The JSON API, the widget socket's session and the FAQ search box, on SQLite and PostgreSQL:
no 500, every message stored and answered, no logged error (the autouse ``bot_errors``
fixture). Before the fix of issue 10 the API answered 500 and lost the message, and the search
box answered 500 while the customer typed "Contact Form 7". (Email: ``email/test_hostile_texts``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.channels.widget.session import WidgetSession
from bot.core.licence_keys import mask_licence_keys
from tests.conftest import make_config
from tests.hostile_texts import CRASHERS, letters_that_fold_to_nothing
from tests.live_server import LiveServer
from tests.realworld_texts import real_sample

# The analysis cut (2,000 characters) falls right after "Smart Slider" of "Smart Slider 3".
NAME_ACROSS_THE_CUT = ("Our reminders stopped. " * 90)[: 2000 - 13] + " Smart Slider 3 is on"
HOSTILE = [
    *CRASHERS,
    NAME_ACROSS_THE_CUT,
    " ".join(f"{letter} Optimizer" for letter in letters_that_fold_to_nothing()),
    *(real.text for real in real_sample()),
]
TYPED = [
    *CRASHERS,
    "I'm getting lots of spam through my Contact Form 7 form",
    "Smart Slider 3 toont niets meer",
]


@pytest.fixture
def hostile_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """An app whose rate limits do not get in the way of a few dozen messages."""
    config = make_config(tmp_path, database_url, rate_per_ip=100_000, rate_per_conversation=100_000)
    application = create_app(config)
    application.config["TESTING"] = True
    yield application
    application.extensions["supportbot"].db.dispose()


@pytest.fixture
def web(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


def start(web: FlaskClient, language: str = "en") -> dict[str, Any]:
    response = web.post("/api/conversations", json={"language": language})
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def customer_texts(web: FlaskClient, conversation: dict[str, Any]) -> list[str]:
    response = web.get(
        f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )
    assert response.status_code == 200
    return [m["text"] for m in response.get_json()["messages"] if m["role"] == "customer"]


def test_every_hostile_text_is_answered_and_stored_by_the_json_api(web: FlaskClient) -> None:
    assert len(HOSTILE) >= len(CRASHERS) + 2
    for number, text in enumerate(HOSTILE):
        conversation = start(web)
        response = web.post(
            f"/api/conversations/{conversation['conversation_id']}/messages",
            json={"text": text, "client_id": f"m{number}"},
            headers={"Authorization": f"Bearer {conversation['token']}"},
        )
        assert response.status_code == 200, (text[:80], response.get_json())
        turn = response.get_json()
        assert turn["messages"] or turn["ticket"], text[:80]
        assert customer_texts(web, conversation) == [mask_licence_keys(text).text]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 5.0  # a customer types: the frame budget never runs out
        return self.now


def test_every_hostile_text_gets_a_turn_frame_over_the_widget_socket(
    hostile_app: Flask, web: FlaskClient
) -> None:
    rt: Runtime = runtime(hostile_app)
    conversation = start(web)
    frames: list[dict[str, Any]] = []
    session = WidgetSession(rt, frames.append, client_ip="203.0.113.9", clock=Clock())
    auth = {"type": "auth", "conversation_id": conversation["conversation_id"]}
    session.on_text(json.dumps({**auth, "token": conversation["token"]}))
    assert [frame["type"] for frame in frames] == ["ready"]
    for number, text in enumerate(HOSTILE):
        frames.clear()
        session.on_text(json.dumps({"type": "message", "text": text, "client_id": f"w{number}"}))
        kinds = [frame["type"] for frame in frames]
        assert "error" not in kinds, (text[:80], frames)
        (turn,) = [frame for frame in frames if frame["type"] == "turn"]
        assert turn["client_id"] == f"w{number}"
    session.release()
    assert customer_texts(web, conversation) == [mask_licence_keys(t).text for t in HOSTILE]


def test_every_keystroke_of_a_typed_question_gets_search_results(web: FlaskClient) -> None:
    for number, typed in enumerate(TYPED):
        address = f"198.51.100.{number + 1}"  # one typist each: the search limit is per address
        for end in range(1, len(typed) + 1):
            query = urlencode({"q": typed[:end], "lang": "en"})
            response = web.get(f"/api/faq/search?{query}", environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 200, (typed[:end], response.data[:200])
            assert isinstance(response.get_json()["results"], list)


def test_the_real_sample_and_long_texts_get_search_results(web: FlaskClient) -> None:
    for number, text in enumerate(HOSTILE):
        query = urlencode({"q": text, "lang": "nl"})
        address = f"203.0.113.{number % 250 + 1}"
        response = web.get(f"/api/faq/search?{query}", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200, (text[:80], response.data[:200])


def test_a_real_server_answers_the_crash_texts_and_logs_no_error(live_server: LiveServer) -> None:
    """Over HTTP to `supportbot serve`; the autouse guard reads the server's log afterwards."""
    for text in CRASHERS:
        conversation = live_server.start_conversation("en")
        status, turn = live_server.request(
            "POST",
            f"/api/conversations/{conversation['conversation_id']}/messages",
            {"text": text},
            headers={"Authorization": f"Bearer {conversation['token']}"},
        )
        assert status == 200 and turn["messages"], (text, status, turn)
