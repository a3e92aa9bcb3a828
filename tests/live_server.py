"""A real Supportbot server for tests that need real sockets (widget WebSocket, browsers, SMTP,
staff console): ``supportbot serve`` (gunicorn, gthread) as a subprocess on a free loopback port.

    server = LiveServer(tmp_path, env={"SUPPORTBOT_RATE_PER_IP": "0"}).start()
    ... server.url, server.ws_url ...
    server.stop()          # quick (SIGINT); stop(graceful=True) waits for open requests
    server.start()         # again, same port and database: "the server went away and came back"

Each server gets its own SQLite database and instance folder in ``workdir`` (pass
``SUPPORTBOT_DATABASE_URL`` in ``env`` for PostgreSQL). The ``SUPPORTBOT_*`` settings of the
calling environment are not inherited, so a developer's shell cannot change what a test sees.
``start`` waits for ``/healthz``; when the server does not come up, the error carries its log.
``new_errors`` returns the tracebacks and ``bot.*`` ERROR lines written since it was last
called: the autouse fixture in ``tests/error_log.py`` fails a test whose server logged one.

Fixtures: ``live_server`` (one per test module). To get the server's log in the report of a
failing test, a ``conftest.py`` imports ``pytest_runtest_makereport`` from here.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.config import PREFIX, REPO_ROOT, SETTINGS

LOG_TAIL_CHARS = 6000
QUICK_STOP_S = 2.0
# "2026-11-26 10:00:00,123 ERROR bot.channels.api: ..." (the format of `supportbot serve`)
_BOT_ERROR_LINE = re.compile(r"^[\d-]+ [\d:,]+ (?:ERROR|CRITICAL) bot[.\w]*: ")
_TRACEBACK = "Traceback (most recent call last):"
# a log record of our own, of gunicorn, an access-log line, or the marker `start` writes
_LOG_RECORD = re.compile(r"^(?:[\d-]+ [\d:,]+ [A-Z]+ |\[[\d-]+ [\d:]+ |[\d.:a-f]+ - |=== start )")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def child_pids(parent: int) -> list[int]:
    """The direct children of process ``parent`` (from ``/proc``)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return pids


def hermetic_environ(overrides: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any Supportbot setting, plus ``overrides``."""
    settings = {PREFIX + setting.name for setting in SETTINGS}
    environ = {key: value for key, value in os.environ.items() if key not in settings}
    environ.update(overrides)
    return environ


class LiveServer:
    _all: weakref.WeakSet[LiveServer] = weakref.WeakSet()

    def __init__(
        self,
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
        workers: int = 1,
        threads: int = 64,
    ) -> None:
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.port = port or free_port(host)
        self.workers = workers
        self.threads = threads
        self.log_path = self.workdir / f"server-{self.port}.log"
        self.env = {**self.default_env(), **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None
        self._checked_bytes = 0  # of the log, by new_errors
        LiveServer._all.add(self)

    @classmethod
    def instances(cls) -> list[LiveServer]:
        """Every server made by this test process that still exists."""
        return list(cls._all)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/ws"

    def default_env(self) -> dict[str, str]:
        return {
            "SUPPORTBOT_DATA_DIR": str(REPO_ROOT / "faq_data"),
            "SUPPORTBOT_DATABASE_URL": f"sqlite:///{self.workdir / 'live.sqlite3'}",
            "SUPPORTBOT_INSTANCE_DIR": str(self.workdir / "instance"),
            "SUPPORTBOT_SECRET_KEY": "live-server-test-secret",
            "SUPPORTBOT_PUBLIC_URL": self.url,
            # the same server under another name is another origin: pages on localhost embed
            # a widget served from 127.0.0.1, as a customer's site embeds ours
            "SUPPORTBOT_WIDGET_ORIGINS": f"http://localhost:{self.port}",
            "SUPPORTBOT_OUTBOX_WORKER": "false",
            "SUPPORTBOT_LOG_LEVEL": "INFO",
            "SUPPORTBOT_SEMANTIC": "false",  # ~50 ms a turn; tests/semantic switch it on
        }

    # -- life cycle ------------------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> LiveServer:
        if self.running:
            return self
        command = [
            sys.executable, "-c", "from bot.cli import main; main()", "serve",
            "--host", self.host, "--port", str(self.port),
            "--workers", str(self.workers), "--threads", str(self.threads),
        ]  # fmt: skip
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {time.strftime('%H:%M:%S')} ===\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=hermetic_environ(self.env),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if self.get_json("/healthz").get("status") == "ok":
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"the server did not answer /healthz within {timeout} s:\n{self.log_tail()}"
        )

    def stop(self, *, graceful: bool = False, timeout: float = 25.0) -> None:
        """Quick: SIGINT, and SIGKILL for the whole process group when it lingers (a worker
        with open WebSockets waits for them until gunicorn's graceful timeout). Graceful:
        SIGTERM, and requests get ``timeout`` seconds to finish."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM if graceful else signal.SIGINT)
        try:
            process.wait(timeout if graceful else QUICK_STOP_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def restart(self) -> LiveServer:
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- looking at it ---------------------------------------------------------------------------
    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"

    def new_errors(self) -> list[str]:
        """Tracebacks and ``bot.*`` ERROR lines logged since the last call (each with the lines
        that follow it, up to the next log line)."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._checked_bytes)
                chunk = log.read()
        except FileNotFoundError:
            return []
        end = chunk.rfind(b"\n") + 1  # a line still being written is read next time
        self._checked_bytes += end
        lines = chunk[:end].decode(errors="replace").splitlines()
        errors: list[str] = []
        number = 0
        while number < len(lines):
            line = lines[number]
            number += 1
            if not (_BOT_ERROR_LINE.match(line) or line.startswith(_TRACEBACK)):
                continue
            block = [line]  # and what belongs to it, up to the next log record
            while number < len(lines) and not _LOG_RECORD.match(lines[number]):
                block.append(lines[number])
                number += 1
            errors.append("\n".join(block[:40]))
        return errors

    def worker_pids(self) -> list[int]:
        """The gunicorn worker processes (children of the master)."""
        return [] if self.process is None else child_pids(self.process.pid)

    def thread_count(self) -> int:
        """Threads in all workers: each open WebSocket holds two."""
        return sum(len(list(Path(f"/proc/{pid}/task").iterdir())) for pid in self.worker_pids())

    def request(
        self, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            req.add_header(name, value)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get_json(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.url + path, timeout=2) as response:
            return dict(json.loads(response.read()))

    def staff_reply(self, public_id: str, text: str, *, html: str | None = None) -> int:
        """What the staff console does: store a staff message, publish the notice on the bus.

        The server must run on the Redis bus (``SUPPORTBOT_REDIS_URL`` in ``env``): that is how a
        notice from this test process reaches the server's sockets."""
        import redis

        from bot.helpdesk.bus import conversation_topic
        from bot.helpdesk.notices import NewMessages
        from bot.helpdesk.redis_bus import RedisBus
        from bot.storage import repositories as repo
        from bot.storage.db import Database
        from bot.storage.models import Conversation

        redis_url = self.env.get("SUPPORTBOT_REDIS_URL")
        assert redis_url, "staff_reply needs a server started with SUPPORTBOT_REDIS_URL"
        db = Database(self.env["SUPPORTBOT_DATABASE_URL"])
        try:
            with db.session() as session:
                conversation = session.query(Conversation).filter_by(public_id=public_id).one()
                seq = repo.append_message(session, conversation, "staff", text, html=html).seq
                conversation_id = conversation.id
        finally:
            db.dispose()
        client = redis.Redis.from_url(redis_url)
        try:
            RedisBus(client).publish(conversation_topic(conversation_id), NewMessages(seq))
        finally:
            client.close()
        return seq

    def start_conversation(self, language: str = "nl") -> dict[str, Any]:
        status, body = self.request("POST", "/api/conversations", {"language": language})
        assert status == 201, body
        return body


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server per test module, with test-friendly rate limits."""
    env = {"SUPPORTBOT_RATE_PER_IP": "1000", "SUPPORTBOT_RATE_PER_CONVERSATION": "200"}
    server = LiveServer(tmp_path_factory.mktemp("live"), env=env).start()
    yield server
    server.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing test that used a ``LiveServer`` gets the server's log in its report."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, LiveServer):
                report.sections.append((f"live server log ({value.url})", value.log_tail()))


def reachable_redis_url() -> str:
    """``SUPPORTBOT_TEST_REDIS_URL`` (``./dev test`` starts one); the test fails when it is set
    but does not answer, and is skipped when it is unset and no local Redis answers."""
    import redis

    url = os.environ.get("SUPPORTBOT_TEST_REDIS_URL")
    try:
        redis.Redis.from_url(url or "redis://127.0.0.1:6379/15", socket_timeout=2).ping()
    except redis.RedisError as exc:
        if url:
            pytest.fail(f"Redis at {url} does not answer: {exc}")
        pytest.skip("no Redis on 127.0.0.1:6379 and SUPPORTBOT_TEST_REDIS_URL is unset")
    return url or "redis://127.0.0.1:6379/15"
