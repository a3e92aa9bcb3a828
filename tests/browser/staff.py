"""Staff accounts for the console's browser tests, made from the test process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.config import Config
from bot.helpdesk.staff.accounts import add_staff
from bot.helpdesk.staff.passwords import ScryptCost
from tests.live_server import LiveServer

PASSWORD = "a long staff password"
CHEAP = ScryptCost(2**10, 8, 1)  # a browser test logs in often; the hash cost is not tested here
SANNE = ("sanne@nme.example", "Sanne", "admin")
KEES = ("kees@nme.example", "Kees", "agent")


@contextmanager
def staff_runtime(server: LiveServer, *accounts: tuple[str, str, str]) -> Iterator[Runtime]:
    """The server's database and Redis bus, from the test process (as another worker would),
    with these accounts (address, name, role), all with ``PASSWORD``."""
    built = build_runtime(Config.from_env(environ=server.env), migrate=False)
    forget_login_attempts(server.env["SUPPORTBOT_REDIS_URL"])
    with built.db.session() as session:
        for email, name, role in accounts:
            add_staff(session, email, name, PASSWORD, role=role, cost=CHEAP)
    try:
        yield built
    finally:
        built.db.dispose()
        built.bus.close()


def forget_login_attempts(redis_url: str) -> None:
    """Login limits live in the shared Redis: earlier runs' logins from 127.0.0.1 still count."""
    client = redis.Redis.from_url(redis_url)
    try:
        for key in client.scan_iter("supportbot:rl:staff-login-*"):
            client.delete(key)
    finally:
        client.close()
