"""`email serve --processors N`: stored mail answered in N processes of their own.

One process answers at most a few tens of messages per CPU second (parsing, the engine, the
ORM, composing the reply, all under one GIL), so the answering can run in child processes
(`supportbot email work --fed`) next to the SMTP receiver, which then only stores (before
its 250) and sends the outbox. The receiver hands each stored row id to one child through the
child's stdin, in turn; the child claims the row with its lease like any processor, so a row
is answered once whichever process takes it. Nothing depends on the hand-over arriving: a
child that died, or a full pipe, leaves the row stored, and the children's sweep (every few
seconds without work) answers it. A child that exits is started again; a child whose stdin
closes (the receiver stopped or died) finishes the messages it is answering and exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO

log = logging.getLogger(__name__)

SUPPORTBOT = (sys.executable, "-c", "from bot.cli import main; main()")
RESTART_SECONDS = 2.0  # how often exited children are looked for (and started again)
THREADS = 2  # threads per child: one answers while the other waits for the database


class ProcessorPool:
    """``count`` children running `email work --fed`; ``env``: their environment (default
    this process's: the same database, relay and knowledge base)."""

    def __init__(
        self,
        count: int,
        *,
        threads: int = THREADS,
        env: Mapping[str, str] | None = None,
        command: Sequence[str] = SUPPORTBOT,
    ) -> None:
        self.count = max(1, count)
        self.args = [*command, "email", "work", "--fed", "--threads", str(max(1, threads))]
        self.env = None if env is None else dict(env)
        self.children: list[subprocess.Popen[bytes]] = []
        self.ready: dict[int, threading.Event] = {}  # by pid: said ``ready`` (engine built)
        self.lock = threading.Lock()
        self.turn = 0
        self.stop_event = threading.Event()
        self.watcher: threading.Thread | None = None

    @property
    def pids(self) -> list[int]:
        with self.lock:
            return [child.pid for child in self.children]

    def start(self) -> None:
        with self.lock:
            self.children = [self._spawn() for _ in range(self.count)]
        self.watcher = threading.Thread(target=self._watch, name="email-processors", daemon=True)
        self.watcher.start()
        log.info("email serve: %d processing processes %s", self.count, self.pids)

    def wait_ready(self, timeout: float = 120.0) -> bool:
        """Wait until every child has built its engine (each says ``ready`` on its stdout)."""
        with self.lock:
            events = [self.ready[child.pid] for child in self.children]
        deadline = time.monotonic() + timeout
        return all(event.wait(max(0.0, deadline - time.monotonic())) for event in events)

    def hand(self, inbound_id: int) -> None:
        """Give a stored row to the next child; one that cannot take it now (starting, gone,
        its pipe full) is skipped."""
        line = f"{inbound_id}\n".encode()
        with self.lock:
            for _ in range(len(self.children)):
                child = self.children[self.turn % len(self.children)]
                self.turn += 1
                stdin = child.stdin
                if stdin is None or not self.ready[child.pid].is_set() or child.poll() is not None:
                    continue
                try:
                    os.write(stdin.fileno(), line)
                    return
                except OSError:  # full (BlockingIOError) or gone (BrokenPipeError)
                    continue
        log.info("email serve: no processor took #%s now; a sweep answers it", inbound_id)

    def stop(self, timeout: float = 30.0) -> None:
        """Close the children's stdin: each finishes what it is answering and exits."""
        self.stop_event.set()
        if self.watcher is not None:
            self.watcher.join(timeout=timeout)
        with self.lock:
            children, self.children = self.children, []
        for child in children:
            _close(child.stdin)
        for child in children:
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log.warning("email serve: processor %d did not stop; killed", child.pid)
                child.kill()
                child.wait(timeout=10)
            _close(child.stdout)  # after the exit: its reader has seen the end

    def _spawn(self) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(
            self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=self.env
        )
        assert child.stdin is not None
        os.set_blocking(child.stdin.fileno(), False)  # a stuck child never blocks the receiver
        ready = self.ready[child.pid] = threading.Event()
        threading.Thread(target=_wait_ready, args=(child, ready), daemon=True).start()
        return child

    def _watch(self) -> None:
        while not self.stop_event.wait(RESTART_SECONDS):
            with self.lock:
                for slot, child in enumerate(self.children):
                    if child.poll() is None or self.stop_event.is_set():
                        continue
                    log.warning(
                        "email serve: processor %d exited (%s); starting another",
                        child.pid,
                        child.returncode,
                    )
                    _close(child.stdin)
                    _close(child.stdout)  # it exited: its reader has seen the end
                    self.ready.pop(child.pid, None)
                    self.children[slot] = self._spawn()


def _wait_ready(child: subprocess.Popen[bytes], ready: threading.Event) -> None:
    """Set ``ready`` when the child says so (it does once, when its engine is built)."""
    try:
        said = child.stdout.readline() if child.stdout is not None else b""
    except (OSError, ValueError):  # closed: the pool stopped
        return
    if said.strip() == b"ready":
        ready.set()
        log.info("email serve: processor %d ready", child.pid)


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):  # a pipe whose other end is gone
            stream.close()
