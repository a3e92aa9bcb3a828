"""``serve --workers 2`` (one machine): the widget and the console behave as with two machines,
whichever worker holds the customer's socket and whichever serves the staff member."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.channels.widget.test_live_socket import WidgetSocket
from tests.live_server import LiveServer
from tests.scaleout.conftest import (
    RATE_PER_CONVERSATION,
    Shared,
    StaffConsole,
    next_frame,
    open_ticket,
    wait_for,
)
from tests.scaleout.processes import connection_owner


@pytest.fixture(scope="module")
def server(shared: Shared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("workers"), env=shared.env(), workers=2) as live:
        wait_for(lambda: len(live.worker_pids()) == 2, "two workers")
        yield live


def sockets_on_both_workers(server: LiveServer, conversation: dict[str, Any]) -> list[Any]:
    """Sockets of one conversation, opened until the two workers each hold one."""
    kept: dict[int, WidgetSocket] = {}
    for _ in range(40):
        sock = WidgetSocket(server)
        assert sock.auth(conversation)["type"] == "ready"
        worker = connection_owner(server.port, sock.local_port, server.worker_pids())
        assert worker is not None
        if worker in kept:
            sock.close()
        else:
            kept[worker] = sock
        if len(kept) == 2:
            return list(kept.values())
    raise AssertionError("the kernel never gave the second worker a connection")


def test_both_workers_hear_the_console_live(server: LiveServer, shared: Shared) -> None:
    conversation = open_ticket(server)
    number = conversation["ticket"]
    sockets = sockets_on_both_workers(server, conversation)
    console = StaffConsole(server, shared.staff_cookie("kees@nme.example", "Kees"))
    staff_socket = console.socket()
    staff_socket.send(json.dumps({"type": "watch", "ticket": number}))
    next_frame(staff_socket, "watching")

    console.act(number, "claim")
    staff_socket.send(json.dumps({"type": "typing"}))
    assert console.reply(number, "Ik ben er.") == "sent_live_ok"
    for sock in sockets:
        kinds = [frame["type"] for frame in sock.until("staff_message")]
        assert "ticket_update" in kinds and "typing" in kinds
    sockets[0].send({"type": "typing"})
    assert next_frame(staff_socket, "typing")["who"] == "customer"
    for sock in sockets:
        sock.close()
    staff_socket.close()
    wait_for(lambda: 'class="online"' not in console.page(number), "both leases to go")
    assert console.reply(number, "Per e-mail dan.").startswith("sent_email")


def test_the_rate_limit_is_shared_by_the_workers(server: LiveServer) -> None:
    status, started = server.request("POST", "/api/conversations", {"language": "en"})
    path = f"/api/conversations/{started['conversation_id']}/messages"
    auth = {"Authorization": f"Bearer {started['token']}"}
    answers = [
        server.request("POST", path, {"text": f"question {n}"}, auth)[0]
        for n in range(RATE_PER_CONVERSATION + 2)
    ]  # each request a new connection: the kernel spreads them over the workers
    assert answers == [200] * RATE_PER_CONVERSATION + [429, 429]
