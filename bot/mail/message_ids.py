"""Our own Message-IDs, signed: a reply threads only through an ID we really issued."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from bot.mail.message import InboundMail

CONVERSATION_REF_PREFIX = "c"
_TOKEN = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_DOMAIN = re.compile(r"^[A-Za-z0-9.-]{1,253}$")
_SIGNED = re.compile(
    r"^<?(?P<kind>[A-Za-z0-9-]{1,64})\.(?P<ref>[A-Za-z0-9-]{1,64})\.(?P<nonce>[A-Za-z0-9]{1,64})"
    r"\.(?P<mac>[0-9A-Fa-f]{32})@(?P<domain>[A-Za-z0-9.-]{1,253})>?$"
)


@dataclass(frozen=True)
class SignedMessageId:
    """The parts of a Message-ID we issued: what it was and which conversation it belongs to."""

    kind: str
    conversation_ref: str
    nonce: str
    domain: str


def sign_message_id(
    kind: str,
    conversation_ref: str,
    *,
    secret: str | bytes,
    domain: str,
    nonce: str | None = None,
) -> str:
    """``<{kind}.{conversation_ref}.{nonce}.{hmac}@{domain}>`` with an HMAC-SHA256 tag."""
    for label, value in (("kind", kind), ("conversation_ref", conversation_ref)):
        if not _TOKEN.match(value):
            raise ValueError(f"{label} must be 1-64 letters, digits or '-': {value!r}")
    if not _DOMAIN.match(domain):
        raise ValueError(f"not a domain name: {domain!r}")
    nonce = nonce or secrets.token_hex(8)
    if not nonce.isalnum() or not nonce.isascii() or len(nonce) > 64:
        raise ValueError(f"nonce must be 1-64 ASCII letters or digits: {nonce!r}")
    mac = _mac(secret, kind, conversation_ref, nonce, domain)
    return f"<{kind}.{conversation_ref}.{nonce}.{mac}@{domain.lower()}>"


def verify_message_id(
    message_id: str, *, secret: str | bytes, domain: str | None = None
) -> SignedMessageId | None:
    """The parts of ``message_id`` when we signed it (and for ``domain``), else None."""
    match = _SIGNED.match(message_id.strip())
    if not match:
        return None
    found_domain = match["domain"].lower()
    if domain is not None and found_domain != domain.lower():
        return None
    expected = _mac(secret, match["kind"], match["ref"], match["nonce"], found_domain)
    if not hmac.compare_digest(expected, match["mac"].lower()):
        return None
    return SignedMessageId(match["kind"], match["ref"], match["nonce"], found_domain)


def first_signed_reference(
    mail: InboundMail, *, secret: str | bytes, domain: str | None = None
) -> SignedMessageId | None:
    """Our ID in In-Reply-To, else the newest of ours in References (the threading order)."""
    candidates = [mail.in_reply_to, *reversed(mail.references)]
    for candidate in candidates:
        if candidate:
            found = verify_message_id(candidate, secret=secret, domain=domain)
            if found:
                return found
    return None


def _mac(secret: str | bytes, kind: str, ref: str, nonce: str, domain: str) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    message = f"{kind}.{ref}.{nonce}@{domain.lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def conversation_ref(conversation_id: int) -> str:
    """The conversation part of our Message-IDs (``c42``)."""
    return f"{CONVERSATION_REF_PREFIX}{conversation_id}"


def conversation_id_of(signed: SignedMessageId) -> int | None:
    ref = signed.conversation_ref
    if ref.startswith(CONVERSATION_REF_PREFIX) and ref[1:].isdigit():
        return int(ref[1:])
    return None
