"""Licence keys in inbound mail: masked in the decoded mail and in the stored raw message.

The keys are found in the decoded subject and body (``bot.core.licence_keys``). In the raw
bytes each key found is overwritten in place, keeping its last 4 characters and its length
(``****-****-****-5678``), wherever the message carries it: as plain or 8-bit text, as
quoted-printable (also across soft line breaks), inside base64 bodies and attachments (decoded,
masked, encoded again with the same line length), and in RFC 2047 encoded header words. The
MIME structure is left as it was; only the key characters change. A key in a part we do not
decode (a PDF, a zip) stays there: it never reaches the conversation or the engine.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Iterable
from dataclasses import replace

from bot.core.licence_keys import FoundKey, mask_licence_keys
from bot.mail.message import InboundMail
from bot.storage.models import InboundEmail

_BASE64_RUN = re.compile(rb"(?m)(?:^[A-Za-z0-9+/=]{16,998}\r?\n)++")
_ENCODED_WORD = re.compile(rb"=\?([^?\s]{1,40})\?([BbQq])\?([^?\s]{0,2000})\?=")
_MAX_DECODED = 5 * 1024 * 1024  # larger base64 parts are attachments nobody reads as text
_ALNUM = re.compile(rb"[A-Za-z0-9]")


def mask_inbound_mail(row: InboundEmail, mail: InboundMail) -> tuple[InboundMail, list[FoundKey]]:
    """``mail`` with keys masked, and the keys; ``row.raw`` and ``row.subject`` masked too."""
    subject, text = mask_licence_keys(mail.subject), mask_licence_keys(mail.text)
    html = mask_licence_keys(mail.html) if mail.html else None
    found = [(mail.subject, subject), (mail.text, text)]
    if mail.html and html is not None:
        found.append((mail.html, html))
    originals = {value[k.start : k.end] for value, result in found for k in result.keys}
    if not originals:
        return mail, []
    row.raw = mask_raw_message(row.raw, originals)
    row.subject = mask_licence_keys(row.subject).text if row.subject else row.subject
    masked = replace(
        mail, subject=subject.text, text=text.text, html=html.text if html else mail.html
    )
    return masked, [key for _, result in found for key in result.keys]


def mask_raw_message(raw: bytes, keys: Iterable[str]) -> bytes:
    """``raw`` with every occurrence of ``keys`` overwritten (see the module docstring)."""
    wanted = sorted({key.encode("ascii", "ignore") for key in keys if key.isascii()}, key=len)
    wanted = [key for key in reversed(wanted) if len(key) > 4]
    if not wanted:
        return raw
    for key in wanted:
        raw = _literal(key).sub(_overwrite, raw)
    raw = _BASE64_RUN.sub(lambda match: _base64_run(match.group(), wanted), raw)
    return _ENCODED_WORD.sub(lambda match: _encoded_word(match, wanted), raw)


def _literal(key: bytes) -> re.Pattern[bytes]:
    """The key as written, also when quoted-printable soft line breaks (``=\\r\\n``) split it."""
    soft_break = rb"(?:=\r?\n)?"
    body = soft_break.join(re.escape(key[i : i + 1]) for i in range(len(key)))
    return re.compile(rb"(?<![A-Za-z0-9])" + body + rb"(?![A-Za-z0-9])")


def _overwrite(match: re.Match[bytes]) -> bytes:
    """Letters and digits become ``*`` except the last 4; dashes and line breaks stay."""
    text = match.group()
    positions = [m.start() for m in _ALNUM.finditer(text)][:-4]
    masked = bytearray(text)
    for position in positions:
        masked[position] = ord("*")
    return bytes(masked)


def _mask_bytes(data: bytes, keys: list[bytes]) -> bytes:
    for key in keys:
        data = _literal(key).sub(_overwrite, data)
    return data


def _base64_run(run: bytes, keys: list[bytes]) -> bytes:
    compact = re.sub(rb"\s", b"", run)
    if len(compact) * 3 // 4 > _MAX_DECODED:
        return run
    try:
        decoded = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return run
    masked = _mask_bytes(decoded, keys)
    if masked == decoded:
        return run
    first_line = run.split(b"\n", 1)[0]
    ending = b"\r\n" if first_line.endswith(b"\r") else b"\n"
    width = len(first_line.rstrip(b"\r"))
    encoded = base64.b64encode(masked)
    lines = [encoded[i : i + width] for i in range(0, len(encoded), width)]
    return ending.join(lines) + ending


def _encoded_word(match: re.Match[bytes], keys: list[bytes]) -> bytes:
    charset, encoding, payload = match.groups()
    try:
        if encoding in b"Bb":
            decoded = base64.b64decode(payload + b"=" * (-len(payload) % 4))
        else:
            decoded = quopri.decodestring(payload.replace(b"_", b" "), header=True)
    except (binascii.Error, ValueError):
        return match.group()
    masked = _mask_bytes(decoded, keys)
    if masked == decoded:
        return match.group()
    if encoding in b"Bb":
        body = base64.b64encode(masked)
    else:
        body = quopri.encodestring(masked, header=True)
    return b"=?" + charset + b"?" + encoding + b"?" + body + b"?="
