"""The widget socket's protocol, without a socket: frames in, frames out, bus notices."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bot.app import create_app
from bot.channels.runtime import Runtime, runtime
from bot.channels.widget.session import CLOSE_POLICY, WidgetSession
from bot.config import Config
from bot.helpdesk.bus import conversation_topic
from bot.helpdesk.conversations import Started
from bot.helpdesk.notices import NewMessages, Notice, QueueChange, TicketUpdate, Typing
from bot.storage import repositories as repo
from bot.storage.models import Conversation
from tests.conftest import make_config
from tests.live_server import reachable_redis_url

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'

MAX_CHARS = Config().max_message_chars


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Client:
    """A session plus the frames it sent, as a test's stand-in for the browser."""

    def __init__(self, rt: Runtime, clock: Clock, ip: str = "203.0.113.7") -> None:
        self.frames: list[dict[str, Any]] = []
        self.session = WidgetSession(rt, self.frames.append, client_ip=ip, clock=clock)

    def send(self, frame: dict[str, Any] | str | bytes) -> list[dict[str, Any]]:
        """Send one frame; the frames the server sent back because of it."""
        before = len(self.frames)
        self.session.on_text(frame if isinstance(frame, str | bytes) else json.dumps(frame))
        return self.frames[before:]

    def types(self) -> list[str]:
        return [frame["type"] for frame in self.frames]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rt(sqlite_app: Flask) -> Runtime:
    return runtime(sqlite_app)


def start(rt: Runtime, language: str = "nl") -> Started:
    return rt.conversations.start(channel="widget", language=language)


def connect(rt: Runtime, clock: Clock, started: Started, ip: str = "203.0.113.7") -> Client:
    client = Client(rt, clock, ip)
    reply = client.send(
        {"type": "auth", "conversation_id": started.public_id, "token": started.token}
    )
    assert [frame["type"] for frame in reply] == ["ready"], reply
    client.frames.clear()
    return client


def staff_reply(rt: Runtime, conversation_id: int, text: str, *, publish: bool = True) -> int:
    """What the staff console does: store the reply, then publish the notice (``publish``
    False: the notice is still on its way, through Redis say)."""
    with rt.db.session() as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        seq = repo.append_message(session, conversation, "staff", text, html=f"<p>{text}</p>").seq
    if publish:
        rt.bus.publish(conversation_topic(conversation_id), NewMessages(seq))
    return seq


# -- authentication ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "first",
    [
        {"type": "message", "text": "hallo"},
        {"type": "typing"},
        {"type": "ping"},
        "not json at all",
        "[1, 2, 3]",
        '{"type": 5}',
        '{"type": "dance"}',
        b"\xff\xfe\x00",
    ],
)
def test_a_first_frame_other_than_auth_gets_an_error_and_a_close(
    rt: Runtime, clock: Clock, first: Any
) -> None:
    client = Client(rt, clock)
    reply = client.send(first)
    assert [frame["type"] for frame in reply] == ["error"]
    assert client.session.closed and client.session.close_code == CLOSE_POLICY


def test_ready_carries_the_state_last_seq_and_ticket(rt: Runtime, clock: Clock) -> None:
    started = start(rt, "en")
    client = Client(rt, clock)
    [ready] = client.send(
        {"type": "auth", "conversation_id": started.public_id, "token": started.token}
    )
    assert ready["type"] == "ready"
    assert ready["state"]["language"] == "en"
    assert ready["state"]["last_seq"] == len(started.messages)
    assert ready["state"]["ticket"] is None
    assert not client.session.closed


@pytest.mark.parametrize(
    "forgery", ["wrong token", "other conversation's token", "unknown id", "no token"]
)
def test_a_forged_or_stolen_token_is_refused_the_same_way(
    rt: Runtime, clock: Clock, forgery: str
) -> None:
    mine, other = start(rt), start(rt)
    frame: dict[str, Any] = {"type": "auth", "conversation_id": mine.public_id, "token": mine.token}
    if forgery == "wrong token":
        frame["token"] = mine.token[:-2] + "xx"
    elif forgery == "other conversation's token":
        frame["token"] = other.token
    elif forgery == "unknown id":
        frame["conversation_id"] = "does-not-exist"
    else:
        del frame["token"]
    client = Client(rt, clock)
    [error] = client.send(frame)
    expected = "invalid_field" if forgery == "no token" else "not_found"
    assert error == {"type": "error", "error": expected, "message": error["message"]}
    assert client.session.closed
    assert rt.presence.is_online(mine.conversation_id) is False


@pytest.mark.parametrize("field", ["conversation_id", "token"])
def test_an_auth_frame_with_a_lone_surrogate_is_refused_cleanly(
    rt: Runtime, clock: Clock, field: str
) -> None:
    mine = start(rt)
    frame = {"type": "auth", "conversation_id": mine.public_id, "token": mine.token}
    frame[field] = frame[field][:5] + "\ud800"
    client = Client(rt, clock)
    [error] = client.send(json.dumps(frame))  # json.dumps writes the "\ud800" escape
    assert error["type"] == "error" and error["error"] == "invalid_field"
    assert client.session.closed


def test_no_auth_within_the_timeout_closes_the_socket(rt: Runtime, clock: Clock) -> None:
    client = Client(rt, clock)
    assert client.session.wait_timeout() == pytest.approx(10.0)
    clock.advance(10.5)
    assert client.session.wait_timeout() == 0.0
    client.session.on_timeout()
    assert client.types() == ["error"] and client.frames[0]["error"] == "auth_timeout"
    assert client.session.closed


def test_a_second_auth_frame_is_refused_and_the_socket_stays(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    [error] = client.send(
        {"type": "auth", "conversation_id": started.public_id, "token": started.token}
    )
    assert error["error"] == "already_authenticated"
    assert not client.session.closed


def test_connection_attempts_from_one_address_are_rate_limited(
    tmp_path: Path, sqlite_url: str, clock: Clock
) -> None:
    app = create_app(make_config(tmp_path, sqlite_url, rate_per_ip=3))
    rt = runtime(app)
    started = start(rt)
    frame = {"type": "auth", "conversation_id": started.public_id, "token": "guess"}
    errors = [Client(rt, clock).send(frame)[0]["error"] for _ in range(4)]
    assert errors == ["not_found", "not_found", "not_found", "rate_limited"]
    assert Client(rt, clock, ip="198.51.100.1").send(frame)[0]["error"] == "not_found"
    rt.db.dispose()


# -- messages ---------------------------------------------------------------------------------
def test_a_message_gets_typing_then_the_turn_with_its_client_id(rt: Runtime, clock: Clock) -> None:
    client = connect(rt, clock, start(rt))
    reply = client.send(
        {"type": "message", "text": "Hoe verleng ik mijn licentie?", "client_id": "c-1"}
    )
    assert [frame["type"] for frame in reply] == ["typing", "turn"]
    assert reply[0]["who"] == "bot"
    turn = reply[1]
    assert turn["client_id"] == "c-1"
    assert turn["route"] and turn["messages"]
    assert all(isinstance(message["seq"], int) for message in turn["messages"])
    assert turn["state"]["language"] == "nl"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{nope", "invalid_json"),
        (b"\xc3\x28", "invalid_json"),
        ("[]", "invalid_frame"),
        ('"a string"', "invalid_frame"),
        ('{"text": "no type"}', "invalid_frame"),
        ('{"type": "subscribe"}', "unknown_type"),
        ('{"type": "message"}', "invalid_field"),
        ('{"type": "message", "text": 42}', "invalid_field"),
        ('{"type": "message", "text": ["a"]}', "invalid_field"),
        ('{"type": "message", "text": "a\\u0000b"}', "invalid_text"),
        ('{"type": "message", "text": "lone \\ud800"}', "invalid_text"),
        ('{"type": "message", "text": "hoi", "client_id": "\\udc00"}', "invalid_field"),
        ('{"type": "message", "text": "   "}', "empty_text"),
        (json.dumps({"type": "message", "text": "x" * (MAX_CHARS + 1)}), "text_too_long"),
        (json.dumps({"type": "message", "text": "hoi", "client_id": "c" * 65}), "invalid_field"),
        ("[" * 100_000 + "]" * 100_000, "invalid_json"),
    ],
)
def test_malformed_frames_get_an_error_and_the_socket_stays(
    rt: Runtime, clock: Clock, raw: str | bytes, code: str
) -> None:
    client = connect(rt, clock, start(rt))
    reply = client.send(raw)
    assert reply[-1]["type"] == "error" and reply[-1]["error"] == code
    assert not client.session.closed
    assert client.send({"type": "ping"}) == [{"type": "pong"}]


def test_an_error_about_a_message_names_its_client_id(rt: Runtime, clock: Clock) -> None:
    client = connect(rt, clock, start(rt))
    [error] = client.send({"type": "message", "text": "x" * (MAX_CHARS + 1), "client_id": "c-9"})
    assert error["error"] == "text_too_long" and error["client_id"] == "c-9"


def test_a_retried_message_is_answered_again_and_stored_once(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    first = connect(rt, clock, started).send(
        {"type": "message", "text": "Ik wil mijn factuur", "client_id": "same"}
    )[-1]
    again = connect(rt, clock, started).send(
        {"type": "message", "text": "Ik wil mijn factuur", "client_id": "same"}
    )[-1]
    assert again["type"] == "turn" and again["replayed"] is True
    assert [m["seq"] for m in again["messages"]] == [m["seq"] for m in first["messages"]]
    transcript = rt.conversations.transcript(started.public_id, started.token)
    customer = [m for m in transcript["messages"] if m["role"] == "customer"]
    assert [m["text"] for m in customer] == ["Ik wil mijn factuur"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_html_and_script_typed_by_a_customer_never_come_back_as_markup(
    rt: Runtime, clock: Clock, language: str
) -> None:
    started = start(rt, language)
    client = connect(rt, clock, started)
    texts = [XSS, f"Mijn plugin {XSS} werkt niet", f"versie {XSS}", f"email: {XSS}@example.com"]
    for text in texts:
        turn = client.send({"type": "message", "text": text})[-1]
        for message in turn["messages"]:
            assert "<img" not in message["html"] and "<script" not in message["html"]
            assert "onerror=" not in message["html"].replace("onerror=&quot;", "")
    transcript = rt.conversations.transcript(started.public_id, started.token)
    stored = [m for m in transcript["messages"] if m["role"] == "customer"]
    assert [m["text"] for m in stored] == texts  # kept as the customer typed it: it is text
    assert all(m["html"] == "" for m in stored)


def test_messages_share_the_api_rate_limit_per_conversation(
    tmp_path: Path, sqlite_url: str, clock: Clock
) -> None:
    app = create_app(make_config(tmp_path, sqlite_url, rate_per_conversation=2))
    rt = runtime(app)
    client = connect(rt, clock, start(rt))
    replies = [
        client.send({"type": "message", "text": f"vraag {n}", "client_id": f"c{n}"})[-1]
        for n in range(3)
    ]
    assert [frame["type"] for frame in replies] == ["turn", "turn", "error"]
    assert replies[2]["error"] == "rate_limited" and replies[2]["retry_after"] >= 1
    assert replies[2]["client_id"] == "c2"
    rt.db.dispose()


def test_a_flood_of_frames_is_dropped_cheaply_then_disconnected(rt: Runtime, clock: Clock) -> None:
    client = connect(rt, clock, start(rt))
    for _ in range(100 * 5):  # 100 frames a second for five seconds
        client.send({"type": "message", "text": "spam"})
        clock.advance(0.01)
        if client.session.closed:
            break
    warnings = [f for f in client.frames if f["type"] == "error" and "frames" in f["message"]]
    handled = len(client.frames) - len(warnings) - client.types().count("typing")
    assert client.session.closed and client.session.close_code == CLOSE_POLICY
    assert handled <= 30 + 10 * 5  # the burst, then the refill rate; the rest was never parsed
    assert 1 <= len(warnings) <= 6  # told about once a second, not once per frame


# -- live pushes --------------------------------------------------------------------------------
def test_a_staff_reply_reaches_the_socket_as_a_staff_message(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    seq = staff_reply(rt, started.conversation_id, "Ik kijk er even naar")
    assert client.frames == [
        {
            "type": "staff_message",
            "conversation_id": started.public_id,
            "seq": seq,
            "role": "staff",
            "text": "Ik kijk er even naar",
            "html": "<p>Ik kijk er even naar</p>",
            "quick_replies": [],
            "links": [],
            "created_at": client.frames[0]["created_at"],
        }
    ]


def test_nothing_leaks_to_a_socket_of_another_conversation(rt: Runtime, clock: Clock) -> None:
    mine, theirs = start(rt), start(rt)
    me, them = connect(rt, clock, mine), connect(rt, clock, theirs)
    staff_reply(rt, theirs.conversation_id, "Uw licentiecode is ABCD")
    me.send({"type": "message", "text": "hallo"})
    assert them.types() == ["staff_message"]
    assert "staff_message" not in me.types()
    assert all(frame.get("conversation_id") in (None, mine.public_id) for frame in me.frames)


def test_the_own_turn_is_not_echoed_after_its_bus_notice(rt: Runtime, clock: Clock) -> None:
    client = connect(rt, clock, start(rt))
    client.send({"type": "message", "text": "Hoe installeer ik de plugin?"})
    client.send({"type": "message", "text": "bedankt"})
    assert client.types() == ["typing", "turn", "typing", "turn"]


def test_the_echo_of_an_own_turn_arriving_after_it_is_ignored(rt: Runtime, clock: Clock) -> None:
    """Through Redis, the notice of the socket's own turn may come after the turn frame."""
    started = start(rt)
    client = connect(rt, clock, started)
    client.send({"type": "message", "text": "Hoe installeer ik de plugin?"})
    last = max(m["seq"] for m in client.frames[-1]["messages"])
    rt.bus.publish(conversation_topic(started.conversation_id), NewMessages(last))
    assert client.types() == ["typing", "turn"]


def test_a_staff_reply_stored_just_before_the_turn_is_delivered_with_it(
    rt: Runtime, clock: Clock
) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    seq = staff_reply(rt, started.conversation_id, "Ik ben er", publish=False)
    client.send({"type": "message", "text": "Hoe installeer ik de plugin?"})
    # in seq order: the widget draws a message only if its seq is above the last one drawn
    assert client.types() == ["typing", "staff_message", "turn"]
    assert client.frames[1]["seq"] == seq < min(m["seq"] for m in client.frames[2]["messages"])
    rt.bus.publish(conversation_topic(started.conversation_id), NewMessages(seq))
    assert client.types() == ["typing", "staff_message", "turn"]  # its late notice: nothing new


def test_a_message_written_elsewhere_is_announced_with_a_sync(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    turn = rt.conversations.post(started.public_id, started.token, "vanuit een ander tabblad")
    assert client.frames == [{"type": "sync", "last_seq": max(m["seq"] for m in turn.messages)}]


def test_a_staff_reply_stored_while_the_bot_answers_follows_the_turn(
    rt: Runtime, clock: Clock
) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    replied: list[int] = []

    def staff_answers_at_once(notice: Notice) -> None:
        if isinstance(notice, NewMessages) and not replied:
            replied.append(0)  # the reply's own notice comes back here: answer once
            replied[0] = staff_reply(rt, started.conversation_id, "Ik neem het over")

    rt.bus.subscribe(conversation_topic(started.conversation_id), staff_answers_at_once)
    client.send({"type": "message", "text": "Ik wil een medewerker spreken"})
    assert client.types() == ["typing", "turn", "staff_message"]
    assert client.frames[2]["seq"] == replied[0]


@pytest.mark.parametrize(
    ("notice", "frame"),
    [
        (Typing("staff"), {"type": "typing", "who": "staff"}),
        (Typing("customer"), None),
        (TicketUpdate("NME-1001", "resolved"),
         {"type": "ticket_update", "number": "NME-1001", "status": "resolved"}),
        (QueueChange("conversation", 1), None),  # the console's kind of notice
    ],
)  # fmt: skip
def test_bus_notices_become_frames(
    rt: Runtime, clock: Clock, notice: Notice, frame: dict[str, Any] | None
) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    rt.bus.publish(conversation_topic(started.conversation_id), notice)
    assert client.frames == ([frame] if frame else [])


def test_customer_typing_is_published_at_most_every_two_seconds(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    heard: list[Notice] = []
    rt.bus.subscribe(conversation_topic(started.conversation_id), heard.append)
    for _ in range(10):
        client.send({"type": "typing"})
        clock.advance(0.5)
    assert heard == [Typing("customer")] * 3
    assert client.frames == []


# -- presence and the end -----------------------------------------------------------------------
def test_presence_follows_the_socket(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    assert not rt.presence.is_online(started.conversation_id)
    first, second = connect(rt, clock, started), connect(rt, clock, started)
    assert rt.presence.is_online(started.conversation_id)
    first.session.release()
    assert rt.presence.is_online(started.conversation_id)
    second.session.release()
    second.session.release()
    assert not rt.presence.is_online(started.conversation_id)


def test_a_released_session_hears_no_more_notices(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    client.session.release()
    staff_reply(rt, started.conversation_id, "hallo?")
    assert client.frames == []


def test_ending_closes_the_conversation_and_the_socket(rt: Runtime, clock: Clock) -> None:
    started = start(rt)
    client = connect(rt, clock, started)
    [ended] = client.send({"type": "end"})
    assert ended == {"type": "ended", "state": {**ended["state"], "status": "closed"}}
    assert client.session.closed and client.session.close_code == 1000
    assert (
        rt.conversations.transcript(started.public_id, started.token)["state"]["status"] == "closed"
    )


@pytest.fixture
def redis_runtime(tmp_path: Path, sqlite_url: str) -> Iterator[Runtime]:
    url = reachable_redis_url()
    app = create_app(make_config(tmp_path, sqlite_url, redis_url=url))
    rt = runtime(app)
    yield rt
    rt.bus.close()
    rt.db.dispose()


def delivered_seqs(client: Client) -> list[int]:
    """The seq of every message the socket sent, in the order it sent them."""
    seqs: list[int] = []
    for frame in client.frames:
        if frame["type"] == "turn":
            seqs += [message["seq"] for message in frame["messages"]]
        elif frame["type"] == "staff_message":
            seqs.append(frame["seq"])
    return seqs


@pytest.mark.parametrize("bus", ["local", "redis"])
def test_a_socket_receives_each_of_its_own_turns_exactly_once(
    request: pytest.FixtureRequest, bus: str, clock: Clock
) -> None:
    """The turn frame goes out before the turn's notice, here at once or back through Redis."""
    rt: Runtime = request.getfixturevalue("rt" if bus == "local" else "redis_runtime")
    started = start(rt)
    client = connect(rt, clock, started, ip=f"192.0.2.{os.getpid() % 250}")
    request.addfinalizer(client.session.release)  # Redis keeps presence beyond this database
    heard: list[int] = []  # subscribed after the socket: hears each notice after it did
    topic = conversation_topic(started.conversation_id)
    rt.bus.subscribe(topic, lambda n: heard.append(n.seq) if isinstance(n, NewMessages) else None)
    for text in ("Hoe installeer ik de plugin?", "en updaten?", "bedankt"):
        client.send({"type": "message", "text": text})
    last = client.frames[-1]["messages"][-1]["seq"]
    deadline = time.monotonic() + 5
    while last not in heard and time.monotonic() < deadline:
        time.sleep(0.01)  # through Redis, the notices come back on the listener's thread
    assert last in heard
    assert client.types() == ["typing", "turn"] * 3
    since_ready = rt.conversations.messages_after(started.conversation_id, len(started.messages))
    assert delivered_seqs(client) == [m["seq"] for m in since_ready if m["role"] == "bot"]


def test_a_staff_reply_crosses_workers_through_redis(redis_runtime: Runtime, clock: Clock) -> None:
    rt = redis_runtime
    started = start(rt)
    client = connect(rt, clock, started, ip=f"192.0.2.{os.getpid() % 250}")
    time.sleep(0.3)  # the listener thread subscribes
    staff_reply(rt, started.conversation_id, "via Redis")
    deadline = time.monotonic() + 5
    while not client.frames and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [(f["type"], f["text"]) for f in client.frames] == [("staff_message", "via Redis")]
    assert rt.presence.is_online(started.conversation_id)
    client.session.release()
    assert not rt.presence.is_online(started.conversation_id)
