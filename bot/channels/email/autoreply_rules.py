"""When not to answer (RFC 3834 and helpdesk practice), and how often we may answer at all.

``should_auto_reply`` checks, in order: our own mail coming back, null and machine senders,
reports (bounces, read receipts, complaints), Auto-Submitted, bulk/list mail, Microsoft's
suppression header, vendor autoreply headers and out-of-office subjects. The first rule that
fires gives the reason code, which staff see next to the stored message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.channels.email.message import InboundMail

OK = "ok"

_REPORT_TYPES = {
    "multipart/report",
    "message/delivery-status",
    "message/disposition-notification",
    "message/feedback-report",
}
_DAEMONS = {"mailer-daemon", "mailerdaemon", "postmaster"}
_NO_REPLY = re.compile(r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|dont[-_.]?reply)(?:\b|[-_.+]|$)")
_LIST_ROLE = re.compile(r"^owner-|-(?:request|bounces?|owner|errors?)$|^bounces?[-+]")
_BULK = {"bulk", "list", "junk", "auto_reply", "auto-reply"}
_SUPPRESS = {"all", "oof", "autoreply"}

# Out-of-office phrases that open a subject ("Automatic reply: ...", "Afwezig: ...").
_OOO_PHRASES = tuple(
    phrase.strip()
    for phrase in """
    auto|automatic reply|automatic response|auto reply|auto-reply|autoreply|auto response
    |auto-response|autoresponse|autorespons|autoresponder|out of office|out of the office
    |out-of-office|ooo|vacation reply|away from the office
    |automatisch antwoord|automatisch bericht|automatische beantwoording|afwezig
    |afwezigheidsmelding|afwezigheidsbericht|niet aanwezig|niet op kantoor
    |abwesenheitsnotiz|abwesenheit|abwesend|automatische antwort|nicht im büro
    |réponse automatique|absence|absent|message d'absence|notification d'absence
    |absent du bureau|risposta automatica|fuori sede|fuori ufficio|respuesta automática
    |fuera de la oficina|autosvar|automatisk svar|frånvaro|fravær
    """.split("|")
)
_OOO_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:(?:re|aw|antw|sv|vs|fw|fwd|wg)\s*(?:\[\d+\])?\s*:\s*)*"
    r"(?:" + "|".join(re.escape(p) for p in sorted(_OOO_PHRASES, key=len, reverse=True)) + r")"
    r"(?:\s+(?:" + "|".join(re.escape(p) for p in _OOO_PHRASES) + r"))*"
    r"\s*(?::|-\s|–|\(|$)",
    re.IGNORECASE,
)


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
) -> AutoReplyDecision:
    """Apply every rule in turn; the first that fires says no, with its reason."""
    own = {a.strip().casefold() for a in own_addresses if a.strip()}
    checks: tuple[Callable[[], tuple[str, str] | None], ...] = (
        lambda: _loop_header(mail, loop_header_value),
        lambda: _own_message_id(mail, own_message_id_domain),
        lambda: _own_address(mail, own, envelope_sender),
        lambda: _null_sender(mail, envelope_sender),
        lambda: _machine_sender(mail, envelope_sender),
        lambda: _no_recipient(mail),
        lambda: _report(mail),
        lambda: _auto_submitted(mail),
        lambda: _precedence(mail),
        lambda: _list_header(mail),
        lambda: _suppress_header(mail),
        lambda: _vendor_header(mail),
        lambda: _ooo_subject(mail),
    )
    for check in checks:
        found = check()
        if found:
            return AutoReplyDecision(False, found[0], found[1])
    return AutoReplyDecision(True, OK)


def _loop_header(mail: InboundMail, value: str) -> tuple[str, str] | None:
    wanted = value.strip().casefold()
    for seen in mail.headers.get("x-loop", ()):
        if wanted and seen.strip().casefold() == wanted:
            return "loop-header", seen
    return None


def _own_message_id(mail: InboundMail, domain: str) -> tuple[str, str] | None:
    suffix = "@" + domain.strip().casefold().lstrip("@") + ">"
    if domain.strip() and mail.message_id and mail.message_id.casefold().endswith(suffix):
        return "own-message-id", mail.message_id
    return None


def _own_address(mail: InboundMail, own: set[str], envelope: str | None) -> tuple[str, str] | None:
    for address in _sender_addresses(mail, envelope):
        if address.casefold() in own:
            return "own-address", address
    return None


def _null_sender(mail: InboundMail, envelope: str | None) -> tuple[str, str] | None:
    if envelope is not None and envelope.strip().strip("<>").strip() == "":
        return "null-sender", "MAIL FROM:<>"
    if mail.return_path == "":
        return "null-sender", "Return-Path: <>"
    return None


def _machine_sender(mail: InboundMail, envelope: str | None) -> tuple[str, str] | None:
    for address in _sender_addresses(mail, envelope):
        local = address.rsplit("@", 1)[0].casefold()
        if local in _DAEMONS:
            return "mailer-daemon", address
        if _NO_REPLY.match(local):
            return "no-reply-sender", address
        if _LIST_ROLE.search(local):
            return "list-sender", address
    return None


def _no_recipient(mail: InboundMail) -> tuple[str, str] | None:
    if "@" not in mail.reply_address:
        return "no-recipient", mail.from_name
    return None


def _report(mail: InboundMail) -> tuple[str, str] | None:
    found = _REPORT_TYPES.intersection(mail.part_types)
    if found:
        return "report", sorted(found)[0]
    if "x-failed-recipients" in mail.headers:
        return "report", "X-Failed-Recipients"
    return None


def _auto_submitted(mail: InboundMail) -> tuple[str, str] | None:
    for value in mail.headers.get("auto-submitted", ()):
        # Only the keyword counts: "auto-generated (failure)", "auto-replied; owner-email=..."
        keyword = re.split(r"[\s;(]", value.strip(), maxsplit=1)[0].casefold()
        if keyword != "no":
            return "auto-submitted", value
    return None


def _precedence(mail: InboundMail) -> tuple[str, str] | None:
    for name in ("precedence", "x-precedence"):
        for value in mail.headers.get(name, ()):
            if value.strip().split(" ")[0].casefold() in _BULK:
                return "precedence-bulk", value
    return None


def _list_header(mail: InboundMail) -> tuple[str, str] | None:
    for name in mail.headers:
        if name.startswith("list-"):
            return "list-header", name
    return None


def _suppress_header(mail: InboundMail) -> tuple[str, str] | None:
    for value in mail.headers.get("x-auto-response-suppress", ()):
        if _SUPPRESS.intersection(re.split(r"[\s,;]+", value.casefold())):
            return "auto-response-suppress", value
    return None


def _vendor_header(mail: InboundMail) -> tuple[str, str] | None:
    for name, matches in _VENDOR_HEADERS:
        for value in mail.headers.get(name, ()):
            if matches(value.strip().casefold()):
                return "vendor-autoreply", f"{name}: {value}"
    return None


def _ooo_subject(mail: InboundMail) -> tuple[str, str] | None:
    if _OOO_SUBJECT.match(mail.subject):
        return "out-of-office-subject", mail.subject
    return None


def _sender_addresses(mail: InboundMail, envelope: str | None) -> list[str]:
    candidates = [mail.from_addr, mail.reply_to, mail.sender, mail.return_path, envelope]
    cleaned = [(c or "").strip().strip("<>").strip() for c in candidates]
    return [c for c in dict.fromkeys(cleaned) if c]


def _present(value: str) -> bool:
    return value not in ("no", "false", "0")


_VENDOR_HEADERS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("x-autoreply", _present),
    ("x-autorespond", _present),
    ("x-autoresponder", _present),
    ("x-autoreply-from", _present),
    ("x-mail-autoreply", _present),
    ("x-autogenerated", lambda v: v.startswith("reply")),
    ("x-apple-action", lambda v: v.startswith("vacation")),
    ("x-fc-machinegenerated", lambda v: v == "true"),
    ("x-post-messageclass", lambda v: "autoresponder" in v),
    ("delivered-to", lambda v: v == "autoresponder"),
    ("x-loop", lambda v: True),
)


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
            return AutoReplyDecision(False, "rate-limit-hour", f"{hour} in the last hour")
        if day >= self.per_day:
            return AutoReplyDecision(False, "rate-limit-day", f"{day} in the last day")
        return AutoReplyDecision(True, OK)
