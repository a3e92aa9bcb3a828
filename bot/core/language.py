"""Which language a customer writes in (Dutch or English), from short and messy text.

Evidence is added up per word: a frequent word of only one language counts most ("niet",
"the"), other words count by their spelling ("ij", "sch", "-heid" against "th", "wh", "-tion").
So "mijn reminder mails komen niet aan" is Dutch: English product words have no vote strong
enough to beat Dutch function words. Pasted code, paths, URLs and error messages are removed
first, since they are English whatever the customer speaks. When the evidence is weak ("ok",
"👍"), the conversation's previous language wins, else the default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.language_profiles import CUES, DUTCH_WORDS, ENGLISH_WORDS
from bot.core.text import words

KNOWN = ("nl", "en")
MAX_CHARS = 2000
WORD_WEIGHT = 2.0  # a frequent word of one language only
CUE_CAP = 1.5  # spelling cues of one other word count at most this much
PREVIOUS_PRIOR = 0.5  # a conversation tends to stay in its language

MIN_CONFIDENCE = 0.75  # below this, fall back to the previous or default language

# "PHP Fatal error: ...", "Warning: ...", "Uncaught TypeError: ..." up to the end of the line,
# and stack-trace lines ("#0 /var/www/...").
_ERROR_MESSAGE = re.compile(
    r"(?im)(?:\bphp\s+)?(?:\b(?:fatal|parse|catchable|recoverable|uncaught|user)\s+)?"
    r"\b[a-z]*(?:error|exception|warning|notice|deprecated|stack trace)\s*:.*$"
    r"|^\s*#\d+\s.*$"
)
_CODE_TOKEN = re.compile(r"\S*(?:[/\\_$={}\[\]<>|`]|::|->|\(\)|[^\W\d]\.[^\W\d])\S*")
_URL_OR_EMAIL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\S+@\S+")


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    confidence: float  # 0..1: how sure the text itself makes us of `language`


def prose(text: str) -> str:
    """`text` without URLs, e-mail addresses, error messages, paths and code tokens."""
    text = _URL_OR_EMAIL.sub(" ", text[:MAX_CHARS])
    text = _ERROR_MESSAGE.sub(" ", text)
    return _CODE_TOKEN.sub(" ", text)


def word_evidence(word: str) -> float:
    """Log-odds that a folded word is Dutch rather than English (negative: English)."""
    in_dutch, in_english = word in DUTCH_WORDS, word in ENGLISH_WORDS
    if in_dutch != in_english:
        return WORD_WEIGHT if in_dutch else -WORD_WEIGHT
    if in_dutch or len(word) < 3 or not word.isalpha():
        return 0.0
    cues = sum(weight for pattern, weight in CUES if pattern.search(word))
    return max(-CUE_CAP, min(CUE_CAP, cues))


def dutch_log_odds(text: str) -> float:
    """Evidence that `text` is Dutch rather than English; 0 when there is none."""
    return sum(word_evidence(word) for word in words(prose(text)))


def detect_language(
    text: str,
    *,
    candidates: Sequence[str] = ("nl", "en"),
    default: str = "nl",
    previous: str | None = None,
) -> LanguageGuess:
    """The language of `text` among `candidates` (only nl and en are told apart)."""
    candidates = tuple(candidates) or (default,)
    known = [c for c in candidates if c in KNOWN]
    fallback = previous if previous in candidates else default
    if fallback not in candidates:
        fallback = candidates[0]
    if len(known) < 2:
        choice = known[0] if known else fallback
        return LanguageGuess(choice, 1.0 if known else 0.0)
    odds = dutch_log_odds(text)
    if odds == 0 and previous not in KNOWN:
        # A bare paste (a trace, a log) opening a conversation: its own words are the only
        # evidence there is, and they are nearly always English.
        pasted = sum(word_evidence(word) for word in words(text[:MAX_CHARS]))
        if pasted:
            return LanguageGuess("nl" if pasted > 0 else "en", MIN_CONFIDENCE)
    if previous in KNOWN:
        odds += PREVIOUS_PRIOR if previous == "nl" else -PREVIOUS_PRIOR
    dutch = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, odds))))
    guess = "nl" if odds > 0 else "en"
    confidence = dutch if guess == "nl" else 1.0 - dutch
    if confidence >= MIN_CONFIDENCE:
        return LanguageGuess(guess, confidence)
    fallback_confidence = {"nl": dutch, "en": 1.0 - dutch}.get(fallback, 0.0)
    return LanguageGuess(fallback, fallback_confidence)
