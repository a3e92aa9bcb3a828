"""What a query names (our products) and the text the word indexes match, read once a message."""

from __future__ import annotations

from bot.core.knowledge.third_party import ThirdPartyCatalogue
from bot.core.retrieval.analysis import MAX_ANALYSED_CHARS
from bot.core.retrieval.products import ProductMentions


class QueryReader:
    """A turn asks twice about the same message (its own language, then the others), so the
    last answer is kept; it is one tuple, replaced whole, so threads may share the reader."""

    def __init__(self, mentions: ProductMentions, third_party: ThirdPartyCatalogue | None) -> None:
        self.mentions = mentions
        self.third_party = third_party
        self._last: tuple[str | None, str, set[str], str] | None = None

    def read(self, query: str, product: str | None) -> tuple[set[str], str]:
        """(our products named or given, the text to match); the set is the caller's own."""
        last = self._last
        if last is None or last[0] != product or last[1] != query:
            named, text = self._read(query, product)
            last = self._last = (product, query, named, text)
        return set(last[2]), last[3]

    def _read(self, query: str, product: str | None) -> tuple[set[str], str]:
        query = query[:MAX_ANALYSED_CHARS]
        named = set(self.mentions.find(query))
        if product:
            named.add(product)
        # The product is accounted for by the boost; its name would only pull towards every
        # entry that happens to mention it.
        text = self.mentions.without_names(query) if named else query
        # A named third-party plugin or theme ("elementor") also means "third party", which
        # is how the FAQ talks about them; the name itself stays for entries that mention it.
        if self.third_party and self.third_party.find_in_text(query):
            text += " thirdparty"
        return named, text
