"""A message that moves on: "thanks, that fixed it. Something else: can I get an invoice?".

What follows the marker is the customer's new request; what comes before it answered us (or
thanked us). The marker opens a clause ("..., iets anders: ...", "Unrelated: ..."), so a word
inside a sentence ("kan ik nog iets doen?") is none.
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"(?:^|[.!?;:,\n-]\s*)(?:en |and |ok |oke |nu )?("
    r"iets anders|nog iets( anders)?|nog een (andere )?vraag|(een )?andere vraag|los daarvan|"
    r"ander punt|nog een punt|"
    r"something else|one more thing|(an)?other (thing|question|matter)|unrelated|"
    r"(a )?(different|separate) (question|thing|matter)|on another note|while i have you"
    r")\b(?: (though|too|ook|nog))?\s*[:,.!?-]*\s*",
    re.IGNORECASE,
)
MIN_WORDS = 3  # "something else: invoice?" is too little to route on its own


def after_shift(text: str) -> str | None:
    """The new request after the last topic-shift marker, if the message has one."""
    ends = [found.end() for found in _MARKER.finditer(text)]
    if not ends:
        return None
    tail = text[ends[-1] :].strip()
    return tail if len(tail.split()) >= MIN_WORDS else None
