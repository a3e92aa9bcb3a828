"""Walk a parsed MIME tree into body text, HTML and size-capped attachments."""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from typing import TypeVar

from bot.core.text import strip_control
from bot.mail.charsets import decode_bytes, meta_charset
from bot.mail.flowed import unflow
from bot.mail.header_decoding import decode_header_value, flatten
from bot.mail.large_parts import clipped_size

T = TypeVar("T")

DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024
MAX_BODY_CHARS = 1_000_000
MAX_PARTS = 500
MAX_DEPTH = 30

_BASE64_JUNK = re.compile(r"[^A-Za-z0-9+/=]")
_DEFAULT_NAMES = {
    "message/rfc822": "message.eml",
    "message/delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/feedback-report": "feedback-report.txt",
    "text/rfc822-headers": "headers.txt",
    "text/plain": "attachment.txt",
    "text/html": "attachment.html",
}


@dataclass(frozen=True)
class Attachment:
    """A non-body part kept for staff; ``data`` stops at the size limit (``truncated``)."""

    filename: str
    content_type: str
    size: int
    data: bytes = field(repr=False)
    truncated: bool = False
    inline: bool = False
    content_id: str | None = None


@dataclass
class MimeContent:
    """What the walk found; message.py freezes it into an InboundMail."""

    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    content_types: list[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    clipped_sizes: dict[str, int] = field(default_factory=dict)


def collect(
    msg: Message,
    attachment_limit: int = DEFAULT_ATTACHMENT_LIMIT,
    clipped_sizes: dict[str, int] | None = None,
) -> MimeContent:
    """Body candidates and attachments of ``msg``, bounded in parts and depth.

    ``clipped_sizes`` comes from large_parts.clip_base64_runs: true sizes of clipped parts.
    """
    found = MimeContent(clipped_sizes=clipped_sizes or {})
    _visit(msg, found, attachment_limit, depth=0)
    if not any(t.strip() for t in found.texts + found.htmls) and msg.is_multipart():
        # Some senders put the only text in the preamble (before the first boundary).
        preamble = clean_text(str(msg.preamble or "")).strip()
        if preamble:
            found.texts.append(preamble[:MAX_BODY_CHARS])
    return found


def _visit(part: Message, found: MimeContent, limit: int, depth: int) -> None:
    if len(found.content_types) >= MAX_PARTS or depth > MAX_DEPTH:
        _note(found, "too-many-parts")
        return
    ctype = _content_type(part)
    found.content_types.append(ctype)
    for defect in getattr(part, "defects", ()):
        _note(found, type(defect).__name__)
    if ctype.startswith("multipart/") and part.is_multipart():
        for child in part.get_payload():
            if isinstance(child, Message):
                _visit(child, found, limit, depth + 1)
        return
    disposition = _safe(part.get_content_disposition)
    filename = _filename(part)
    is_body_type = ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")
    if is_body_type and disposition != "attachment" and not filename:
        text = _body_text(part, ctype)
        (found.htmls if ctype == "text/html" else found.texts).append(text)
        return
    found.attachments.append(_attachment(part, ctype, disposition, filename, limit, found))


def _content_type(part: Message) -> str:
    value = _safe(part.get_content_type)
    return value if isinstance(value, str) and value else "application/octet-stream"


def _filename(part: Message) -> str | None:
    raw = _safe(part.get_filename)
    if not raw:
        return None
    name = decode_header_value("filename", raw)
    name = re.split(r"[/\\]", name)[-1].lstrip(".").strip()
    return name[:255] or None


def _body_text(part: Message, ctype: str) -> str:
    data = _safe(lambda: part.get_payload(decode=True))
    if not isinstance(data, bytes):
        data = b""
    data = data[: MAX_BODY_CHARS * 4]
    # An HTML part's own <meta charset> is the second opinion when its header label is wrong.
    hint = meta_charset(data) if ctype == "text/html" else None
    text = decode_bytes(data, _safe(part.get_content_charset), hint=hint)
    text = clean_text(text)
    if str(_safe(lambda: part.get_param("format")) or "").lower() == "flowed":
        delsp = str(_safe(lambda: part.get_param("delsp")) or "").lower() == "yes"
        text = unflow(text, delsp=delsp)
    return text[:MAX_BODY_CHARS]


def clean_text(text: str) -> str:
    """Unix newlines, no control characters or byte-order mark, plain spaces for NBSP."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return strip_control(text).lstrip("\ufeff")


def _attachment(
    part: Message,
    ctype: str,
    disposition: str | None,
    filename: str | None,
    limit: int,
    found: MimeContent,
) -> Attachment:
    if part.is_multipart():  # message/rfc822 and message/delivery-status hold parsed messages
        whole = _serialized(part)
        data, size, truncated = whole[:limit], len(whole), len(whole) > limit
    else:
        data, size, truncated = _capped_payload(part, limit, found.clipped_sizes)
    content_id = _safe(lambda: part.get("content-id"))
    return Attachment(
        filename=filename or _DEFAULT_NAMES.get(ctype, "attachment.bin"),
        content_type=ctype,
        size=size,
        data=data,
        truncated=truncated,
        inline=disposition == "inline",
        content_id=flatten(str(content_id)).strip("<>") or None if content_id else None,
    )


def _serialized(part: Message) -> bytes:
    chunks = [_as_bytes(child) for child in part.get_payload() if isinstance(child, Message)]
    return b"\n".join(chunks)


class _AsReceived(policy.Compat32):
    """Header fields written back as they were received: compat32 would fold every field
    again through ``email.header.Header`` (most of the cost of writing an attached message)."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if not isinstance(value, str):  # a Header object: only set by code, never parsed
            return super().fold_binary(name, value)
        return f"{name}: {value}{self.linesep}".encode("ascii", "surrogateescape")


_AS_RECEIVED = _AsReceived()


def _as_bytes(msg: Message) -> bytes:
    try:
        return msg.as_bytes(policy=_AS_RECEIVED)
    except Exception:  # a defective embedded message: keep what the staff can still use
        return b""


def _capped_payload(
    part: Message, limit: int, clipped_sizes: dict[str, int]
) -> tuple[bytes, int, bool]:
    payload = _safe(part.get_payload)
    cte = str(_safe(lambda: part.get("content-transfer-encoding")) or "").strip().lower()
    if isinstance(payload, str) and cte == "base64":
        full_size = clipped_size(payload, clipped_sizes)
        if full_size is not None:
            return _capped_base64(payload, limit)[0], full_size, True
        if len(payload) > limit * 4 // 3 + 4096:
            return _capped_base64(payload, limit)
    decoded = _safe(lambda: part.get_payload(decode=True))
    data = decoded if isinstance(decoded, bytes) else b""
    return data[:limit], len(data), len(data) > limit


def _capped_base64(payload: str, limit: int) -> tuple[bytes, int, bool]:
    """Decode only the kept prefix and estimate the full size, so big files are not copied."""
    wanted = (limit // 3 + 1) * 4
    compact = _BASE64_JUNK.sub("", payload[: wanted * 2 + 1024])[:wanted]
    try:
        data = binascii.a2b_base64(compact[: len(compact) // 4 * 4])[:limit]
    except (binascii.Error, ValueError):
        data = b""
    whitespace = sum(payload.count(ch) for ch in "\r\n\t ")
    padding = payload.rstrip()[-2:].count("=")
    size = max(0, (len(payload) - whitespace) * 3 // 4 - padding)
    return data, size, size > len(data)


def _note(found: MimeContent, defect: str) -> None:
    if defect not in found.defects and len(found.defects) < 50:
        found.defects.append(defect)


def _safe(call: Callable[[], T]) -> T | None:
    """Call an email accessor that may raise on malformed input; None instead of the error."""
    try:
        return call()
    except Exception:
        return None
