"""Header decoding that never raises: policy.default first, compat32 per header as fallback."""

from __future__ import annotations

import email.header
import email.utils
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import Message

from bot.mail.charsets import decode_bytes, has_surrogates, repair_surrogates

MAX_HEADERS = 500
MAX_HEADER_CHARS = 16_384
MAX_MESSAGE_IDS = 200
MAX_ADDRESS_LIST_CHARS = 2_000_000
# The policy parser is thorough but slow on huge values; beyond this the compat32 decoder runs.
_POLICY_PARSE_LIMIT = 8_192

_UNSTRUCTURED = HeaderRegistry(default_class=UnstructuredHeader, use_default_map=False)
_UNFOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL_RUN = re.compile(r"[\x00-\x20\x7f\x85\u2028\u2029]+")
_BRACKETED_ADDRESS = re.compile(r"<\s*([^<>\s@]+@[^<>\s@]+?)\s*>")
_BARE_ADDRESS = re.compile(r"[^\s<>()\",;:@]+@[^\s<>()\",;:@]+")
_COMMENT = re.compile(r"\(([^()]*)\)")
_QUOTED_PAIR = re.compile(r"\\(.)")
_QUOTED_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MSG_ID = re.compile(r"<([^<>\s]{1,500})>")
_BARE_MSG_ID = re.compile(r"^[^<>\s@]{1,400}@[^<>\s@]{1,255}$")


def flatten(text: str) -> str:
    """One line of text: CR, LF, tabs and other control characters become single spaces."""
    if text.isprintable() and "  " not in text:
        # Nothing to replace: every character ``_CONTROL_RUN`` takes but the space is
        # unprintable, and single spaces stay as they are (most header values and names).
        return text.strip()
    return _CONTROL_RUN.sub(" ", text).strip()


def decode_header_value(name: str, raw: object) -> str:
    """Decoded, unfolded and flattened text of one raw header value."""
    value = _UNFOLD.sub("", str(raw))
    if "=?" not in value:
        return flatten(repair_surrogates(value))
    if len(value) <= _POLICY_PARSE_LIMIT:
        decoded = _decode_with_policy(name, value)
        if decoded is not None:
            return flatten(decoded)
    return flatten(_decode_with_compat32(value))


def _decode_with_policy(name: str, value: str) -> str | None:
    try:
        header = _UNSTRUCTURED(name, value)
        text = str(header)
    except Exception:  # the policy parser has raised on malformed input in the past
        return None
    undecodable = any(
        type(d).__name__ in {"CharsetError", "UndecodableBytesDefect"} for d in header.defects
    )
    if undecodable or "\ufffd" in text or has_surrogates(text):
        return None
    return text


def _decode_with_compat32(value: str) -> str:
    try:
        chunks = email.header.decode_header(value)
    except Exception:
        return repair_surrogates(value)
    parts = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            parts.append(repair_surrogates(chunk))
        elif charset is None:
            # decode_header turns unencoded text into raw-unicode-escape bytes; undo that.
            parts.append(repair_surrogates(chunk.decode("raw-unicode-escape", errors="replace")))
        else:
            parts.append(decode_bytes(chunk, charset))
    return "".join(parts)


class HeaderMap(Mapping[str, tuple[str, ...]]):
    """Decoded header values by case-insensitive name, in message order.

    ``header_map`` gives one that decodes a name's values when they are first asked for: the
    rules read a few names of many, and a bounce needs fewer still.
    """

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._values: dict[str, tuple[str, ...]] = {}
        self._raw: dict[str, list[tuple[str, str]]] = {}  # not decoded yet, in order
        for name, value in items:
            key = name.casefold()
            self._values[key] = (*self._values.get(key, ()), value)

    @classmethod
    def decoding(cls, raw_items: Iterable[tuple[str, str]]) -> HeaderMap:
        """The map of ``raw_items`` (name, raw value), each decoded on first use."""
        headers = cls()
        for name, value in raw_items:
            headers._raw.setdefault(name.casefold(), []).append((name, value))
        return headers

    def _decoded(self, key: str) -> tuple[str, ...] | None:
        values = self._values.get(key)
        if values is None:
            raw = self._raw.get(key)
            if raw is None:
                return None
            values = self._values[key] = tuple(
                decode_header_value(name, value[:MAX_HEADER_CHARS]) for name, value in raw
            )
        return values

    def __getitem__(self, name: str) -> tuple[str, ...]:
        values = self._decoded(name.casefold())
        if values is None:
            raise KeyError(name)
        return values

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw or self._values)

    def __len__(self) -> int:
        return len(self._raw or self._values)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = name.casefold()
        return key in self._raw or key in self._values

    def first(self, name: str) -> str | None:
        """The first value of ``name``, or None when the header is absent."""
        values = self._decoded(name.casefold())
        return values[0] if values else None

    def __repr__(self) -> str:
        return f"HeaderMap({len(self)} names)"


def raw_header_items(msg: Message) -> list[tuple[str, str]]:
    """The top-level (name, raw value) pairs, capped in number."""
    try:
        items = list(msg.raw_items())  # raw strings: no policy parsing, so nothing can raise
    except Exception:
        return []
    return [(flatten(str(name))[:200], str(value)) for name, value in items[:MAX_HEADERS]]


def header_map(raw_items: Sequence[tuple[str, str]]) -> HeaderMap:
    """Every raw header (each capped in length) decoded into a case-insensitive map."""
    return HeaderMap.decoding(raw_items)


def first_decoded(raw_items: Sequence[tuple[str, str]], name: str) -> str | None:
    """``header_map(raw_items).first(name)`` without decoding the other headers."""
    wanted = name.casefold()
    for item_name, value in raw_items:
        if item_name.casefold() == wanted:
            return decode_header_value(item_name, value[:MAX_HEADER_CHARS])
    return None


def parse_address_list(raw_values: Sequence[str]) -> list[str]:
    """Addresses of To/Cc; compat32's getaddresses stays linear on 10,000 entries."""
    try:
        pairs = email.utils.getaddresses([str(v)[:MAX_ADDRESS_LIST_CHARS] for v in raw_values])
    except Exception:
        return []
    addresses = (flatten(repair_surrogates(addr)) for _, addr in pairs)
    return [addr for addr in addresses if "@" in addr]


def parse_mailbox(raw: str | None) -> tuple[str, str] | None:
    """(display name, address) of a From/Reply-To/Sender value, however it is written.

    The address is found first (the first ``<a@b>``, else a bare ``a@b``), the name is what
    precedes it (or a trailing comment), decoded. A list parser would be misled by a name such
    as ``=?utf-8?q?Eve=0D=0ABcc:_x@y?=``; the policy parser raises on it.
    """
    if not raw:
        return None
    value = _UNFOLD.sub("", str(raw))[:_POLICY_PARSE_LIMIT]
    # A quoted display name may itself hold "<x@y>" or commas: search outside quoted strings.
    masked = _QUOTED_STRING.sub(lambda m: " " * len(m.group(0)), value)
    bracketed = _BRACKETED_ADDRESS.search(masked)
    if bracketed:
        address, name = value[bracketed.start(1) : bracketed.end(1)], value[: bracketed.start()]
    else:
        bare = _BARE_ADDRESS.search(masked)
        if not bare:
            return None
        address = bare.group(0)
        comment = _COMMENT.search(value[bare.end() :])
        name = comment.group(1) if comment else value[: bare.start()]
    return _display_name(name), flatten(repair_surrogates(address))


def _display_name(raw: str) -> str:
    """The phrase before ``<addr>``: a quoted-string unescaped, encoded-words decoded.

    compat32's decoder is used for encoded-words because it follows RFC 2047 §6.2 (space
    between two adjacent encoded-words is not part of the text); policy.default keeps it.
    """
    text = flatten(raw)
    quoted = _QUOTED_STRING.fullmatch(text)
    if quoted:
        text = _QUOTED_PAIR.sub(r"\1", text[1:-1])
        if "=?" not in text:  # some clients quote encoded-words: decode those below
            return flatten(repair_surrogates(text))
    if "=?" in text:
        return flatten(_decode_with_compat32(text))
    return _QUOTED_PAIR.sub(r"\1", flatten(repair_surrogates(text)).strip('"').strip())


def parse_message_ids(raw: str | None) -> tuple[str, ...]:
    """Every ``<id@host>`` in a Message-ID/In-Reply-To/References value, brackets kept."""
    if not raw:
        return ()
    text = flatten(raw)
    found = _MSG_ID.findall(text)
    if not found and _BARE_MSG_ID.match(text):
        found = [text]
    return tuple(f"<{item}>" for item in found[:MAX_MESSAGE_IDS])


def parse_date(raw: str | None) -> datetime | None:
    """The Date header as an aware datetime (UTC when the zone is missing), or None."""
    if not raw:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(flatten(raw))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
