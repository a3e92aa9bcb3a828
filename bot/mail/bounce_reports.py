"""Read delivery failures (DSNs and plain-text ones) well enough to stop mailing dead addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from bot.mail.charsets import decode_bytes
from bot.mail.header_decoding import flatten, parse_message_ids
from bot.mail.machine_senders import sender_role
from bot.mail.message import InboundMail

_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_ORIGINAL_TYPES = ("message/rfc822", "text/rfc822-headers", "message/global-headers")
_DAEMON = re.compile(r"^(?:mailer-?daemon|postmaster)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|failure notice|deliver\w*.{0,20}fail"
    r"|fail\w*.{0,20}deliver|mail(?:ing)? (?:failure|failed|error)|error sending|mail delivery"
    r"|non-?delivery|could not be delivered|not (?:be )?delivered|unable to deliver|returning to"
    r" sender|delivery (?:problem|error|notification|report)|unzustellbar|nicht zustellbar"
    r"|onbestelbaar|niet afgeleverd|non remis|échec de (?:la )?remise|\bbounce"
    r"|errors from \S+|message (?:rejected|blocked)|rejected|delivery delayed|warning: could not",
    re.IGNORECASE,
)
# What a failure report says in its own words, in the first part of the body.
_FAILURE_TEXT = re.compile(
    r"could not be delivered|couldn't be delivered|was not delivered|delivery (?:to the following"
    r" recipients? )?(?:has )?failed|permanent(?:ly)? (?:fatal )?error|user unknown|unknown user"
    r"|no such (?:user|mailbox|recipient)|mailbox (?:unavailable|full|not found)|undeliverable"
    r"|this is the mail system at|returned to sender|delivery status notification|recipient"
    r" address rejected|\b[45]\.\d{1,3}\.\d{1,3}\b|\b(?:550|551|552|553|554|450|452)[ -]",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SMTP_REPLY = re.compile(r"(?:^|\s)([45])\d\d[\s-]")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_ORIGINAL_MARKER = re.compile(
    r"^.*(?:original message|copy of the message|message headers follow|below this line"
    r"|returned message|undelivered message|ursprüngliche nachricht|oorspronkelijk bericht).*$"
    r"|^(?:return-path|received|message-id):",
    re.IGNORECASE | re.MULTILINE,
)
_MESSAGE_ID_LINE = re.compile(r"^\s*message-id:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_TEMPORARY_WORDS = re.compile(
    r"\bdela(?:y|yed)\b|\btemporar|\bwill (?:retry|try again)", re.IGNORECASE
)
_PERMANENT_WORDS = re.compile(r"\bpermanent", re.IGNORECASE)
_HEADERS = BytesHeaderParser(policy=compat32)
# The end of an attached message's header block: its body need not go through the parser.
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True)
class Bounce:
    """A delivery failure: who failed, how badly, and which of our messages it was."""

    permanent: bool
    recipients: tuple[str, ...]
    status: str | None  # enhanced status code such as "5.1.1"
    action: str | None  # DSN action: "failed", "delayed", ...
    original_message_id: str | None
    diagnostic: str = ""


def parse_bounce(mail: InboundMail) -> Bounce | None:
    """A Bounce when ``mail`` reports a failed or delayed delivery, else None."""
    dsn = next((a for a in mail.attachments if a.content_type in _DSN_TYPES), None)
    if dsn is None and not _looks_like_bounce(mail):
        return None
    fields = _dsn_recipients(decode_bytes(dsn.data)) if dsn else []
    failed = [f for f in fields if f.get("action", "").startswith("failed")] or fields
    status = next((f["status"] for f in failed if f.get("status")), None)
    action = next((f["action"] for f in failed if f.get("action")), None)
    recipients = tuple(dict.fromkeys(f["recipient"] for f in failed if f.get("recipient")))
    diagnostic = next((f["diagnostic-code"] for f in failed if f.get("diagnostic-code")), "")
    report = _failure_report(mail.text)
    if not recipients:
        recipients = _fallback_recipients(mail, report)
    status = status or _status_from_text(report)
    return Bounce(
        permanent=_is_permanent(status, action, f"{mail.subject}\n{report}"),
        recipients=recipients,
        status=status,
        action=action,
        original_message_id=_original_message_id(mail),
        diagnostic=flatten(diagnostic or _first_status_line(report))[:500],
    )


def _looks_like_bounce(mail: InboundMail) -> bool:
    """A machine sender whose subject or text reports a failed delivery."""
    if "x-failed-recipients" in mail.headers:
        return True
    sender = mail.from_addr or mail.from_name.split("<", 1)[0].strip()  # "MAILER-DAEMON <>"
    machine = mail.return_path == "" or sender_role(sender) in ("mailer_daemon", "no_reply_sender")
    if not machine:
        return False
    returned = any(a.content_type in _ORIGINAL_TYPES for a in mail.attachments)
    return (
        bool(_BOUNCE_SUBJECT.search(mail.subject))
        or bool(_FAILURE_TEXT.search(mail.text[:5000]))
        or (returned and sender_role(sender) == "mailer_daemon")
    )


def _dsn_recipients(text: str) -> list[dict[str, str]]:
    """The per-recipient field groups of a message/delivery-status body."""
    groups = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        fields: dict[str, str] = {}
        for name, value in re.findall(r"^([A-Za-z-]+):[ \t]*(.*(?:\n[ \t].*)*)", block, re.M):
            fields[name.lower()] = flatten(value)
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient:
            fields["recipient"] = recipient.split(";", 1)[-1].strip().strip("<>")
            fields["action"] = fields.get("action", "").lower()
            match = _STATUS.search(fields.get("status", ""))
            fields["status"] = match.group(0) if match else ""
            groups.append(fields)
    return groups


def _failure_report(text: str) -> str:
    """The human-readable part of a bounce, before the returned original starts."""
    match = _ORIGINAL_MARKER.search(text)
    return text[: match.start()] if match else text


def _fallback_recipients(mail: InboundMail, report: str) -> tuple[str, ...]:
    listed = [flatten(v) for v in mail.headers.get("x-failed-recipients", ())]
    found = [a.strip() for value in listed for a in value.split(",") if "@" in a]
    if not found:
        ignore = {mail.from_addr.casefold(), *(a.casefold() for a in mail.to)}
        found = [
            a
            for a in _ADDRESS.findall(report)
            if a.casefold() not in ignore and not _DAEMON.match(a)
        ]
    return tuple(dict.fromkeys(found))[:20]


def _status_from_text(report: str) -> str | None:
    match = _STATUS.search(report)
    if match:
        return match.group(0)
    smtp = _SMTP_REPLY.search(report)
    return f"{smtp.group(1)}.0.0" if smtp else None


def _is_permanent(status: str | None, action: str | None, text: str) -> bool:
    if action and action.startswith("delayed"):
        return False
    if status:
        return status.startswith("5")
    if _TEMPORARY_WORDS.search(text):
        return False
    return action == "failed" or bool(_PERMANENT_WORDS.search(text))


def _original_message_id(mail: InboundMail) -> str | None:
    for attachment in mail.attachments:
        if attachment.content_type in _ORIGINAL_TYPES:
            end = _BLANK_LINE.search(attachment.data)
            headers = _HEADERS.parsebytes(attachment.data[: end.end()] if end else attachment.data)
            ids = parse_message_ids(str(headers.get("message-id", "")))
            if ids:
                return ids[0]
    match = _MESSAGE_ID_LINE.search(mail.text)
    if match:
        return match.group(1)
    return mail.in_reply_to


def _first_status_line(report: str) -> str:
    for line in report.splitlines():
        if _STATUS.search(line) or _SMTP_REPLY.search(" " + line):
            return line.strip()
    return ""
