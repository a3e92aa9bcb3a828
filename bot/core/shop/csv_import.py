"""``supportbot import subscriptions FILE.csv``: rows checked one by one, nothing guessed.

Columns ``email,product,license_key,expires_at`` (SPEC; ``licence_key`` is accepted too, extra
columns are ignored with a note). Exports as they come from spreadsheets and shops are read: a
UTF-8 byte order mark, ``;`` or tab separators, quoted fields, CRLF line ends, Windows-1252
text. A bad row is rejected with its line number and the reason; the others are imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.core.licence_keys import (
    licence_key_hash,
    licence_key_last4,
    mask_licence_keys,
    normalise_licence_key,
)
from bot.core.shop.records import SubscriptionRecord, valid_email

COLUMNS = ("email", "product", "license_key", "expires_at")
_ALIASES = {"licence_key": "license_key"}
_SEPARATORS = (",", ";", "\t")
MIN_KEY_CHARS = 8
MAX_KEY_CHARS = 200


class CsvFileError(ValueError):
    """The file as a whole cannot be read (no header, missing columns, not text)."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    record: SubscriptionRecord


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass(frozen=True)
class ParsedCsv:
    rows: tuple[CsvRow, ...]
    rejected: tuple[RejectedRow, ...]
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Products:
    slugs: frozenset[str]
    by_name: dict[str, str]  # folded name or alias -> slug, for a helpful rejection


def parse_subscriptions_csv(
    data: bytes, products: Iterable[tuple[str, Iterable[str]]], today: date
) -> ParsedCsv:
    """Rows of ``data``; ``products`` are (slug, names) pairs of the knowledge base."""
    text, notes = _decode(data)
    separator = _separator(text, notes)
    records = _records(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    header = next(records, None)
    if header is not None and header[1][:1] and header[1][0].strip().lower().startswith("sep="):
        header = next(records, None)  # Excel's "sep=;" line
    if header is None:
        raise CsvFileError("the file has no header line")
    columns = _columns(header[1], notes)
    known = _known_products(products)
    rows: list[CsvRow] = []
    rejected: list[RejectedRow] = []
    first_line: dict[str, int] = {}
    for line, fields in records:
        result = _row(fields, columns, known, today)
        if isinstance(result, str):  # a key in the wrong column must not show in the report
            rejected.append(RejectedRow(line, mask_licence_keys(result).text))
        elif (earlier := first_line.setdefault(result.external_id, line)) != line:
            rejected.append(RejectedRow(line, f"same licence key as line {earlier}"))
        else:
            rows.append(CsvRow(line, result))
    return ParsedCsv(tuple(rows), tuple(rejected), tuple(notes))


def _decode(data: bytes) -> tuple[str, list[str]]:
    if b"\x00" in data:
        raise CsvFileError("the file contains NUL bytes: not a CSV text file (UTF-16?)")
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("UTF-8 byte order mark skipped")
        data = data[3:]
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        notes.append("not UTF-8: read as Windows-1252")
        return data.decode("cp1252", errors="replace"), notes


def _separator(text: str, notes: list[str]) -> str:
    """The header line's most frequent separator, or the one Excel's ``sep=;`` line names."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise CsvFileError("the file is empty")
    separator = max(_SEPARATORS, key=first.count)
    if first.lower().startswith("sep=") and len(first) == 5:
        separator = first[-1]
    if separator != ",":
        notes.append(f"separator {separator!r}")
    return separator


def _columns(header: list[str], notes: list[str]) -> dict[str, int]:
    names = [h.strip().strip('"').lower().replace(" ", "_") for h in header]
    names = [_ALIASES.get(name, name) for name in names]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise CsvFileError(
            f"missing column(s) {', '.join(missing)}; the header must name "
            f"{','.join(COLUMNS)} (found: {','.join(h.strip() for h in header)[:200]})"
        )
    extra = [name for name in names if name not in COLUMNS]
    if extra:
        notes.append(f"ignored column(s): {', '.join(extra)[:200]}")
    return {column: names.index(column) for column in COLUMNS}


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the file line they start on (quoted fields may span lines)."""
    try:
        while True:
            start = reader.line_num + 1
            fields = next(reader)
            if any(value.strip() for value in fields):
                yield start, fields
    except StopIteration:
        return
    except csv.Error as error:
        raise CsvFileError(f"line {reader.line_num}: {error}") from error


def _row(
    fields: list[str], columns: dict[str, int], known: _Products, today: date
) -> SubscriptionRecord | str:
    """The record, or the reason the row is rejected."""
    if len(fields) <= max(columns.values()):
        return f"{len(fields)} field(s) where the header has {max(columns.values()) + 1} or more"
    values = {name: fields[i].strip() if i < len(fields) else "" for name, i in columns.items()}
    email = values["email"].lower()
    if not email:
        return "email is missing"
    if not valid_email(email):
        return f"email {values['email'][:80]!r} is not an email address"
    slug, reason = _product(values["product"], known)
    if slug is None:
        return reason
    key = normalise_licence_key(values["license_key"])
    if not key:
        return "licence key is missing"
    if not MIN_KEY_CHARS <= len(key) <= MAX_KEY_CHARS or any(ch.isspace() for ch in key):
        return f"licence key must be {MIN_KEY_CHARS}-{MAX_KEY_CHARS} characters without spaces"
    expires = _expiry(values["expires_at"])
    if isinstance(expires, str):
        return expires
    digest = licence_key_hash(key)
    return SubscriptionRecord(
        email=email,
        product=slug,
        status="expired" if expires is not None and expires < today else "active",
        expires_at=expires,
        source="csv",
        external_id=digest,
        licence_hash=digest,
        licence_last4=licence_key_last4(key),
    )


def _product(value: str, known: _Products) -> tuple[str | None, str]:
    """The slug, or None and the reason the row is rejected."""
    if not value:
        return None, "product is missing"
    if value.lower() in known.slugs:
        return value.lower(), ""
    hint = known.by_name.get(" ".join(value.split()).casefold())
    if hint:
        return None, f"unknown product slug {value[:60]!r} (use the slug {hint!r})"
    return None, f"unknown product slug {value[:60]!r} (known: {', '.join(sorted(known.slugs))})"


def _expiry(value: str) -> date | None | str:
    """The date, None for no expiry (empty), or the reason the row is rejected."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value).date()
    except ValueError:
        return f"bad date {value[:40]!r} in expires_at (use YYYY-MM-DD, empty for no expiry)"


def _known_products(products: Iterable[tuple[str, Iterable[str]]]) -> _Products:
    slugs: set[str] = set()
    by_name: dict[str, str] = {}
    for slug, names in products:
        slugs.add(slug)
        for name in names:
            by_name.setdefault(" ".join(name.split()).casefold(), slug)
    return _Products(frozenset(slugs), by_name)
