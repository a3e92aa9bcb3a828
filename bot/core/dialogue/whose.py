"""Whose product is in trouble: evidence that a problem is another vendor's (the third-party
route) rather than ours, read from what the message names, how it dates the trouble and what a
pasted error trace points at."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Literal

from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.lexicon import ROUTE_CUES, Intent, matches
from bot.core.dialogue.policy import VENDOR_REFERENCE, disowns_ours
from bot.core.dialogue.understanding import Signals
from bot.core.knowledge.models import FaqEntry
from bot.core.text import fold

# Moving away from a product: "we're switching from X to ...", "we stappen over van X naar ...",
# "importing from X" (the clause up to "from"/"van", which names what is left behind).
_LEAVING = re.compile(
    r"\b(?:switch|mov|migrat|import|overstap|stap\w* over|overgestapt|verhuiz|vervang|replac|"
    r"overzet|overgaan|gaan over)\w*\b[^,.;:!?\n]{0,40}?\b(?:from|van)\s+"
    r"(?:de |het |the |our |ons |onze )?([^,.;:!?\n]+)"
)
# An onset clause: what the customer dates the trouble from, to the end of the clause.
_ONSET = re.compile(r"\b(?:since|after|sinds|na|nadat|sedert)\b([^,.;:!?\n]*)")


def third_party_involved(ctx: TurnContext) -> bool:
    """Another vendor's product named with a problem, or alongside ours. A pasted error trace
    decides by itself: its culprit is another vendor's, or two products collide."""
    sig = ctx.signals
    error = sig.error
    if error is not None and error.quoted and error.culprit is not None:
        return bool(sig.third_party) and culprit_is_theirs(ctx)
    # Beside ours in a question ("does Kluis back up a site that runs WP Rocket?") another
    # vendor's product is the setting, not the trouble, unless the trouble is dated from it
    # ("since we added Plausible, is this known to you?"); in a statement it is the trouble.
    beside = not sig.has(Intent.QUESTION) or trouble_began_with(ctx) == "theirs"
    alongside_ours = bool(sig.products) and not left_behind(sig) and beside
    their_subject = sig.opens_with_third_party and not sig.products  # "Solid Security locks me out"
    return bool(sig.third_party) and (
        sig.has(Intent.PROBLEM) or alongside_ours or their_subject or error is not None
    )


def left_behind(sig: Signals) -> bool:
    """Every other vendor's product named is one the customer moves away from ("we're
    switching from Agile Store Locator to Vindpunt, can I keep my locations?"): a predecessor,
    not a product running alongside ours (with a problem it may still be both)."""
    sources = _LEAVING.findall(sig.folded)
    return all(any(clause.startswith(fold(name)) for clause in sources) for name in sig.third_party)


def statement_on_theirs(sig: Signals) -> bool:
    """A statement naming another vendor's product (no question, no pasted error to decide);
    not a list of the site's setup ("WordPress 6.8, PHP 8.3, theme Kadence")."""
    setup = bool(sig.versions.wordpress or sig.versions.php)
    asked = sig.has(Intent.QUESTION)
    return bool(sig.third_party) and sig.error is None and not asked and not setup


def statement_on_ours(sig: Signals) -> bool:
    """A statement about our product, named or "one of your plugins" (no question, no request
    to the company, not disowned): what it does, reported."""
    ours = bool(sig.products) or VENDOR_REFERENCE.search(sig.folded) is not None
    return ours and not sig.has(Intent.QUESTION) and not sig.route_cues and not disowns_ours(sig)


def began_with_ours(ctx: TurnContext) -> bool:
    """The customer dates the trouble from a change to our product ("since I activated ...",
    "na de update van ...")."""
    return trouble_began_with(ctx) == "ours"


def trouble_began_with(ctx: TurnContext) -> Literal["ours", "theirs"] | None:
    """Whose product the customer dates the trouble from: the product nearest the first onset
    word ("since", "sinds", "na") that has one in its clause."""
    sig = ctx.signals
    ours = [fold(name) for slug in sig.products for name in ctx.kb.products[slug].names]
    theirs = [fold(name) for name in sig.third_party]
    for clause in _ONSET.findall(sig.folded):
        named = [(clause.find(n), n in ours) for n in (*ours, *theirs) if n and n in clause]
        if named:
            return "ours" if min(named)[1] else "theirs"  # the product nearest the onset word
    return None


def culprit_is_theirs(ctx: TurnContext) -> bool:
    """A pasted error trace points at another vendor's code."""
    error = ctx.signals.error
    if error is None or not error.quoted or error.culprit is None:
        return False
    return error.culprit.slug not in ctx.kb.products or error.conflict


def mentions(entry: FaqEntry, names: tuple[str, ...]) -> bool:
    """The FAQ entry itself is about one of these products."""
    text = fold(" ".join((*entry.phrasings, entry.answer, *entry.tags)))
    return any(fold(name) in text for name in names)


def asks_alike(entry: FaqEntry, route: str) -> bool:
    """The FAQ entry is itself asked with a request's phrasing for `route` (its question or an
    alternative): what the customer asks in those words is the entry's topic."""
    return any(matches(route, ROUTE_CUES[route], fold(phrasing)) for phrasing in entry.phrasings)


def without_advice(sig: Signals, article: FaqEntry | None) -> Signals:
    """Right after an article, the other vendors' products it names are its advice ("empty the
    cache of your caching plugin (WP Rocket, ...)"): a customer reporting on following it
    ("cache geleegd in wp rocket, steigerwerk 2.4.0") names no other vendor's product in
    trouble."""
    if article is None or not sig.third_party:
        return sig
    kept = tuple(name for name in sig.third_party if not mentions(article, (name,)))
    if kept == sig.third_party:
        return sig
    return replace(
        sig, third_party=kept, opens_with_third_party=sig.opens_with_third_party and bool(kept)
    )
