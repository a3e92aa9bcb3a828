"""`email serve`: an SMTP server for the helpdesk addresses, behind Postfix or on its own.

DATA is answered ``250`` only after the message is committed to the database; a storage
failure is a ``451`` (the sending MTA retries). Processing runs on a separate thread that
also sweeps up rows left unprocessed by a crash, so a restart finishes them, once.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.email.outbox import OutboxSender
from bot.channels.email.pipeline import EmailChannel

log = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0  # how often rows left behind (crash, failed attempt) are looked for
PROCESSORS = 4  # threads answering stored mail; each message is claimed by one of them


def accepts(own: tuple[str, ...]) -> Callable[[str], bool]:
    """A recipient test: one of ``own``, also with a ``+tag`` (support+nl@example.com)."""
    wanted = {a.lower() for a in own}

    def check(address: str) -> bool:
        local, _, domain = address.strip().strip("<>").lower().rpartition("@")
        return f"{local}@{domain}" in wanted or f"{local.split('+', 1)[0]}@{domain}" in wanted

    return check


class HelpdeskHandler:
    """aiosmtpd hooks: only our addresses; store before 250; hand the row id on."""

    def __init__(
        self, channel: EmailChannel, accept: Callable[[str], bool], stored: Callable[[int], None]
    ) -> None:
        self.channel = channel
        self.accept = accept
        self.stored = stored

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not self.accept(address):
            return "550 5.1.1 not a helpdesk address here"
        if len(envelope.rcpt_tos) >= 100:
            return "452 4.5.3 too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        sender = "" if envelope.mail_from in (None, "<>") else str(envelope.mail_from)
        recipients = list(envelope.rcpt_tos)
        loop = asyncio.get_running_loop()
        try:
            stored = await loop.run_in_executor(
                None,
                lambda: self.channel.receive(
                    raw, source="smtp", envelope_sender=sender, recipients=recipients
                ),
            )
        except Exception:
            log.exception("email serve: could not store a message from %r", sender)
            return "451 4.3.0 temporary failure storing the message; try again later"
        self.stored(stored.id)
        return f"250 2.0.0 OK stored as #{stored.id}"


class InboundServer:
    """The SMTP listener, its processing thread and, optionally, an outbox sender thread."""

    def __init__(
        self,
        channel: EmailChannel,
        host: str,
        port: int,
        *,
        max_bytes: int,
        accept: Callable[[str], bool],
        sender: OutboxSender | None = None,
        processors: int = PROCESSORS,
    ) -> None:
        self.channel = channel
        self.processors = max(1, processors)
        self.sender = sender
        self.pending: queue.Queue[int] = queue.Queue()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        handler = HelpdeskHandler(channel, accept, self.pending.put)
        options: dict[str, Any] = {"data_size_limit": max_bytes, "enable_SMTPUTF8": True}
        self.controller = Controller(handler, hostname=host, port=port, **options)

    @property
    def port(self) -> int:
        server = getattr(self.controller, "server", None)
        sockets = getattr(server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else int(self.controller.port)

    def start(self) -> None:
        for number in range(self.processors):
            self._thread(self._process_loop, f"email-inbound-{number}")
        if self.sender is not None:
            sender = self.sender
            self._thread(lambda: sender.run(self.stop_event), "email-outbox")
        self.controller.start()
        log.info("email serve: SMTP on %s:%s", self.controller.hostname, self.port)

    def stop(self) -> None:
        self.controller.stop()
        self.stop_event.set()
        for _ in range(self.processors):
            self.pending.put(0)  # wakes the processing threads
        for thread in self.threads:
            thread.join(timeout=30)

    def _thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def _process_loop(self) -> None:
        self._sweep()  # rows a previous run stored but did not finish
        while not self.stop_event.is_set():
            try:
                inbound_id = self.pending.get(timeout=SWEEP_SECONDS)
            except queue.Empty:
                self._sweep()
                continue
            if inbound_id and not self.stop_event.is_set():
                self._process(inbound_id)

    def _process(self, inbound_id: int) -> None:
        try:
            outcome = self.channel.process(inbound_id)
            log.info("email serve: %s", outcome.describe())
        except Exception:  # the row stays stored; the next sweep tries again
            log.exception("email serve: processing #%s failed", inbound_id)

    def _sweep(self) -> None:
        try:
            for outcome in self.channel.process_due():
                log.info("email serve (recovered): %s", outcome.describe())
        except Exception:
            log.exception("email serve: sweeping stored mail failed")
