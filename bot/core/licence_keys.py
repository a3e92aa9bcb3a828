"""Licence keys in customer text: found, hashed, and masked as ``••••<last4>`` before storage.

What counts as a key (a token is letters and digits, optionally joined by single dashes):

- 32 hexadecimal characters with letters and digits (Easy Digital Downloads Software Licensing);
- three or more dash-joined groups of the same length (4-8), with a digit, e.g.
  ``XXXX-XXXX-XXXX-XXXX`` (all-digit groups only from four groups on: card-like numbers);
- a long token that mixes letters and digits the way random strings do, within a few words of
  a key word (licentie, licence, license, key, sleutel, code, serial ...).

Random-looking tokens without a key word stay: mail and pasted logs are full of them (GUIDs,
MIME boundaries, DKIM signatures, request ids), and none of them is a customer's key.

Never: version numbers and file names (dotted), identifiers (underscores), digits-only order or
ticket numbers, plugin slugs (words), and anything inside a URL, a path or an email address.
The stored key identity is SHA-256 of the key trimmed and upper-cased, plus its last 4 characters.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass

MASK = "••••"

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")
# Each shape below is at least 10 characters of a token with a digit in it (a 32-hex key, three
# groups of 4 or more, or 10 random-looking ones): a text without such a run has no key.
_MIN_KEY_CHARS = 10
# The start of such a run (one that reaches ``_MIN_KEY_CHARS``) up to its first digit: one
# scan by the regex engine instead of a Python step per run.
_LONG_RUN_WITH_DIGIT = re.compile(
    rf"(?<![A-Za-z0-9-])(?=[A-Za-z0-9-]{{{_MIN_KEY_CHARS}}})[A-Za-z-]*[0-9]"
)
# Address-sized pieces of text; one with '@', a slash or a scheme is an email address, a
# Message-ID, a URL or a path, and nothing in it is masked. (Simple classes: linear time.)
# Only pieces long enough to hold a key are looked at: shorter ones cannot contain a token of
# ``_MIN_KEY_CHARS``, and the regex skips them without a Python step per word.
_CHUNK = re.compile(rf"[^\s\"'<>()\[\],;]{{{_MIN_KEY_CHARS},}}")
_KEY_WORD = re.compile(r"licen[cst]|sleutel|key|code|serial|registrati", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_WORDS_BEFORE = 5  # "my licence key for AppointPress is: XXXX"
_WORDS_AFTER = 3  # "XXXX is mijn licentie"
_NEAR_CHARS = 80


@dataclass(frozen=True)
class FoundKey:
    """One key in a text: where it was, and its identity (the key itself is not kept)."""

    start: int
    end: int
    key_hash: str
    last4: str

    @property
    def mask(self) -> str:
        return MASK + self.last4


@dataclass(frozen=True)
class MaskedText:
    text: str
    keys: tuple[FoundKey, ...]  # positions refer to the original text

    @property
    def key_hashes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key.key_hash for key in self.keys))


def normalise_licence_key(key: str) -> str:
    return key.strip().upper()


def licence_key_hash(key: str) -> str:
    """SHA-256 hex of the normalised key: what we store and compare, never the key."""
    return hashlib.sha256(normalise_licence_key(key).encode("utf-8")).hexdigest()


def licence_key_last4(key: str) -> str:
    return normalise_licence_key(key)[-4:]


def mask_licence_keys(text: str) -> MaskedText:
    """``text`` with every licence-key-looking token replaced by ``••••<last4>``."""
    keys = find_licence_keys(text)
    if not keys:
        return MaskedText(text, ())
    pieces: list[str] = []
    last = 0
    for key in keys:
        pieces += [text[last : key.start], key.mask]
        last = key.end
    pieces.append(text[last:])
    return MaskedText("".join(pieces), keys)


def find_licence_keys(text: str) -> tuple[FoundKey, ...]:
    if not _may_hold_key(text):
        return ()
    words = _Words(text)  # read only when a random-looking token needs the words around it
    found: list[FoundKey] = []
    for chunk in _CHUNK.finditer(text):
        if _is_address(chunk.group()):
            continue
        for match in _TOKEN.finditer(text, chunk.start(), chunk.end()):
            if match.end() - match.start() >= _MIN_KEY_CHARS and _is_key(text, match, words):
                token, (start, end) = match.group(), match.span()
                found.append(
                    FoundKey(start, end, licence_key_hash(token), licence_key_last4(token))
                )
    return tuple(found)


def _may_hold_key(text: str) -> bool:
    """A cheap test first: every key is a run of ``_MIN_KEY_CHARS`` token characters or more
    with a digit."""
    return _LONG_RUN_WITH_DIGIT.search(text) is not None


def _is_key(text: str, match: re.Match[str], words: _Words) -> bool:
    start, end = match.span()
    if _joined(text, start, end):
        return False
    token = match.group()
    return _looks_like_key(token) or (_random_looking(token) and words.near_key_word(start, end))


def _is_address(chunk: str) -> bool:
    return any(mark in chunk for mark in "@/\\") or chunk.lower().startswith("www.")


class _Words:
    """The text's words, and which of them are key words (licentie, license key, code ...);
    split on first use (most texts with a long token never need them)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] = []
        self.keyed: dict[int, bool] = {}
        self.read = False

    def _read(self) -> None:
        self.starts = [match.start() for match in _WORD.finditer(self.text)]
        self.read = True

    def _keyed(self, index: int) -> bool:
        # Read per word asked about (a few around each token), not for every word of the text.
        keyed = self.keyed.get(index)
        if keyed is None:
            word = _WORD.match(self.text, self.starts[index])
            keyed = self.keyed[index] = word is not None and bool(_KEY_WORD.search(word.group()))
        return keyed

    def near_key_word(self, start: int, end: int) -> bool:
        """A key word a few words before ``start`` or after ``end`` (within 80 characters)."""
        if not self.read:
            self._read()
        first = bisect.bisect_left(self.starts, start)
        for index in range(first - 1, max(first - 1 - _WORDS_BEFORE, -1), -1):
            if self.starts[index] < start - _NEAR_CHARS:
                break
            if self._keyed(index):
                return True
        after = bisect.bisect_left(self.starts, end)
        for index in range(after, min(after + _WORDS_AFTER, len(self.starts))):
            if self.starts[index] > end + _NEAR_CHARS:
                break
            if self._keyed(index):
                return True
        return False


def _looks_like_key(token: str) -> bool:
    """A key by its shape alone, whatever the words around it."""
    if _HEX32.fullmatch(token):
        return _has_letters_and_digits(token, 1)
    groups = token.split("-")
    if len(groups) >= 3 and len({len(group) for group in groups}) == 1 and 4 <= len(groups[0]) <= 8:
        digits = sum(ch.isdigit() for ch in token)
        letters = sum(ch.isalpha() for ch in token)
        return bool(digits and (letters or len(groups) >= 4))
    return False


def _random_looking(token: str) -> bool:
    """Letters and digits mixed like a generated string (not a word, number or slug)."""
    compact = token.replace("-", "")
    return len(compact) >= 10 and _has_letters_and_digits(compact, 2) and _switches(compact) >= 3


def _has_letters_and_digits(text: str, least: int) -> bool:
    digits = sum(map(str.isdigit, text))
    return digits >= least and len(text) - digits >= least


def _switches(text: str) -> int:
    """How often the text changes between letters and digits (random strings do so often)."""
    return sum(a.isdigit() != b.isdigit() for a, b in zip(text, text[1:], strict=False))


def _joined(text: str, start: int, end: int) -> bool:
    """Part of a dotted name (1.2.3, file.php, example.com) or an identifier (a_b)."""
    before = text[start - 2 : start] if start >= 2 else " " + text[:start]
    after = text[end : end + 2]
    if before[-1:] == "_" or after[:1] == "_":
        return True
    return (before[-1:] == "." and before[:1].isalnum()) or (
        after[:1] == "." and after[1:2].isalnum()
    )
