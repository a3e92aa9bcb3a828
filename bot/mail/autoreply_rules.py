"""When not to answer (RFC 3834 and helpdesk practice), and how often we may answer at all.

``should_auto_reply`` checks, in order: our own mail coming back (loop header, signed
Message-ID, our addresses), null and machine senders, reports (bounces, read receipts,
complaints), Auto-Submitted, bulk/list mail, Microsoft's suppression header, vendor and
helpdesk loop headers, what the subject and body say (out of office, read receipts,
challenge/response), and finally whether the mail names us at all. The first rule that fires
gives the reason code (snake_case, stable, listed in docs/email.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.mail import automatic_content as content
from bot.mail import automation_headers as headers
from bot.mail.machine_senders import sender_role
from bot.mail.message import InboundMail
from bot.mail.message_ids import verify_message_id

OK = "ok"
RATE_LIMITED = "rate_limited"

_REPORT_TYPES = {
    "multipart/report",
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "message/feedback-report",
}


@dataclass(frozen=True)
class AutoReplyDecision:
    """Whether an automatic reply may go out; ``reason`` is a short stable code for staff."""

    reply: bool
    reason: str
    detail: str = ""


def should_auto_reply(
    mail: InboundMail,
    *,
    own_addresses: Iterable[str],
    own_message_id_domain: str,
    loop_header_value: str,
    envelope_sender: str | None = None,
    message_id_secret: str | None = None,
    inbound_addresses: Iterable[str] | None = None,
) -> AutoReplyDecision:
    """Apply every rule in turn; the first that fires says no, with its reason.

    ``inbound_addresses`` (the helpdesk and its aliases) switches on ``not_addressed_to_us``;
    ``message_id_secret`` lets our own signed Message-IDs be recognised.
    """
    own = {a.strip().casefold() for a in own_addresses if a.strip()}
    checks: tuple[Callable[[], tuple[str, str] | None], ...] = (
        lambda: headers.loop_header(mail, loop_header_value),
        lambda: _own_message_id(mail, own_message_id_domain, message_id_secret),
        lambda: _own_address(mail, own, envelope_sender),
        lambda: _null_sender(mail, envelope_sender),
        lambda: _machine_sender(mail, envelope_sender),
        lambda: _no_recipient(mail),
        lambda: _report(mail),
        lambda: headers.auto_submitted(mail),
        lambda: headers.precedence(mail),
        lambda: headers.list_header(mail),
        lambda: headers.suppress_header(mail),
        lambda: headers.vendor_header(mail),
        lambda: headers.foreign_loop(mail),
        lambda: content.out_of_office_subject(mail),
        lambda: content.generated_subject(mail),
        lambda: content.report_content(mail),
        lambda: content.read_receipt(mail),
        lambda: content.challenge_response(mail),
        lambda: _not_addressed(mail, inbound_addresses),
    )
    for check in checks:
        found = check()
        if found:
            return AutoReplyDecision(False, found[0], found[1])
    return AutoReplyDecision(True, OK)


def _own_message_id(mail: InboundMail, domain: str, secret: str | None) -> tuple[str, str] | None:
    """One of the Message-IDs we signed: the domain alone proves nothing (customers share it)."""
    if secret and mail.message_id:
        if verify_message_id(mail.message_id, secret=secret, domain=domain or None):
            return "own_message_id", mail.message_id
    return None


def _own_address(mail: InboundMail, own: set[str], envelope: str | None) -> tuple[str, str] | None:
    for address in _sender_addresses(mail, envelope):
        if address.casefold() in own:
            return "own_address", address
    return None


def _null_sender(mail: InboundMail, envelope: str | None) -> tuple[str, str] | None:
    if envelope is not None and envelope.strip().strip("<>").strip() == "":
        return "null_sender", "MAIL FROM:<>"
    if mail.return_path == "":
        return "null_sender", "Return-Path: <>"
    return None


def _machine_sender(mail: InboundMail, envelope: str | None) -> tuple[str, str] | None:
    for address in _sender_addresses(mail, envelope):
        role = sender_role(address)
        if role:
            return role, address
    return None


def _no_recipient(mail: InboundMail) -> tuple[str, str] | None:
    if "@" not in mail.from_addr and "@" not in mail.reply_address:
        return "no_recipient", mail.from_name
    return None


def _report(mail: InboundMail) -> tuple[str, str] | None:
    found = _REPORT_TYPES.intersection(mail.part_types)
    if found:
        return "report", sorted(found)[0]
    if "x-failed-recipients" in mail.headers:
        return "report", "X-Failed-Recipients"
    return None


def _not_addressed(mail: InboundMail, inbound: Iterable[str] | None) -> tuple[str, str] | None:
    """RFC 3834 §4: answer only mail that names us in To or Cc (not Bcc copies, not lists)."""
    if inbound is None or not {"to", "cc", "resent-to", "resent-cc"} & set(mail.headers):
        return None  # no recipient fields at all: only the envelope knows, and it chose us
    ours = {_base_address(a) for a in inbound if a.strip()}
    named = [*mail.to, *mail.cc, *mail.resent_to]
    if any(_base_address(a) in ours for a in named):
        return None
    return "not_addressed_to_us", ", ".join(named)[:300]


def _base_address(address: str) -> str:
    """``support+tag@x`` is ``support@x``: tagged forms of our addresses are ours."""
    local, _, domain = address.strip().strip("<>").casefold().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def _sender_addresses(mail: InboundMail, envelope: str | None) -> list[str]:
    candidates = [mail.from_addr, mail.reply_to, mail.sender, mail.return_path, envelope]
    cleaned = [(c or "").strip().strip("<>").strip() for c in candidates]
    return [c for c in dict.fromkeys(cleaned) if c]


@dataclass(frozen=True)
class RateLimit:
    """At most ``per_hour`` and ``per_day`` automatic mails (to one sender or one thread)."""

    per_hour: int = 3
    per_day: int = 10

    def allows(self, previous_sends: Sequence[datetime], now: datetime) -> bool:
        """True when one more mail at ``now`` stays within both windows."""
        return self.decide(previous_sends, now).reply

    def decide(self, previous_sends: Sequence[datetime], now: datetime) -> AutoReplyDecision:
        """Like ``allows``, with the window that is full as the reason."""
        # Sends stamped in the future (clock skew) count as recent: a loop must not slip by.
        hour = sum(1 for sent in previous_sends if now - sent < timedelta(hours=1))
        day = sum(1 for sent in previous_sends if now - sent < timedelta(days=1))
        if hour >= self.per_hour:
            return AutoReplyDecision(False, RATE_LIMITED, f"{hour} in the last hour")
        if day >= self.per_day:
            return AutoReplyDecision(False, RATE_LIMITED, f"{day} in the last day")
        return AutoReplyDecision(True, OK)
