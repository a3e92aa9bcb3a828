"""Two instances behind one load balancer: whichever instance a request or a socket lands on,
the customer and the staff see the same conversation, live."""

from __future__ import annotations

import json
import os
import signal

import pytest
import websocket

from tests.channels.widget.test_live_socket import WidgetSocket
from tests.live_server import LiveServer
from tests.scaleout.conftest import (
    RATE_PER_CONVERSATION,
    Shared,
    StaffConsole,
    healthy,
    next_frame,
    open_ticket,
    wait_for,
)
from tests.scaleout.processes import connection_owner

Pair = tuple[LiveServer, LiveServer]


@pytest.fixture(scope="module")
def piet(shared: Shared) -> str:
    return shared.staff_cookie("piet@nme.example", "Piet")


@pytest.fixture(scope="module")
def anna(shared: Shared) -> str:
    return shared.staff_cookie("anna@nme.example", "Anna")


def test_the_socket_on_b_hears_live_what_staff_do_on_a(pair: Pair, piet: str) -> None:
    a, b = pair
    conversation = open_ticket(b)
    number = conversation["ticket"]
    customer = WidgetSocket(b)
    assert customer.auth(conversation)["type"] == "ready"
    console = StaffConsole(a, piet)
    staff_socket = console.socket()
    staff_socket.send(json.dumps({"type": "watch", "ticket": number}))
    next_frame(staff_socket, "watching")

    console.act(number, "claim")  # "a person is answering"
    assert customer.until("ticket_update")[-1]["number"] == number
    staff_socket.send(json.dumps({"type": "typing"}))
    assert customer.until("typing")[-1] == {"type": "typing", "who": "staff"}
    customer.send({"type": "typing"})
    assert next_frame(staff_socket, "typing")["who"] == "customer"

    assert console.reply(number, "Goedemiddag, ik kijk ernaar.") == "sent_live_ok"
    frames = customer.until("staff_message")
    assert frames[-1]["text"] == "Goedemiddag, ik kijk ernaar."
    assert "sync" not in [frame["type"] for frame in frames]
    customer.close()
    staff_socket.close()


@pytest.mark.parametrize("staff_on", ["a", "b"])
def test_presence_is_the_same_on_both_instances(
    pair: Pair, anna: str, shared: Shared, staff_on: str
) -> None:
    """The customer's socket is on A; whichever instance the staff member uses, the reply goes
    live while it is open and by email once it is closed."""
    a, b = pair
    conversation = open_ticket(a)
    number = conversation["ticket"]
    console = StaffConsole(a if staff_on == "a" else b, anna)
    customer = WidgetSocket(a)
    customer.auth(conversation)
    assert console.reply(number, "Bent u er nog?") == "sent_live_ok"
    customer.until("staff_message")
    customer.close()
    # the lease goes when the instance sees the socket close: wait for that, not a fixed time
    wait_for(lambda: not customer_online(console, number), "the lease to go")
    assert console.reply(number, "Ik stuur het ook per e-mail.").startswith("sent_email")


def customer_online(console: StaffConsole, number: str) -> bool:
    """What the ticket page says: the customer has the chat open."""
    return 'class="online"' in console.page(number)


def test_the_conversation_rate_limit_counts_messages_on_both_instances(pair: Pair) -> None:
    a, b = pair
    status, started = a.request("POST", "/api/conversations", {"language": "en"})
    path = f"/api/conversations/{started['conversation_id']}/messages"
    auth = {"Authorization": f"Bearer {started['token']}"}
    for number in range(RATE_PER_CONVERSATION):
        server = (a, b)[number % 2]
        status, body = server.request("POST", path, {"text": f"question {number}"}, auth)
        assert status == 200, body
    for server in (a, b):
        status, body = server.request("POST", path, {"text": "one more"}, auth)
        assert (status, body["error"]) == (429, "rate_limited")


def test_a_killed_worker_loses_nothing_and_the_socket_goes_on_at_the_other(pair: Pair) -> None:
    a, b = pair
    conversation = a.start_conversation("en")
    customer = WidgetSocket(a)
    customer.auth(conversation)
    customer.send({"type": "message", "text": "How do I renew my licence?", "client_id": "c1"})
    first = customer.until("turn")[-1]
    # the message in flight when the worker dies: the widget sends it again after reconnecting
    customer.send({"type": "message", "text": "And where is my invoice?", "client_id": "c2"})
    worker = connection_owner(a.port, customer.local_port, a.worker_pids())
    assert worker is not None
    os.kill(worker, signal.SIGKILL)
    with pytest.raises(websocket.WebSocketConnectionClosedException):
        while True:  # frames sent before the kill, then the connection drops (no close frame)
            customer.receive()

    again = WidgetSocket(b)  # the load balancer sends the reconnect to the live instance
    ready = again.auth(conversation)
    assert ready["type"] == "ready" and ready["state"]["last_seq"] >= first["messages"][-1]["seq"]
    again.send({"type": "message", "text": "And where is my invoice?", "client_id": "c2"})
    assert again.until("turn")[-1]["client_id"] == "c2"
    again.send({"type": "message", "text": "Thanks!", "client_id": "c3"})
    again.until("turn")
    again.close()

    status, transcript = b.request(
        "GET", f"/api/conversations/{conversation['conversation_id']}",
        headers={"Authorization": f"Bearer {conversation['token']}"},
    )  # fmt: skip
    assert status == 200
    said = [m["text"] for m in transcript["messages"] if m["role"] == "customer"]
    assert said == ["How do I renew my licence?", "And where is my invoice?", "Thanks!"]
    wait_for(lambda: healthy(a), "A's new worker", timeout=30)  # for the tests that follow
