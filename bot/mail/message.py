"""Parse raw RFC 5322 bytes into an InboundMail; any input gives a result, never an exception."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import Message
from functools import cached_property

from bot.mail.charsets import decode_bytes
from bot.mail.header_decoding import (
    HeaderMap,
    decode_header_value,
    flatten,
    header_map,
    parse_address_list,
    parse_date,
    parse_mailbox,
    parse_message_ids,
    raw_header_items,
)
from bot.mail.html_text import html_to_text
from bot.mail.large_parts import clip_base64_runs
from bot.mail.mime_parts import (
    DEFAULT_ATTACHMENT_LIMIT,
    MAX_BODY_CHARS,
    Attachment,
    clean_text,
    collect,
)
from bot.mail.quotes import ReplyParts, extract_reply


@dataclass(frozen=True)
class InboundMail:
    """One received message, decoded; ``headers`` keeps every top-level header for the rules."""

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    subject: str
    from_addr: str
    from_name: str
    reply_to: str | None
    sender: str | None
    return_path: str | None  # "" for the null path <>, None when the header is absent
    to: tuple[str, ...]
    cc: tuple[str, ...]
    resent_to: tuple[str, ...]  # Resent-To and Resent-Cc: a forward that names us
    date: datetime | None
    headers: HeaderMap = field(repr=False)
    content_type: str
    part_types: tuple[str, ...]
    text: str = field(repr=False)
    html: str | None = field(repr=False)
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...]
    size: int

    @cached_property
    def reply_parts(self) -> ReplyParts:
        """New text, quoted history and signature (``extract_reply``), read once per mail: the
        pipeline answers from them and `email replay` reports them. A changed copy of the mail
        (``dataclasses.replace``) reads its own."""
        return extract_reply(self.text, self.html)

    @property
    def reply_address(self) -> str:
        """Where a reply goes: Reply-To when given, else From ("" when neither is usable)."""
        return self.reply_to or self.from_addr


def parse_message(raw: bytes, *, attachment_limit: int = DEFAULT_ATTACHMENT_LIMIT) -> InboundMail:
    """Decode ``raw`` best-effort; broken parts become ``defects`` instead of exceptions."""
    attachment_limit = max(0, attachment_limit)
    try:
        clipped, sizes = clip_base64_runs(raw, attachment_limit)
        msg = email.message_from_bytes(clipped, policy=policy.compat32)
        return _from_message(msg, len(raw), attachment_limit, sizes)
    except Exception as error:  # the last line of defence: the raw bytes are stored anyway
        return _unparseable(raw, type(error).__name__)


def _from_message(
    msg: Message, size: int, attachment_limit: int, clipped_sizes: dict[str, int]
) -> InboundMail:
    raw_items = raw_header_items(msg)
    headers = header_map(raw_items)
    raw_by_name: dict[str, list[str]] = {}
    for name, value in raw_items:
        raw_by_name.setdefault(name.casefold(), []).append(value)
    content = collect(msg, attachment_limit, clipped_sizes)
    text, html = _body(content.texts, content.htmls)
    sender = parse_mailbox(_raw(raw_by_name, "from"))
    defects = [type(d).__name__ for d in msg.defects] + content.defects
    return InboundMail(
        message_id=_first(parse_message_ids(headers.first("message-id"))),
        in_reply_to=_first(parse_message_ids(headers.first("in-reply-to"))),
        references=parse_message_ids(" ".join(headers.get("references", ()))),
        subject=headers.first("subject") or "",
        from_addr=sender[1] if sender else "",
        from_name=sender[0] if sender else decode_header_value("from", _raw(raw_by_name, "from")),
        reply_to=_address_of(parse_mailbox(_raw(raw_by_name, "reply-to"))),
        sender=_address_of(parse_mailbox(_raw(raw_by_name, "sender"))),
        return_path=_return_path(headers.first("return-path")),
        to=tuple(parse_address_list(raw_by_name.get("to", []))),
        cc=tuple(parse_address_list(raw_by_name.get("cc", []))),
        resent_to=tuple(
            parse_address_list(raw_by_name.get("resent-to", []) + raw_by_name.get("resent-cc", []))
        ),
        date=parse_date(headers.first("date")),
        headers=headers,
        content_type=content.content_types[0] if content.content_types else "text/plain",
        part_types=tuple(dict.fromkeys(content.content_types)),
        text=text,
        html=html,
        attachments=tuple(content.attachments),
        defects=tuple(dict.fromkeys(defects)),
        size=size,
    )


def _body(texts: list[str], htmls: list[str]) -> tuple[str, str | None]:
    """Plain text preferred; HTML converted when it is the only body."""
    html = "\n".join(h for h in htmls if h.strip()) or None
    text = "\n\n".join(t.strip("\n") for t in texts if t.strip())
    if not text and html:
        text = html_to_text(html)
    return text[:MAX_BODY_CHARS], html


def _address_of(pair: tuple[str, str] | None) -> str | None:
    return pair[1] if pair else None


def _raw(raw_by_name: dict[str, list[str]], name: str) -> str:
    values = raw_by_name.get(name)
    return values[0] if values else ""


def _return_path(value: str | None) -> str | None:
    if value is None:
        return None
    return flatten(value).strip().strip("<>").strip()


def _first(ids: tuple[str, ...]) -> str | None:
    return ids[0] if ids else None


def _unparseable(raw: bytes, reason: str) -> InboundMail:
    text = clean_text(decode_bytes(raw[: MAX_BODY_CHARS * 4]))
    return InboundMail(
        message_id=None,
        in_reply_to=None,
        references=(),
        subject="",
        from_addr="",
        from_name="",
        reply_to=None,
        sender=None,
        return_path=None,
        to=(),
        cc=(),
        resent_to=(),
        date=None,
        headers=HeaderMap(),
        content_type="text/plain",
        part_types=("text/plain",),
        text=text[:MAX_BODY_CHARS],
        html=None,
        attachments=(),
        defects=("unparseable", reason),
        size=len(raw),
    )
