"""What the email channel needs to know about us: addresses, domain, secret, limits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.core.knowledge.models import Policy, url_for_language
from bot.mail.autoreply_rules import RateLimit

DEFAULT_MAX_BYTES = 35 * 1024 * 1024
ATTACHMENT_LIMIT = 10 * 1024 * 1024  # kept per attachment for staff; the raw mail keeps all


@dataclass(frozen=True)
class EmailSettings:
    """Built once from the config and the support policy; plain data after that."""

    helpdesk_address: str
    own_addresses: tuple[str, ...]  # never answered: ours, billing, the envelope sender
    inbound_addresses: tuple[str, ...]  # what `email serve` accepts mail for
    domain: str  # of our Message-IDs and the X-Loop value
    secret: str
    envelope_from: str
    company: str
    ticket_prefix: str
    sender_limit: RateLimit = RateLimit()
    conversation_limit: RateLimit = RateLimit()
    max_bytes: int = DEFAULT_MAX_BYTES
    privacy_urls: tuple[tuple[str, str], ...] = ()  # policy.yaml's privacy_url

    @classmethod
    def from_config(cls, config: Config, policy: Policy, secret: str) -> EmailSettings:
        helpdesk = policy.helpdesk_email.strip().lower()
        inbound = _unique((helpdesk, *config.helpdesk_addresses))
        own = _unique((*inbound, policy.billing_email))
        domain = (config.email_domain or helpdesk.rpartition("@")[2] or "localhost").lower()
        envelope_from = (config.email_envelope_from or helpdesk).strip()
        limit = RateLimit(config.email_replies_per_hour, config.email_replies_per_day)
        return cls(
            helpdesk_address=helpdesk,
            own_addresses=_unique((*own, envelope_from)),
            inbound_addresses=inbound,
            domain=domain,
            secret=secret,
            envelope_from=envelope_from,
            company=policy.company,
            ticket_prefix=policy.ticket_prefix,
            sender_limit=limit,
            conversation_limit=limit,
            max_bytes=config.email_max_bytes,
            privacy_urls=policy.privacy_urls,
        )

    @property
    def loop_value(self) -> str:
        """Our X-Loop header value; mail that carries it came from us."""
        return self.domain

    def privacy_url(self, language: str) -> str:
        return url_for_language(self.privacy_urls, language)

    def is_own(self, address: str) -> bool:
        return address.strip().strip("<>").lower() in self.own_addresses


def _unique(addresses: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))
