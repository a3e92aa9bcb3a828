"""Best-effort text decoding for mail: declared charset first, checked, never an exception.

Valid UTF-8 wins over a single-byte label (it is almost never accidental). A label that cannot
decode the bytes, no label at all, or a single-byte label whose result looks like mojibake
(mostly accented letters: KOI8-R or windows-1251 read as windows-1252) is checked with
charset-normalizer, which picks the charset whose text is least chaotic.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Labels mail clients send that Python either lacks or decodes too narrowly. The targets are
# supersets, so correct text stays correct and mislabelled text still decodes.
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "x-sjis": "cp932",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-user-defined": "cp1252",
    # WHATWG: these labels mean windows-1252 in practice (Outlook writes latin-1 for cp1252).
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "unknown-8bit": "cp1252",
    "x-unknown": "cp1252",
}

_DETECT_BYTES = 64 * 1024
_MIN_DETECT_BYTES = 8
_MOJIBAKE_SHARE = 0.3  # West-European text has far fewer accented letters than this
_META_SCAN_BYTES = 4096
_META_CHARSET = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{1,40})", re.IGNORECASE
)
_SURROGATE = re.compile("[\udc80-\udcff]")

# Encodings whose bytes are all ASCII yet do not mean ASCII.
_SEVEN_BIT_CODECS = ("iso2022", "utf-7", "utf-16", "utf-32", "hz")
_SINGLE_BYTE_PREFIXES = ("cp12", "cp8", "cp4", "iso-8859", "iso8859", "koi8", "mac", "windows-12")


def normalize_charset(label: str | None) -> str | None:
    """The Python codec name for a charset label from a message, or None when unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").lower()
    cleaned = cleaned.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*en
    name = _ALIASES.get(cleaned, cleaned)
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None = None, *, hint: str | None = None) -> str:
    """Decode ``data`` as the declared charset (or ``hint``, an HTML meta charset), checked."""
    codec = normalize_charset(charset)
    if data.isascii() and not (codec and codec.startswith(_SEVEN_BIT_CODECS)):
        return data.decode("ascii")
    # Valid non-ASCII UTF-8 is almost never accidental, so it beats a single-byte label.
    if codec is None or _is_single_byte(codec):
        text = data.decode("utf-8", errors="replace")
        if _mostly_valid(text):
            return text
    checked = _checked(data, codec, normalize_charset(hint))
    if checked is not None:
        return checked
    for candidate in (codec, "utf-8", "cp1252"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    if codec is not None and not _is_single_byte(codec):
        # A multibyte text with one damaged byte reads better in its own charset than as cp1252.
        return data.decode(codec, errors="replace")
    return data.decode("latin-1")


def _checked(data: bytes, codec: str | None, hint: str | None) -> str | None:
    """The text in the declared (or hinted) charset when it holds up, else the detected one."""
    for candidate in dict.fromkeys(c for c in (codec, hint) if c):
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if not _is_single_byte(candidate) or not _looks_like_mojibake(text):
            return text
    return _detected(data)


def _detected(data: bytes) -> str | None:
    """charset-normalizer's reading of the first 64 KB's charset, applied to the whole text."""
    if sum(1 for byte in data[:_DETECT_BYTES] if byte >= 0x80) < _MIN_DETECT_BYTES:
        return None  # a stray byte or two says nothing about a charset
    try:
        best = from_bytes(data[:_DETECT_BYTES]).best()
    except Exception:  # a detector must never stop a mail from being read
        return None
    if best is None or best.encoding is None:
        return None
    try:
        return data.decode(best.encoding, errors="replace")
    except LookupError:
        return None


def _looks_like_mojibake(text: str) -> bool:
    """Mostly accented Latin letters: how Cyrillic or Greek bytes read in a Latin charset."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 8:
        return False
    accented = sum(1 for ch in letters if "\xc0" <= ch <= "\xff")
    return accented / len(letters) > _MOJIBAKE_SHARE


def meta_charset(html_bytes: bytes) -> str | None:
    """The charset an HTML document declares in a ``<meta>`` tag near its start."""
    match = _META_CHARSET.search(html_bytes[:_META_SCAN_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def has_surrogates(text: str) -> bool:
    """Raw 8-bit bytes the email parser kept as lone surrogates (a regex: headers are scanned
    by the thousand)."""
    return _SURROGATE.search(text) is not None


def repair_surrogates(text: str) -> str:
    """Re-decode raw 8-bit bytes that the email parser kept as lone surrogates."""
    if not has_surrogates(text):
        return text
    raw = text.encode("utf-8", errors="surrogateescape")
    return decode_bytes(raw)


def _mostly_valid(text: str) -> bool:
    """UTF-8 with at most a damaged character or two among many good ones (a cut-off name)."""
    damaged = text.count("\ufffd")
    decoded = sum(1 for ch in text if ord(ch) > 0x7F) - damaged
    return damaged == 0 or decoded >= 4 * damaged


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(_SINGLE_BYTE_PREFIXES)
