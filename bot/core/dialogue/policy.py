"""Which support-policy category a message falls under, decided from its signals alone.

The same function classifies the FAQ's own questions at start, so a confident FAQ answer about
invoices is routed ``billing`` on any vendor's knowledge base, without relying on its tags.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.understanding import Signals

PolicyRoute = Literal["channels", "billing", "customization", "third_party", "wordpress_general"]

OWN_REFERENCE = re.compile(
    r"\b(jullie|your|uw|je|de|the|this|deze|dit|het|mijn|my|our|onze) "
    r"(plugin|plug-in|thema|theme|product|extensie|add-?on|licentie|license|licence)\b"
)


def policy_category(sig: Signals, known_product: str | None = None) -> PolicyRoute | None:
    ours = bool(sig.products)
    pasted_error = sig.error is not None and sig.error.quoted
    if pasted_error:  # a pasted error is a technical problem, whatever words it contains
        return "third_party" if sig.third_party and not ours else None
    if sig.has(Intent.CHANNELS) and not ours:
        return "channels"
    if sig.has(Intent.BILLING):
        return "billing"
    if sig.has(Intent.BILLING_HINT) and not (
        ours or sig.third_party or sig.wordpress_cues or sig.has(Intent.PROBLEM)
    ):
        return "billing"
    if sig.has(Intent.CUSTOMIZATION):
        return "customization"
    if sig.third_party and (sig.has(Intent.PROBLEM) or not ours):
        return "third_party"
    if is_wordpress_general(sig, known_product):
        return "wordpress_general"
    return None


def is_wordpress_general(sig: Signals, known_product: str | None = None) -> bool:
    """About WordPress itself: no product of ours involved, nor a reference to 'the plugin'."""
    if sig.products or (known_product and not sig.wordpress_cues) or sig.third_party:
        return False
    if OWN_REFERENCE.search(sig.folded):
        return False
    return sig.wordpress_cues > 0 or (
        sig.wordpress_mentioned and sig.has(Intent.QUESTION, Intent.PROBLEM)
    )
