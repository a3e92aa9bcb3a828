"""The email channel's parts on a Runtime: the pipeline, the outbox sender, the staff mailer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.channels.email.outbox import OutboxSender
from bot.channels.email.pipeline import EmailChannel
from bot.channels.email.smtp_transport import SmtpRelay
from bot.channels.email.staff_mail import StaffMail
from bot.channels.runtime import Runtime
from bot.clock import utcnow
from bot.config import Config, ConfigError


def staff_mail(runtime: Runtime) -> StaffMail:
    """The ticket desk's mailer, for callers that queue a staff reply themselves."""
    mailer = runtime.desk.mailer
    assert isinstance(mailer, StaffMail)
    return mailer


def email_channel(
    runtime: Runtime, *, print_only: bool = False, clock: Callable[[], datetime] = utcnow
) -> EmailChannel:
    return EmailChannel(
        runtime.db,
        runtime.conversations,
        runtime.email,
        clock=clock,
        print_only=print_only,
    )


def smtp_relay(runtime: Runtime) -> SmtpRelay:
    """The relay from SUPPORTBOT_SMTP_URL; a missing or malformed URL names the variable."""
    return relay_for(runtime.config)


def relay_for(config: Config) -> SmtpRelay:
    """``smtp_relay`` for a caller without a runtime (`email outbox` needs no engine)."""
    url = config.smtp_url
    if not url:
        raise ConfigError("SUPPORTBOT_SMTP_URL is not set: outgoing mail needs a relay")
    try:
        return SmtpRelay.from_url(url)
    except ValueError as error:
        raise ConfigError(f"SUPPORTBOT_SMTP_URL: {error}") from error


def outbox_sender(runtime: Runtime, *, clock: Callable[[], datetime] = utcnow) -> OutboxSender:
    return OutboxSender(runtime.db, smtp_relay(runtime), clock=clock)
