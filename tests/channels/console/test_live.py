"""The console socket's protocol without a socket: queue notices, the watched ticket, who else
is viewing or replying (across sessions, over the bus), typing, and the session re-check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.channels.console.live import (
    ANNOUNCE_EVERY_S,
    CLOSE_UNAUTHORIZED,
    RECHECK_EVERY_S,
    REPLYING_FOR_S,
    VIEWER_TTL_S,
    ConsoleSession,
    viewers_topic,
)
from bot.channels.console.outage_poll import LiveMarks
from bot.helpdesk.bus import STAFF_TOPIC, LocalBus, conversation_topic
from bot.helpdesk.notices import NewMessages, Notice, QueueChange, TicketUpdate, Typing

TICKETS = {"NME-1001": 11, "NME-1002": 12}


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Tab:
    """One console tab: its session and what it was sent."""

    session: ConsoleSession
    sent: list[dict[str, Any]] = field(default_factory=list)
    valid: list[bool] = field(default_factory=lambda: [True])

    def frames(self, kind: str) -> list[dict[str, Any]]:
        return [frame for frame in self.sent if frame.get("type") == kind]

    def viewers(self) -> list[dict[str, Any]]:
        frames = self.frames("viewers")
        return frames[-1]["viewers"] if frames else []

    def send(self, frame: dict[str, Any]) -> None:
        self.session.on_text(json.dumps(frame))


@pytest.fixture
def bus() -> LocalBus:
    return LocalBus()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def never_polled(conversation_id: int | None) -> LiveMarks:
    """The local bus always hears everything: no reason to read the database."""
    pytest.fail("a console on a connected bus polled the database")


def open_tab(bus: LocalBus, clock: Clock, staff_id: int, name: str) -> Tab:
    sent: list[dict[str, Any]] = []
    valid = [True]
    session = ConsoleSession(
        bus,
        sent.append,
        staff_id=staff_id,
        staff_name=name,
        lookup=TICKETS.get,
        still_valid=lambda: valid[0],
        read_marks=never_polled,
        clock=clock,
    )
    return Tab(session, sent, valid)


def test_queue_notices_reach_every_console(bus: LocalBus, clock: Clock) -> None:
    piet, kees = open_tab(bus, clock, 1, "Piet"), open_tab(bus, clock, 2, "Kees")
    bus.publish(STAFF_TOPIC, QueueChange("ticket", 11))
    bus.publish(STAFF_TOPIC, QueueChange("conversation", 12))
    bus.publish(STAFF_TOPIC, Typing("customer"))  # not a queue change: no frame
    for tab in (piet, kees):
        assert tab.frames("queue") == [
            {"type": "queue", "kind": "ticket", "conversation": 11},
            {"type": "queue", "kind": "conversation", "conversation": 12},
        ]


def test_a_watched_ticket_forwards_its_messages_updates_and_customer_typing(
    bus: LocalBus, clock: Clock
) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    tab.send({"type": "watch", "ticket": "NME-1001"})
    assert tab.frames("watching") == [{"type": "watching", "ticket": "NME-1001"}]
    topic = conversation_topic(11)
    bus.publish(topic, NewMessages(7))
    bus.publish(topic, TicketUpdate("NME-1001", "open"))
    bus.publish(topic, TicketUpdate("NME-1001", "waiting", by="staff", staff_id=1))
    bus.publish(topic, TicketUpdate("NME-1001", "open", by="customer"))
    bus.publish(topic, Typing("customer"))
    bus.publish(topic, Typing("staff"))  # our own kind: not echoed
    bus.publish(conversation_topic(12), NewMessages(3))  # another ticket
    assert tab.frames("messages") == [{"type": "messages", "seq": 7}]
    update = {"type": "ticket_update", "number": "NME-1001"}
    assert tab.frames("ticket_update") == [
        {**update, "status": "open", "by": "staff", "mine": False},  # an older worker's notice
        {**update, "status": "waiting", "by": "staff", "mine": True},  # Piet's own change
        {**update, "status": "open", "by": "customer", "mine": False},  # the customer wrote
    ]
    assert tab.frames("typing") == [{"type": "typing", "who": "customer"}]


@pytest.mark.parametrize(
    "frame",
    [
        {"type": "watch", "ticket": "NME-9999"},
        {"type": "watch", "ticket": 1001},
        {"type": "watch"},
        {"type": "watch", "ticket": "NME-\ud800"},  # never reaches the database
    ],
)
def test_watching_an_unknown_ticket_is_an_error(bus: LocalBus, clock: Clock, frame: Any) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    tab.send(frame)
    assert tab.frames("error") == [{"type": "error", "error": "not_found"}]
    assert not tab.session.closed


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        json.dumps({"type": "launch"}),
        "x" * 5000,
        "[" * 1000 + "]" * 1000,  # within the frame limit, nested deeper than the parser goes
    ],
)
def test_bad_frames_get_an_error_and_the_socket_stays(
    bus: LocalBus, clock: Clock, raw: str
) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    tab.session.on_text(raw)
    assert len(tab.frames("error")) == 1 and not tab.session.closed


def test_staff_see_each_other_on_a_ticket_and_who_is_replying(bus: LocalBus, clock: Clock) -> None:
    piet, kees = open_tab(bus, clock, 1, "Piet"), open_tab(bus, clock, 2, "Kees")
    piet.send({"type": "watch", "ticket": "NME-1001"})
    kees.send({"type": "watch", "ticket": "NME-1001"})
    assert piet.viewers() == [{"id": 2, "name": "Kees", "replying": False}]
    assert kees.viewers() == [{"id": 1, "name": "Piet", "replying": False}]
    heard: list[Notice] = []
    bus.subscribe(conversation_topic(11), heard.append)
    kees.send({"type": "typing"})
    assert piet.viewers() == [{"id": 2, "name": "Kees", "replying": True}]
    assert Typing("staff") in heard  # the customer's widget shows it too
    clock.now += REPLYING_FOR_S
    kees.session.on_timeout()
    assert piet.viewers() == [{"id": 2, "name": "Kees", "replying": False}]
    kees.session.release()
    assert piet.viewers() == []


def test_someone_on_another_ticket_is_not_a_viewer(bus: LocalBus, clock: Clock) -> None:
    piet, kees = open_tab(bus, clock, 1, "Piet"), open_tab(bus, clock, 2, "Kees")
    piet.send({"type": "watch", "ticket": "NME-1001"})
    kees.send({"type": "watch", "ticket": "NME-1002"})
    assert piet.viewers() == [] and kees.viewers() == []


def test_two_tabs_of_one_person_count_once_and_never_as_someone_else(
    bus: LocalBus, clock: Clock
) -> None:
    piet_a, piet_b = open_tab(bus, clock, 1, "Piet"), open_tab(bus, clock, 1, "Piet")
    kees_a, kees_b = open_tab(bus, clock, 2, "Kees"), open_tab(bus, clock, 2, "Kees")
    for tab in (piet_a, piet_b, kees_a, kees_b):
        tab.send({"type": "watch", "ticket": "NME-1001"})
    assert piet_a.viewers() == [{"id": 2, "name": "Kees", "replying": False}]
    kees_a.session.release()
    assert piet_a.viewers() == [{"id": 2, "name": "Kees", "replying": False}]  # tab b is open


def test_a_viewer_that_stops_announcing_disappears(bus: LocalBus, clock: Clock) -> None:
    """A worker that died never says "left": its viewers expire."""
    piet, kees = open_tab(bus, clock, 1, "Piet"), open_tab(bus, clock, 2, "Kees")
    piet.send({"type": "watch", "ticket": "NME-1001"})
    kees.send({"type": "watch", "ticket": "NME-1001"})
    for _ in range(4):  # both keep announcing: nobody expires
        clock.now += ANNOUNCE_EVERY_S
        piet.session.on_timeout()
        kees.session.on_timeout()
    assert piet.viewers() == [{"id": 2, "name": "Kees", "replying": False}]
    clock.now += VIEWER_TTL_S + 1  # Kees's worker is gone: no more announcements
    piet.session.on_timeout()
    assert piet.viewers() == []


def test_a_session_that_ended_closes_the_socket(bus: LocalBus, clock: Clock) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    clock.now += RECHECK_EVERY_S / 2
    tab.session.on_timeout()
    assert not tab.session.closed
    tab.valid[0] = False  # logged out elsewhere, or the account was disabled
    clock.now += RECHECK_EVERY_S
    tab.session.on_timeout()
    assert tab.session.closed and tab.session.close_code == CLOSE_UNAUTHORIZED
    assert tab.frames("error") == [{"type": "error", "error": "unauthorized"}]


def test_release_unsubscribes_everything(bus: LocalBus, clock: Clock) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    tab.send({"type": "watch", "ticket": "NME-1001"})
    assert bus.subscriber_count(STAFF_TOPIC) == 1
    tab.session.release()
    for topic in (STAFF_TOPIC, conversation_topic(11), viewers_topic(11)):
        assert bus.subscriber_count(topic) == 0


def test_the_wait_never_outlasts_the_next_check(bus: LocalBus, clock: Clock) -> None:
    tab = open_tab(bus, clock, 1, "Piet")
    assert 0 < tab.session.wait_timeout() <= RECHECK_EVERY_S
    clock.now += RECHECK_EVERY_S * 3
    assert tab.session.wait_timeout() == 0.5
