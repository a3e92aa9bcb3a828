"""`email serve`: an SMTP server for the helpdesk addresses, behind Postfix or on its own.

DATA is answered ``250`` only after the message is committed to the database; a storage
failure is a ``451`` (the sending MTA retries). Processing runs on separate threads
(``processing_threads``) or in processes of their own (``processor_pool``) that also sweep up
rows left unprocessed by a crash, so a restart finishes them, once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.email.outbox import OutboxSender
from bot.channels.email.pipeline import EmailChannel
from bot.channels.email.processing_threads import ProcessingThreads

log = logging.getLogger(__name__)


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


class Processing(Protocol):
    """Who answers what was stored: threads here, or processes of their own."""

    def hand(self, inbound_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class InboundServer:
    """The SMTP listener, the processing it hands stored mail to and, optionally, an outbox
    sender thread. ``processing``: by default threads in this process."""

    def __init__(
        self,
        channel: EmailChannel,
        host: str,
        port: int,
        *,
        max_bytes: int,
        accept: Callable[[str], bool],
        sender: OutboxSender | None = None,
        processing: Processing | None = None,
    ) -> None:
        self.channel = channel
        self.processing = processing or ProcessingThreads(channel)
        self.sender = sender
        self.stop_event = threading.Event()
        self.sender_thread: threading.Thread | None = None
        handler = HelpdeskHandler(channel, accept, self.processing.hand)
        options: dict[str, Any] = {"data_size_limit": max_bytes, "enable_SMTPUTF8": True}
        self.controller = Controller(handler, hostname=host, port=port, **options)

    @property
    def port(self) -> int:
        server = getattr(self.controller, "server", None)
        sockets = getattr(server, "sockets", None) or []
        return int(sockets[0].getsockname()[1]) if sockets else int(self.controller.port)

    def start(self) -> None:
        self.processing.start()
        if self.sender is not None:
            sender = self.sender
            self.sender_thread = threading.Thread(
                target=lambda: sender.run(self.stop_event), name="email-outbox", daemon=True
            )
            self.sender_thread.start()
        self.controller.start()
        log.info("email serve: SMTP on %s:%s", self.controller.hostname, self.port)

    def stop(self) -> None:
        self.controller.stop()
        self.stop_event.set()
        self.processing.stop()
        if self.sender_thread is not None:
            self.sender_thread.join(timeout=30)
