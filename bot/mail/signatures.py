"""Find where a signature starts in the tail of a reply: delimiters, mobile footers, closings."""

from __future__ import annotations

import re

# Closings that start a sign-off block when they stand alone on a line near the end.
CLOSINGS = frozenset(
    word.strip()
    for word in """
    thanks|thank you|thanks a lot|many thanks|thanks in advance|thanks again|thx|cheers|regards
    |best regards|kind regards|warm regards|best|best wishes|sincerely|yours sincerely
    |yours truly|all the best|greetings
    |met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten
    |mvg|groet|groeten|groetjes|hartelijke groet|hartelijke groeten|met hartelijke groet
    |met hartelijke groeten|alvast bedankt|bij voorbaat dank|bedankt|dank je wel|dank u wel
    |mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse
    |viele grüße|viele grüsse|beste grüße|liebe grüße|lg|mfg|gruß|grüße|danke|vielen dank
    |cordialement|bien cordialement|merci|med venlig hilsen|venlig hilsen|hilsen|mvh
    |med vänlig hälsning|vänliga hälsningar|pozdrawiam|saludos|saluti|cordiali saluti
    """.split("|")
)

_DELIMITER = re.compile(r"^--\s*$")
_UNDERSCORES = re.compile(r"^_{2,}\s*$")
_DASH_NAME = re.compile(r"^-[^\W\d_][\w.'’-]*(?:\s[\w.'’-]+){0,3}$")
# "Sent from my iPhone" and its translations, with an optional <link> glued on.
_MOBILE = re.compile(
    r"^(?:sent|verzonden|verstuurd|gesendet|envoy[ée]|enviado|inviato|sendt|skickat|l[äa]hetetty"
    r"|wys[łl]ane|odesl[áa]no|poslano|enviat|отправлено|надіслано)\s+"
    r"(?:from|with|via|using|vanaf|van|met|von|mit|de|desde|da|dal|fra|fr[åa]n|z|ze|iz|s|с|з"
    r"|[àa] partir d[e']|depuis)\s+[^,;!?<]{1,50}(?:<[^>\s]{1,200}>)?$"
    r"|^von meinem \S+(?:\s\S+){0,3} gesendet$"
    r"|^get outlook for (?:ios|android)\b|^\S{1,20}から送信$|^发自我的\S{1,20}$",
    re.IGNORECASE,
)
_TAIL_LINE_LIMIT = 80
_NAME_PARTICLES = frozenset("van de der den het ten ter te 't von zu da di du la le del".split())


def signature_start(lines: list[str]) -> int | None:
    """Index of the first signature line in ``lines`` (one segment of new text), or None."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    strong = _strong_start(lines, content)
    # A sign-off ("Regards," / "-Anna") counts when only a few short lines follow it, up to
    # the end or up to a delimited signature ("-Anna" above a mailing-list footer).
    limit = len(content) if strong is None else content.index(strong)
    for rank in range(1, limit):
        line = lines[content[rank]].strip()
        remaining = limit - rank - 1
        if remaining <= 5 and _is_closing(line) and _short_tail(lines, content[rank + 1 : limit]):
            return content[rank]
        if remaining <= 3 and _DASH_NAME.match(line):
            return content[rank]
    return strong


def _strong_start(lines: list[str], content: list[int]) -> int | None:
    for rank, index in enumerate(content):
        line = lines[index].strip()
        remaining = len(content) - rank - 1
        if _DELIMITER.match(line):
            return index
        if _UNDERSCORES.match(line) and remaining <= 8:
            return index
        if remaining <= 3 and _is_mobile_footer(line):
            return index
    return None


def _is_mobile_footer(line: str) -> bool:
    words_after_preposition = len(line.split()) - 2
    return bool(_MOBILE.match(line)) and words_after_preposition <= 5


def _is_closing(line: str) -> bool:
    """A closing alone ("Regards,") or with the writer's name after it ("Groet, Anna")."""
    if line.casefold().rstrip(" ,.!:;-–").strip() in CLOSINGS:
        return True
    closing, comma, name = line.partition(",")
    return bool(comma) and closing.casefold().strip() in CLOSINGS and _is_name(name)


def _is_name(text: str) -> bool:
    """One to four words of a person's name: capitalised, name particles allowed between."""
    words = text.strip().rstrip(".!").split()
    if not 1 <= len(words) <= 4 or not words[0][0].isupper() or not words[-1][0].isupper():
        return False
    return all(
        (word[0].isupper() or word.casefold() in _NAME_PARTICLES)
        and all(ch.isalpha() or ch in ".'’-" for ch in word)
        for word in words
    )


def _short_tail(lines: list[str], tail: list[int]) -> bool:
    """Everything after a closing is name-like: short lines, no questions."""
    return all(
        len(lines[i].strip()) <= _TAIL_LINE_LIMIT and not lines[i].strip().endswith("?")
        for i in tail
    )
