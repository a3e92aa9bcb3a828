"""Redis down: both instances keep answering (live push degrades to the sockets polling the
database, and the log says so once); when Redis is back, push resumes without a restart."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import websocket

from tests.channels.widget.test_live_socket import WidgetSocket
from tests.live_server import LiveServer, free_port
from tests.scaleout.conftest import (
    Shared,
    StaffConsole,
    next_frame,
    open_ticket,
    start_pair,
    wait_for,
)

POLL_BOUND_S = 6.0  # the sockets poll every 2 s while the bus is down


class PrivateRedis:
    """A redis-server of this test's own, stopped and started again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port, self.workdir = free_port(), workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, "the private Redis")
        client.close()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def outage_pair(
    shared: Shared, private_redis: PrivateRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    mine = Shared(shared.database_url, private_redis.url, shared.redis_prefix)
    a, b = start_pair(tmp_path_factory.mktemp("outage"), mine)
    yield a, b
    a.stop()
    b.stop()


def test_without_redis_the_instances_answer_and_push_resumes_after(
    outage_pair: tuple[LiveServer, LiveServer], private_redis: PrivateRedis, shared: Shared
) -> None:
    a, b = outage_pair
    conversation = open_ticket(b)
    number = conversation["ticket"]
    customer = WidgetSocket(b)
    customer.auth(conversation)
    console = StaffConsole(a, shared.staff_cookie("joop@nme.example", "Joop"))

    private_redis.stop()
    customer.send({"type": "message", "text": "is er al nieuws?", "client_id": "x1"})
    assert customer.until("turn")[-1]["client_id"] == "x1"  # the rate limit counts in process
    other = a.start_conversation("en")  # the API on the other instance answers too
    assert other["token"]
    # presence cannot be asked: the reply is stored and also goes by email, and the socket on
    # B, which cannot hear A's notice, finds it by polling
    assert console.reply(number, "We zoeken het uit.").startswith("sent_email")
    started = time.monotonic()
    assert customer.until("staff_message")[-1]["text"] == "We zoeken het uit."
    assert time.monotonic() - started < POLL_BOUND_S
    degraded = "live push degraded to polling"
    wait_for(lambda: degraded in a.log_tail() and degraded in b.log_tail(), "the log lines")

    private_redis.start()
    wait_for(lambda: "live push resumed" in b.log_tail(), "B's listener to subscribe again")
    staff_socket = console.socket()
    staff_socket.send(json.dumps({"type": "watch", "ticket": number}))
    next_frame(staff_socket, "watching")
    # typing is never polled: it arrives only by push
    staff_socket.send(json.dumps({"type": "typing"}))
    assert customer.until("typing")[-1]["who"] == "staff"
    wait_for(lambda: 'class="online"' in console.page(number), "the lease to be back")
    assert console.reply(number, "Opgelost!") == "sent_live_ok"
    assert customer.until("staff_message")[-1]["text"] == "Opgelost!"
    assert "live push resumed" in a.log_tail()
    customer.close()
    staff_socket.close()


def frame_where(
    ws: websocket.WebSocket, kind: str, matches: Callable[[dict[str, Any]], bool]
) -> float:
    """Seconds until a frame of ``kind`` that ``matches`` arrives on a raw socket."""
    started = time.monotonic()
    while time.monotonic() - started < 3 * POLL_BOUND_S:
        frame = dict(json.loads(ws.recv()))
        if frame.get("type") == kind and matches(frame):
            return time.monotonic() - started
    raise AssertionError(f"no matching {kind} frame")


def test_without_redis_the_console_reads_what_the_other_instance_stored(
    outage_pair: tuple[LiveServer, LiveServer], private_redis: PrivateRedis, shared: Shared
) -> None:
    a, b = outage_pair
    conversation = open_ticket(b, email="kim@klant.example")
    number = conversation["ticket"]
    customer = WidgetSocket(b)
    customer.auth(conversation)
    console = StaffConsole(a, shared.staff_cookie("lotte@nme.example", "Lotte"))
    colleague = StaffConsole(b, shared.staff_cookie("sem@nme.example", "Sem"))
    staff_socket = console.socket()
    staff_socket.send(json.dumps({"type": "watch", "ticket": number}))
    next_frame(staff_socket, "watching")

    resumed = "live push resumed"
    resumed_before = a.log_path.read_text().count(resumed)
    private_redis.stop()
    try:
        # the customer writes through B, which cannot tell A: A's console reads it by polling
        customer.send({"type": "message", "text": "nog iets: het werkt nog steeds niet"})
        last = max(message["seq"] for message in customer.until("turn")[-1]["messages"])
        assert frame_where(staff_socket, "messages", lambda f: f["seq"] >= last) < POLL_BOUND_S
        # a colleague on B changes the ticket: A's queue refreshes and the page says so
        colleague.act(number, "status", status="waiting")
        assert frame_where(staff_socket, "queue", lambda f: True) < POLL_BOUND_S
        changed = frame_where(
            staff_socket, "ticket_update", lambda f: f["status"] == "waiting" and not f["mine"]
        )
        assert changed < POLL_BOUND_S
    finally:
        private_redis.start()
    wait_for(lambda: a.log_path.read_text().count(resumed) > resumed_before, "A hears Redis")
    customer.close()
    staff_socket.close()
