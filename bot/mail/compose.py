"""Build outgoing replies: one recipient, RFC 3834 headers on bot mail, threading, no injection."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime

from bot.mail.address_headers import mailbox
from bot.mail.header_decoding import decode_header_value, flatten, parse_message_ids
from bot.mail.message import InboundMail

MAX_REFERENCES = 10
MAX_SUBJECT_CHARS = 400
AUTOMATED_SUBJECT_CHARS = 60
LOOP_HEADER = "X-Loop"
REPLY_MARKER_CLASS = "supportbot-reply-marker"

_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|sv|vs|odp|ynt|réf|rif)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+", re.IGNORECASE
)
_ADDRESS = re.compile(r"[^\s@<>()\[\],;:\\\"]{1,64}@[^\s@<>()\[\],;:\\\"]{1,255}")
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class ThreadContext:
    """Who a reply goes to and what it answers; build it with ``replying_to`` or from storage."""

    recipient: str
    recipient_name: str = ""
    subject: str = ""
    parent_message_id: str | None = None
    parent_references: tuple[str, ...] = ()

    @classmethod
    def automatic_reply_to(
        cls, mail: InboundMail, envelope_sender: str | None = None
    ) -> ThreadContext:
        """Where an automatic answer goes (RFC 3834 §4): the envelope sender, never Reply-To.

        A Reply-To (or a forged From) would let anyone have the bot mail a chosen address;
        the envelope sender (``MAIL FROM``, else the Return-Path the receiving server wrote)
        is where the message's own bounces go. From is the fallback for mail read from a
        file without either.
        """
        candidates = (envelope_sender, mail.return_path, mail.from_addr)
        recipient = next((c.strip().strip("<>") for c in candidates if c and "@" in c), "")
        same = recipient.casefold() == mail.from_addr.casefold()
        return cls(
            recipient=recipient,
            recipient_name=mail.from_name if same else "",
            subject=mail.subject,
            parent_message_id=mail.message_id,
            parent_references=mail.references,
        )

    @classmethod
    def replying_to(cls, mail: InboundMail) -> ThreadContext:
        """A person's reply (staff): to ``mail``'s sender, honouring Reply-To as a client does."""
        uses_from = not mail.reply_to or mail.reply_to.casefold() == mail.from_addr.casefold()
        return cls(
            recipient=mail.reply_address,
            recipient_name=mail.from_name if uses_from else "",
            subject=mail.subject,
            parent_message_id=mail.message_id,
            parent_references=mail.references,
        )


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each made once: CPython's registry builds a new class at
    every lookup, twice for each header set."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name.lower())
        if made is None:
            made = super().__getitem__(name)
            if len(self._made) < 100:  # our own few header names; never grows without bound
                self._made[name.lower()] = made
        return made


_COMPOSE_POLICY = policy.default.clone(header_factory=_HeaderClasses())
_FIXED: dict[tuple[str, str, str], BaseHeader] = {}  # see `_fixed`
_FIXED_KEPT = 256


def _fixed(name: str, value: str, addr_spec: str = "") -> BaseHeader:
    """The parsed header for a value that repeats (our From, the RFC 3834 marks, X-Loop, the
    language), made once: parsing a header costs more than the rest of setting it, and a
    parsed header is immutable, so messages share it. ``addr_spec``: ``value`` is the display
    name of this mailbox."""
    key = (name, value, addr_spec)
    made = _FIXED.get(key)
    if made is None:
        if len(_FIXED) >= _FIXED_KEPT:  # a sender name per language and staff member: few
            _FIXED.clear()
        given: str | Address = mailbox(value, addr_spec) if addr_spec else value
        made = _FIXED[key] = _COMPOSE_POLICY.header_factory(name, given)
    return made


def compose_reply(
    thread: ThreadContext,
    *,
    sender: str,
    text: str,
    message_id: str,
    automated: bool,
    sender_name: str = "",
    html_body: str | None = None,
    ticket_tag: str | None = None,
    loop_header_value: str | None = None,
    date: datetime | None = None,
    language: str | None = None,
    reply_marker: str | None = None,
) -> EmailMessage:
    """One message to ``thread.recipient``; ``automated`` marks bot mail (not staff mail).

    Raises ValueError when an address or ``message_id`` is unusable; every other header value
    is flattened onto one line, so customer text cannot inject headers.
    """
    msg = EmailMessage(policy=_COMPOSE_POLICY)
    msg["From"] = _fixed("From", flatten(sender_name)[:200], _checked(sender))
    msg["To"] = _address(thread.recipient_name, thread.recipient)
    # Bot mail echoes only the start of the subject: it must not carry a stranger's words.
    limit = AUTOMATED_SUBJECT_CHARS if automated else MAX_SUBJECT_CHARS
    msg["Subject"] = reply_subject(thread.subject, ticket_tag, limit=limit)
    msg["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    msg["Message-ID"] = _message_id(message_id)
    parent = _first(parse_message_ids(thread.parent_message_id))
    if parent:
        msg["In-Reply-To"] = parent
        references = [ref for r in thread.parent_references for ref in parse_message_ids(r)]
        msg["References"] = " ".join(trim_references([*references, parent]))
    if automated:
        msg["Auto-Submitted"] = _fixed("Auto-Submitted", "auto-replied")
        msg["X-Auto-Response-Suppress"] = _fixed("X-Auto-Response-Suppress", "OOF, AutoReply")
    if loop_header_value and header_text(loop_header_value):
        msg[LOOP_HEADER] = _fixed(LOOP_HEADER, header_text(loop_header_value))
    marker = reply_marker_line(reply_marker) if reply_marker else None
    msg.set_content(f"{marker}\n\n{text}" if marker else text)
    msg.add_alternative(_html_document(html_body or text_to_html(text), marker), subtype="html")
    # Chosen here, not by the generator (which compiles a regular expression for each message
    # to search the parts for its guess): "=_" cannot occur in base64 or quoted-printable, and
    # no one can guess 128 random bits to put in a 7bit part (RFC 2045 §6.7's advice).
    msg.set_boundary(f"=_{secrets.token_hex(16)}")
    if language and header_text(language):  # after the body: set_content clears Content-*
        msg["Content-Language"] = _fixed("Content-Language", header_text(language))
    return msg


def reply_subject(
    subject: str, ticket_tag: str | None = None, *, limit: int = MAX_SUBJECT_CHARS
) -> str:
    """``Re: <subject> [TAG]``: one ``Re:``, the tag once, on one line, the subject cut."""
    base = _REPLY_PREFIX.sub("", header_text(subject))
    tag = header_text(ticket_tag or "").strip("[] ")
    if tag:
        base = re.sub(r"\s*\[\s*#?" + re.escape(tag) + r"\s*\]", "", base, flags=re.IGNORECASE)
    base = base.strip()
    if len(base) > limit:
        base = base[: limit - 1].rstrip() + "…"
    parts = ["Re:", base, f"[{tag}]" if tag else ""]
    return " ".join(p for p in parts if p)


def find_ticket_tag(subject: str, prefix: str) -> str | None:
    """``NME-1001`` from a subject carrying ``[NME-1001]`` (any case, optional ``#``)."""
    pattern = r"\[\s*#?\s*(" + re.escape(prefix) + r")-(\d{1,12})\s*\]"
    match = re.search(pattern, flatten(subject), re.IGNORECASE)
    return f"{prefix.upper()}-{match.group(2)}" if match else None


def trim_references(references: Sequence[str]) -> tuple[str, ...]:
    """Unique IDs in order; past ten keep the first four and the last six, as RT does."""
    unique = tuple(dict.fromkeys(references))
    if len(unique) <= MAX_REFERENCES:
        return unique
    return unique[:4] + unique[-6:]


def reply_marker_line(text: str) -> str:
    """``##- text -##``: the line quotes.py cuts at when a customer replies above it."""
    return f"##- {flatten(text).replace('##', '')} -##"


def text_to_html(text: str) -> str:
    """Paragraphs and line breaks of plain text as escaped HTML, with links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(f"<p>{_linkify(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _linkify(text: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        last = match.start() + len(url)
    out.append(html.escape(text[last:]))
    return "".join(out)


def _html_document(body: str, marker: str | None) -> str:
    top = (
        f'<div class="{REPLY_MARKER_CLASS}" style="color:#888888">{html.escape(marker)}</div>\n'
        if marker
        else ""
    )
    return f"<!DOCTYPE html>\n<html><body>\n{top}{body}\n</body></html>\n"


def header_text(value: str) -> str:
    """Text that stays one literal header line once the email package has parsed it.

    EmailMessage decodes ``=?utf-8?q?...?=`` in values it is given, so an encoded CR LF in a
    customer's subject would come out as a real line break (a header injection). Decoding
    here first, and defusing whatever still looks encoded, leaves nothing to decode later.
    """
    text = flatten(value)
    for _ in range(3):
        if "=?" not in text:
            return text
        text = decode_header_value("x-text", text)
    return text.replace("=?", "= ?")


def _address(name: str, addr: str) -> Address:
    """The display name is kept as given (on one line): address_headers.MAIL_POLICY writes it."""
    return mailbox(flatten(name)[:200], _checked(addr))


def _checked(addr: str) -> str:
    clean = addr.strip().strip("<>")
    if not _ADDRESS.fullmatch(clean):
        raise ValueError(f"not an email address: {addr!r}")
    return clean


def _message_id(value: str) -> str:
    ids = parse_message_ids(value)
    if len(ids) != 1:
        raise ValueError(f"not a single Message-ID: {value!r}")
    return ids[0]


def _first(ids: tuple[str, ...]) -> str | None:
    return ids[0] if ids else None
