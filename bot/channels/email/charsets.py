"""Best-effort text decoding for mail: declared charset first, never an exception."""

from __future__ import annotations

import codecs

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


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode ``data`` as the declared charset, then UTF-8, then windows-1252/latin-1."""
    codec = normalize_charset(charset)
    if data.isascii() and not (codec and codec.startswith(_SEVEN_BIT_CODECS)):
        return data.decode("ascii")
    # Valid non-ASCII UTF-8 is almost never accidental, so it beats a single-byte label.
    if codec is None or _is_single_byte(codec):
        text = data.decode("utf-8", errors="replace")
        if _mostly_valid(text):
            return text
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


def repair_surrogates(text: str) -> str:
    """Re-decode raw 8-bit bytes that the email parser kept as lone surrogates."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
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
