"""Build the email channel's parts from a Runtime: settings, the pipeline, the outbox sender."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.channels.email.inbound import EmailChannel, utcnow
from bot.channels.email.outbox import OutboxSender
from bot.channels.email.settings import EmailSettings
from bot.channels.email.smtp_transport import SmtpRelay
from bot.channels.runtime import Runtime
from bot.config import ConfigError


def email_settings(runtime: Runtime) -> EmailSettings:
    from bot.app import instance_secret

    config = runtime.config
    secret = config.secret_key or instance_secret(config.instance_dir)
    return EmailSettings.from_config(config, runtime.kb.policy, secret)


def email_channel(
    runtime: Runtime, *, print_only: bool = False, clock: Callable[[], datetime] = utcnow
) -> EmailChannel:
    return EmailChannel(
        runtime.db,
        runtime.conversations,
        email_settings(runtime),
        clock=clock,
        print_only=print_only,
    )


def smtp_relay(runtime: Runtime) -> SmtpRelay:
    """The relay from SUPPORTBOT_SMTP_URL; a missing or malformed URL names the variable."""
    url = runtime.config.smtp_url
    if not url:
        raise ConfigError("SUPPORTBOT_SMTP_URL is not set: outgoing mail needs a relay")
    try:
        return SmtpRelay.from_url(url)
    except ValueError as error:
        raise ConfigError(f"SUPPORTBOT_SMTP_URL: {error}") from error


def outbox_sender(runtime: Runtime, *, clock: Callable[[], datetime] = utcnow) -> OutboxSender:
    return OutboxSender(runtime.db, smtp_relay(runtime), clock=clock)
