"""Two ``supportbot serve`` instances sharing one PostgreSQL schema and one Redis, as two
machines behind a load balancer; and the staff console driven over HTTP, as a browser does."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
import websocket

from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from bot.helpdesk.staff.sessions import start_session
from bot.storage.db import Database
from tests.conftest import postgres_schema
from tests.live_server import LiveServer, pytest_runtest_makereport, reachable_redis_url  # noqa: F401

T = TypeVar("T")

RATE_PER_CONVERSATION = 8  # low enough to reach in a test, through both instances
_FIELD = re.compile(r'name="(csrf_token|seen_seq)"[^>]* value="([^"]*)"')


def wait_for(probe: Callable[[], T], what: str, timeout: float = 10.0) -> T:
    """Poll ``probe`` until it returns something true; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Shared:
    """What the instances share: the database, Redis, and the settings of one installation."""

    database_url: str
    redis_url: str
    redis_prefix: str

    def env(self, **more: str) -> dict[str, str]:
        return {
            "SUPPORTBOT_DATABASE_URL": self.database_url,
            "SUPPORTBOT_REDIS_URL": self.redis_url,
            "SUPPORTBOT_REDIS_PREFIX": self.redis_prefix,
            "SUPPORTBOT_RATE_PER_IP": "100000",  # every client here is 127.0.0.1
            "SUPPORTBOT_RATE_PER_CONVERSATION": str(RATE_PER_CONVERSATION),
            "SUPPORTBOT_RETENTION_DAYS": "0",  # no purge process beside each instance
            "SUPPORTBOT_RAW_MAIL_RETENTION_DAYS": "0",
            **more,
        }

    def staff_cookie(self, email: str, name: str) -> str:
        """A logged-in console session (stored in the shared database: valid on every instance)."""
        db = Database(self.database_url)
        try:
            with db.session() as session:
                cost = ScryptCost(2**10, 8, 1)
                user = add_staff(session, email, name, "long enough pw", cost=cost)
                return start_session(session, user, datetime.now(UTC), ip=None, user_agent=None)
        finally:
            db.dispose()


def healthy(server: LiveServer) -> bool:
    try:
        return server.get_json("/healthz").get("status") == "ok"
    except (OSError, ValueError):
        return False


def start_pair(workdir: Path, shared: Shared, **env: str) -> tuple[LiveServer, LiveServer]:
    """Instances A and B, started at once (the migration lock lets one of them migrate)."""
    a, b = (LiveServer(workdir / name, env=shared.env(**env)) for name in ("a", "b"))
    with ThreadPoolExecutor(2) as starting:
        list(starting.map(LiveServer.start, (a, b)))
    return a, b


@pytest.fixture(scope="module")
def shared() -> Iterator[Shared]:
    import redis

    redis_url, prefix = reachable_redis_url(), f"sbtest-{uuid.uuid4().hex[:8]}:"
    with postgres_schema("sb_scale") as database_url:
        yield Shared(database_url, redis_url, prefix)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def pair(
    shared: Shared, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Instance A and instance B."""
    a, b = start_pair(tmp_path_factory.mktemp("pair"), shared)
    yield a, b
    a.stop()
    b.stop()


class StaffConsole:
    """One staff member's console on one instance: pages, actions (JSON) and its live socket."""

    def __init__(self, server: LiveServer, cookie: str) -> None:
        self.server, self.cookie = server, cookie

    def _open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = None if data is None else urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.server.url + "/staff" + path, data=body)
        req.add_header("Cookie", f"supportbot_staff={self.cookie}")
        if data is not None:
            req.add_header("X-Requested-With", "fetch")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def page(self, number: str) -> str:
        status, html = self._open(f"/tickets/{number}")
        assert status == 200, html[:300]
        return html

    def ticket_fields(self, number: str) -> dict[str, str]:
        return dict(_FIELD.findall(self.page(number)))

    def act(self, number: str, action: str, **form: str) -> dict[str, Any]:
        fields = self.ticket_fields(number)
        data = {"csrf_token": fields["csrf_token"], **form}
        if action == "reply":
            data.setdefault("seen_seq", fields["seen_seq"])
        status, body = self._open(f"/tickets/{number}/{action}", data)
        assert status == 200, body[:300]
        return dict(json.loads(body))

    def reply(self, number: str, text: str) -> str:
        """Send a reply; how it went (``sent_live_ok``, ``sent_email_ok`` ...)."""
        return str(self.act(number, "reply", text=text)["notice"])

    def socket(self) -> websocket.WebSocket:
        return websocket.create_connection(
            self.server.ws_url.replace("/ws", "/staff/ws"), timeout=10,
            header=[f"Cookie: supportbot_staff={self.cookie}"], origin=self.server.url,
        )  # fmt: skip


def next_frame(ws: websocket.WebSocket, kind: str, **fields: Any) -> dict[str, Any]:
    """The next JSON frame of type ``kind`` (and with ``fields``) on a raw socket."""
    for _ in range(100):
        frame = dict(json.loads(ws.recv()))
        if frame.get("type") == kind and all(frame.get(k) == v for k, v in fields.items()):
            return frame
    raise AssertionError(f"no {kind} frame")


def open_ticket(server: LiveServer, email: str = "jan@klant.example") -> dict[str, Any]:
    """A widget conversation the bot escalated: the API's start body plus ``ticket``."""
    status, started = server.request(
        "POST", "/api/conversations", {"language": "nl", "email": email}
    )
    assert status == 201, started
    status, turn = server.request(
        "POST", f"/api/conversations/{started['conversation_id']}/messages",
        {"text": "ik wil een medewerker spreken"}, {"Authorization": f"Bearer {started['token']}"},
    )  # fmt: skip
    assert status == 200 and turn["ticket"], turn
    return {**started, "ticket": turn["ticket"]["number"]}
