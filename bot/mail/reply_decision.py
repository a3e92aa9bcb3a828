"""Whether a parsed mail may get an automatic answer at all, before threading and rate limits.

The one place that applies our settings to the rules, so the pipeline, ``email replay`` and
the accuracy benchmark decide alike.
"""

from __future__ import annotations

from bot.mail.autoreply_rules import AutoReplyDecision, should_auto_reply
from bot.mail.message import InboundMail
from bot.mail.settings import EmailSettings


def reply_decision(
    mail: InboundMail, settings: EmailSettings, envelope_sender: str | None = None
) -> AutoReplyDecision:
    return should_auto_reply(
        mail,
        own_addresses=settings.own_addresses,
        own_message_id_domain=settings.domain,
        loop_header_value=settings.loop_value,
        envelope_sender=envelope_sender,
        message_id_secret=settings.secret,
        inbound_addresses=settings.inbound_addresses,
    )
