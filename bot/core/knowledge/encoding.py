"""Knowledge-base files as text, whatever encoding an operator's editor saved them in."""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text and warnings: UTF-8 (BOM dropped), UTF-16/32 with a BOM, else Windows-1252.

    UTF-32 BOMs are tested before UTF-16 because ``FF FE 00 00`` also starts with ``FF FE``.
    """
    warnings: list[str] = []
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            warnings.append(f"file is {label} encoded (byte-order mark); converted to UTF-8")
            return data[len(bom) :].decode(codec, errors="replace"), warnings
    if data.startswith(codecs.BOM_UTF8):
        warnings.append("file starts with a UTF-8 byte-order mark (BOM); it was ignored")
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8"), warnings
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad_byte = data[exc.start]
    try:
        text, label = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte, so it cannot fail.
        text, label = data.decode("latin-1"), "ISO-8859-1"
    warnings.append(f"not valid UTF-8 (byte 0x{bad_byte:02x} on line {line}); read as {label}")
    return text, warnings
