"""Evidence that a message is about WordPress itself rather than about one of our products.

Used only when no FAQ entry or policy route card answers the message confidently
(``bot.core.dialogue.decision``): WordPress words, no product of ours, no "your plugin".
"""

from __future__ import annotations

import re

from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.understanding import Signals

# "the plugin", "your theme": one product of ours is the subject ("a couple of your plugins" on
# the site is context: a WordPress question can still be WordPress's)
OWN_REFERENCE = re.compile(
    r"\b(jullie|your|uw|je|de|the|this|deze|dit|het|mijn|my|our|onze) "
    r"(plugin|plug-in|thema|theme|product|extensie|add-?on|licentie|license|licence)\b"
)
# "one of your plugins", "een van jullie thema's": the vendor's own product, not yet named
VENDOR_REFERENCE = re.compile(
    r"\b(jullie|your|uw) (plugins?|plug-ins?|thema'?s?|themes?|products?|producten|extensies?|"
    r"add-?ons?)\b"
)

# "dit gaat niet over jullie producten", "this isn't about your plugin", "heeft niks met jullie
# thema te maken": the customer says the question is not about a product of ours ("it doesn't
# work with your plugin", "geen updates meer van jullie plugin" are about one)
_YOURS = (
    r"(een van )?(jullie|your|uw|je) (plugins?|plug-ins?|thema'?s?|themes?|products?|producten|"
    r"extensies?|add-?ons?)\b"
)
DISOWNED = re.compile(
    r"\b(niet|geen|not|nothing|isn'?t|aren'?t)\b (\w+ ){0,3}?(over|about|to do with|related to|"
    r"gerelateerd aan) " + _YOURS + r"|\b(niks|niets) (\w+ )?met " + _YOURS + r" te maken\b"
)


def disowns_ours(sig: Signals) -> bool:
    """The customer says the message is not about our products, and names none of them."""
    return not sig.products and DISOWNED.search(sig.folded) is not None


def is_wordpress_general(sig: Signals, known_product: str | None = None) -> bool:
    """About WordPress itself: no product of ours involved, nor a reference to 'the plugin'."""
    if sig.products or (known_product and not sig.wordpress_cues) or sig.third_party:
        return False
    if OWN_REFERENCE.search(sig.folded):
        return False
    return sig.wordpress_cues > 0 or (
        sig.wordpress_mentioned and sig.has(Intent.QUESTION, Intent.PROBLEM)
    )
