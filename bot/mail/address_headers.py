"""Address headers that read back exactly: our own folding for From/To/Cc/Reply-To/Sender.

Python's header folding (``policy.default``, 3.11) can split a long quoted display name such
as ``"Kees Jansen, ceo@victim.example, Piet ..."`` so that it reads back as several addresses.
``MAIL_POLICY`` folds address headers itself and never inside a display name: plain words
stay as they are, other ASCII names become one quoted-string (``\\`` and ``"`` escaped) on one
line (RFC 5322 allows 998 characters; names are capped at 200), and non-ASCII names become
RFC 2047 base64 encoded-words. The only fold is before ``<address>``.

Note: CPython's ``policy.default`` parser keeps the space between two adjacent encoded-words,
which RFC 2047 §6.2 says to ignore; mail clients and ``email.header.decode_header`` follow the
RFC, and so does our own inbound parser (headers.parse_mailbox).
"""

from __future__ import annotations

import base64
import re
from email.headerregistry import Address
from email.policy import EmailPolicy
from typing import Any

ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender"})
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LINE = 78
_CHUNK_BYTES = 45  # 60 base64 characters: "=?utf-8?b?" + 60 + "?=" = 72, under RFC 2047's 75


def format_mailbox(name: str, addr_spec: str, *, linesep: str = "\r\n", indent: int = 0) -> str:
    """``name <addr>`` for a header value, folded with ``linesep`` + space where needed."""
    if not name:
        return addr_spec
    bracketed = f"<{addr_spec}>"
    if _PLAIN_NAME.match(name) and "=?" not in name:
        words = [name]
    elif name.isascii() and "=?" not in name:
        words = ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
    else:
        words = _encoded_words(name)
    folded = (linesep + " ").join(words)
    last = len(words[-1]) + (indent if len(words) == 1 else 1)
    gap = " " if last + 1 + len(bracketed) <= _LINE else linesep + " "
    return f"{folded}{gap}{bracketed}"


def _encoded_words(text: str) -> list[str]:
    """UTF-8 base64 encoded-words, never splitting a character between two words."""
    words, chunk = [], b""
    for char in text:
        data = char.encode("utf-8", "surrogatepass")
        if len(chunk) + len(data) > _CHUNK_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += data
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words]


class MailPolicy(EmailPolicy):
    """``policy.SMTP`` with address headers folded by ``format_mailbox``."""

    def fold(self, name: str, value: Any) -> str:
        return self._fold_address(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        folded = self._fold_address(name, value)
        if folded is None:
            return super().fold_binary(name, value)
        return folded.encode("utf-8", "surrogateescape")

    def _fold_address(self, name: str, value: Any) -> str | None:
        addresses = getattr(value, "addresses", None)
        if name.lower() not in ADDRESS_HEADERS or not addresses:
            return None
        if getattr(value, "groups", None) and any(g.display_name for g in value.groups):
            return None  # group syntax: never written by us
        linesep = str(self.linesep)
        parts = [
            format_mailbox(a.display_name, a.addr_spec, linesep=linesep, indent=len(name) + 2)
            for a in addresses
        ]
        return f"{name}: " + f",{linesep} ".join(parts) + linesep


MAIL_POLICY = MailPolicy(linesep="\r\n")


def mailbox(name: str, addr_spec: str) -> Address:
    """An Address whose display name is kept exactly (MAIL_POLICY writes it)."""
    return Address(display_name=name, addr_spec=addr_spec)
