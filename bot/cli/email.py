"""`supportbot email ...`: answer one message, run the SMTP server, poll IMAP, send the outbox."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from bot.cli.email_replay import add_replay_command
from bot.config import Config, ConfigError

log = logging.getLogger(__name__)


def read_input(source: str) -> bytes:
    """The raw message from a file or stdin ("-"); unreadable input is a ClickException."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise click.ClickException(f"cannot read {source}: {error.strerror or error}") from error
    if not raw.strip():
        raise click.ClickException(f"{'stdin' if source == '-' else source} is empty: no message")
    return raw


def check_message(raw: bytes) -> None:
    """Refuse input that is not a mail at all (no header fields), before anything is stored."""
    from bot.mail.message import parse_message

    header_block = raw.split(b"\n\n", 1)[0][: 512 * 1024]
    mail = parse_message(header_block + b"\n\n")
    if not len(mail.headers):
        raise click.ClickException(
            "not an RFC 5322 message: no header fields (From:, Subject:, ...) at the start"
        )


def _runtime(*, quiet: bool = False) -> Any:
    """The app's services; logs go to stderr (stdout may carry a message), ``quiet``: warnings."""
    from bot.app import build_runtime

    return build_runtime(_logging_config(quiet=quiet), migrate=True)


def _logging_config(*, quiet: bool = False) -> Config:
    """The configuration, with logging to stderr set up from it."""
    config = Config.from_env()
    level = logging.getLevelName(config.log_level.upper())
    if quiet and isinstance(level, int):
        level = max(level, logging.WARNING)
    logging.basicConfig(
        stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return config


def register(group: click.Group) -> None:
    @group.group("email")
    def email() -> None:
        """The email auto-responder: process, serve (SMTP), poll (IMAP), outbox, replay."""

    add_replay_command(email)

    @email.command("process")
    @click.argument("source", default="-", metavar="[FILE|-]")
    @click.option(
        "--print",
        "print_only",
        is_flag=True,
        help="Write the reply to stdout as RFC 5322 instead of sending it.",
    )
    def process(source: str, print_only: bool) -> None:
        """Store and answer one raw message from FILE or stdin."""
        raw = read_input(source)
        check_message(raw)
        process_one(_runtime(quiet=True), raw, print_only=print_only)

    @email.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
    @click.option("--port", default=2525, show_default=True, type=int, help="SMTP port.")
    @click.option("--no-outbox", is_flag=True, help="Do not send the outbox from this process.")
    @click.option(
        "--processors",
        default=0,
        show_default=True,
        type=click.IntRange(min=0),
        help="Processes answering the stored mail (`email work`); 0: threads in this one.",
    )
    def serve(host: str, port: int, no_outbox: bool, processors: int) -> None:
        """SMTP server for the helpdesk addresses: store, answer 250, then process."""
        from bot.channels.email.processor_pool import ProcessorPool
        from bot.channels.email.service import email_channel, outbox_sender
        from bot.channels.email.smtp_server import InboundServer, accepts

        runtime = _runtime()
        settings = runtime.email
        sender = None if no_outbox or not runtime.config.smtp_url else outbox_sender(runtime)
        if sender is None and not no_outbox:
            log.warning("SUPPORTBOT_SMTP_URL is not set: replies wait in the outbox")
        if processors and runtime.db.is_sqlite:
            log.warning("SQLite has one writer: processing processes are no faster than threads")
        server = InboundServer(
            email_channel(runtime),
            host,
            port,
            max_bytes=settings.max_bytes,
            accept=accepts(settings.inbound_addresses),
            sender=sender,
            processing=ProcessorPool(processors) if processors else None,
        )
        run_until_signal(server.start, server.stop)

    @email.command("work")
    @click.option(
        "--threads", default=2, show_default=True, type=click.IntRange(min=1), help="Threads."
    )
    @click.option(
        "--interval",
        default=2.0,
        show_default=True,
        type=click.FloatRange(min=0.1),
        help="Seconds without work before the database is looked at for waiting mail.",
    )
    @click.option("--fed", is_flag=True, hidden=True, help="Row ids on stdin (`email serve`).")
    def work(threads: int, interval: float, fed: bool) -> None:
        """Answer stored mail (no SMTP): next to `email serve` on this or another machine."""
        from bot.channels.email.processing_threads import ProcessingThreads
        from bot.channels.email.service import email_channel

        runtime = _runtime()
        workers = ProcessingThreads(
            email_channel(runtime), threads=threads, sweep_seconds=interval, label="email work"
        )
        start = workers.start
        if fed:
            start = lambda: fed_by_stdin(workers)  # noqa: E731
        run_until_signal(start, workers.stop)

    @email.command("poll")
    @click.option("--once", is_flag=True, help="Check once and exit (for cron).")
    @click.option(
        "--interval",
        type=int,
        default=None,
        help="Seconds between checks (default SUPPORTBOT_EMAIL_POLL_INTERVAL).",
    )
    def poll(once: bool, interval: int | None) -> None:
        """Fetch new mail from the IMAP mailbox in SUPPORTBOT_IMAP_URL and answer it."""
        from bot.channels.email.imap_poll import ImapMailbox, ImapPoller
        from bot.channels.email.service import email_channel

        runtime = _runtime()
        if not runtime.config.imap_url:
            raise click.ClickException("SUPPORTBOT_IMAP_URL is not set")
        try:
            mailbox = ImapMailbox.from_url(runtime.config.imap_url)
        except ValueError as error:
            raise click.ClickException(f"SUPPORTBOT_IMAP_URL: {error}") from error
        poller = ImapPoller(email_channel(runtime), mailbox)
        if once:
            report = poller.poll_once()
            for outcome in report.outcomes:
                click.echo(outcome.describe(), err=True)
            click.echo(f"fetched {report.fetched}, answered {len(report.outcomes)}", err=True)
            return
        stop = threading.Event()
        seconds = interval or runtime.config.email_poll_interval
        run_until_signal(
            lambda: threading.Thread(target=poller.run, args=(stop, seconds), daemon=True).start(),
            stop.set,
        )

    @email.command("outbox")
    @click.option("--once", is_flag=True, help="Send what is due once and exit.")
    def outbox(once: bool) -> None:
        """Send queued mail through SUPPORTBOT_SMTP_URL, retrying with backoff."""
        from bot.channels.email.outbox import OutboxSender
        from bot.channels.email.service import relay_for
        from bot.cli.customer import database

        config = _logging_config()  # the database and the relay only: no knowledge base, no engine
        try:
            relay = relay_for(config)
        except ConfigError as error:
            raise click.ClickException(str(error)) from error
        with database(config) as db:
            send_outbox(OutboxSender(db, relay), once=once)


def send_outbox(sender: Any, *, once: bool) -> None:
    """`email outbox`: what is due once (``once``), or until a signal."""
    if once:
        report = sender.send_due(limit=1000)
        click.echo(
            f"sent {len(report.sent)}, retrying {len(report.retrying)}, "
            f"failed {len(report.failed)}, held back {len(report.suppressed)}",
            err=True,
        )
        return
    stop = threading.Event()
    run_until_signal(
        lambda: threading.Thread(target=sender.run, args=(stop,), daemon=True).start(),
        stop.set,
    )


def process_one(runtime: Any, raw: bytes, *, print_only: bool) -> None:
    """`email process`: the reply on stdout (--print) or in the outbox; reasons on stderr."""
    from bot.channels.email.service import email_channel, outbox_sender
    from bot.storage.models import OutboundEmail

    channel = email_channel(runtime, print_only=print_only)
    stored = channel.receive(raw, source="cli")
    if stored.duplicate:
        earlier = channel.recorded(stored.id)
        click.echo(f"no reply: already processed this message ({earlier.describe()})", err=True)
        return
    outcome = channel.process(stored.id)
    if outcome.outcome == "failed":
        raise click.ClickException(f"stored as inbound #{stored.id}, but {outcome.describe()}")
    if not outcome.replied:
        click.echo(
            f"no reply: {outcome.reason or outcome.outcome} ({outcome.describe()})", err=True
        )
        return
    with runtime.db.session() as session:
        row = session.get(OutboundEmail, outcome.outbound_id)
        data, recipient = row.raw, row.recipient
    if print_only:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    click.echo(f"reply to {recipient} queued ({outcome.describe()})", err=True)
    if runtime.config.smtp_url:
        report = outbox_sender(runtime).send_due()
        click.echo(f"sent {len(report.sent)}, retrying {len(report.retrying)}", err=True)


def fed_by_stdin(workers: Any) -> None:
    """`email work --fed`: start, say ``ready`` on stdout, then take the row ids `email serve`
    writes to stdin; when stdin ends (the receiver stopped or died), stop as on SIGTERM."""
    workers.start()
    print("ready", flush=True)

    def read() -> None:
        for line in sys.stdin.buffer:
            if line.strip().isdigit():
                workers.hand(int(line))
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=read, name="email-work-stdin", daemon=True).start()


def run_until_signal(start: Any, stop: Any) -> None:
    """Start a service and keep it running until SIGTERM or Ctrl-C, then stop it cleanly."""
    finished = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: finished.set())
    start()
    try:
        while not finished.wait(1.0):
            pass
    finally:
        stop()
