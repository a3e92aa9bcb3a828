"""Threads that answer stored mail: fed the row ids the receiver stored, and sweeping the
database for rows waiting without one (a crash, a failed attempt, a receiver elsewhere).

The same threads run inside `email serve` (fed by its SMTP handler) and in each processing
process (`email work`, fed by `email serve --processors N` through its stdin, or by nothing
but the sweep). Every row is claimed with its lease before it is answered
(``inbox.claim``/``inbox.claim_next``), so any number of them, in any number of processes,
answer each message once.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from bot.channels.email.pipeline import EmailChannel

log = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0  # how often rows left behind (crash, failed attempt) are looked for
THREADS = 4  # threads answering stored mail in one process


class ProcessingThreads:
    """``threads`` threads answering what ``hand`` gives them, and whatever waits in the
    database (looked for at the start and after ``sweep_seconds`` without work)."""

    def __init__(
        self,
        channel: EmailChannel,
        *,
        threads: int = THREADS,
        sweep_seconds: float = SWEEP_SECONDS,
        label: str = "email serve",
    ) -> None:
        self.channel = channel
        self.count = max(1, threads)
        self.sweep_seconds = sweep_seconds
        self.label = label
        self.pending: queue.Queue[int] = queue.Queue()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def hand(self, inbound_id: int) -> None:
        """A row just stored: one of the threads takes it."""
        self.pending.put(inbound_id)

    def start(self) -> None:
        for number in range(self.count):
            thread = threading.Thread(
                target=self._loop, name=f"email-inbound-{number}", daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the messages being answered now (the rest stays stored for later)."""
        self.stop_event.set()
        for _ in self.threads:
            self.pending.put(0)  # wakes a waiting thread
        for thread in self.threads:
            thread.join(timeout=timeout)

    def _loop(self) -> None:
        self._sweep()  # rows a previous run stored but did not finish
        while not self.stop_event.is_set():
            try:
                inbound_id = self.pending.get(timeout=self.sweep_seconds)
            except queue.Empty:
                self._sweep()
                continue
            if inbound_id and not self.stop_event.is_set():
                self._process(inbound_id)

    def _process(self, inbound_id: int) -> None:
        try:
            outcome = self.channel.take(inbound_id)
            if outcome is not None:  # else another processor has it, or had it
                log.info("%s [%d]: %s", self.label, os.getpid(), outcome.describe())
        except Exception:  # the row stays stored; the next sweep tries again
            log.exception("%s: processing #%s failed", self.label, inbound_id)

    def _sweep(self) -> None:
        """Everything waiting, one claimed row at a time, until nothing is left or we stop."""
        try:
            while not self.stop_event.is_set():
                outcome = self.channel.process_next()
                if outcome is None:
                    return
                log.info("%s [%d] (swept): %s", self.label, os.getpid(), outcome.describe())
        except Exception:
            log.exception("%s: sweeping stored mail failed", self.label)
