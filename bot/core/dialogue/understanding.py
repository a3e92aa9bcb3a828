"""Turn one customer message into signals: intents, products, versions, pasted reports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.dialogue.lexicon import (
    PROBLEM_CUES,
    QUESTION_CUES,
    STRONG,
    WORDPRESS_CUES,
    WORDPRESS_MENTION,
    Intent,
    matches,
    patterns,
)
from bot.core.dialogue.mentions import (
    ProductFinder,
    VersionMentions,
    find_email,
    find_versions,
    plugin_paths,
)
from bot.core.knowledge.error_trace import ErrorAnalysis, analyse_error, looks_like_error
from bot.core.knowledge.models import KnowledgeBase
from bot.core.knowledge.site_health import (
    SiteHealthReport,
    looks_like_site_health,
    parse_site_health,
)
from bot.core.knowledge.third_party import ThirdPartyCatalogue
from bot.core.text import fold, words

SMALLTALK = (Intent.GREETING, Intent.THANKS, Intent.GOODBYE)
_FILLER = set(
    "wel heel erg zeer nogmaals allemaal voor de het je u jullie hulp daar there so much very a lot "
    "for the your you again all guys team support allen iedereen everyone hartelijk vriendelijk "
    "groet groeten regards best kind en and nog nice day have fijne dag goede super top".split()
)
_CORRECTION = re.compile(r"\b(bedoel|i meant|i mean|sorry|correctie|correction|actually|eigenlijk|"
                         r"oops|oeps|typo|verkeerd|wrong)\b")


@dataclass(frozen=True)
class Signals:
    text: str
    folded: str
    intents: frozenset[Intent]
    products: tuple[str, ...] = ()
    third_party: tuple[str, ...] = ()
    versions: VersionMentions = field(default_factory=VersionMentions)
    email: str | None = None
    site_health: SiteHealthReport | None = None
    error: ErrorAnalysis | None = None
    wordpress_cues: int = 0
    wordpress_mentioned: bool = False
    smalltalk_only: bool = False
    correction: bool = False
    word_count: int = 0

    def has(self, *intents: Intent) -> bool:
        return any(intent in self.intents for intent in intents)

    @property
    def product(self) -> str | None:
        return self.products[0] if self.products else None


class Understanding:
    """Built once per knowledge base; ``read(text)`` is pure and cheap."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.products = ProductFinder(kb.products)
        own_names = [name for product in kb.products.values() for name in product.names]
        self.third_party = ThirdPartyCatalogue(
            kb.third_party, exclude_slugs=list(kb.products), exclude_names=own_names
        )
        self._product_names = sorted(own_names, key=len, reverse=True)

    def read(self, text: str) -> Signals:
        folded = fold(text)
        intents = {intent for intent, sources in STRONG.items() if matches(intent, sources, folded)}
        if matches("problem", PROBLEM_CUES, folded):
            intents.add(Intent.PROBLEM)
        if matches("question", QUESTION_CUES, folded):
            intents.add(Intent.QUESTION)
        report = parse_site_health(text) if looks_like_site_health(text) else None
        error = analyse_error(text) if looks_like_error(text) else None
        if error is not None:
            intents.add(Intent.PROBLEM)
        products = self._products(text, report, error)
        third_party = self._third_party(text, report, error)
        word_list = words(text)
        return Signals(
            text=text,
            folded=folded,
            intents=frozenset(intents),
            products=tuple(products),
            third_party=tuple(third_party),
            versions=find_versions(text, self._names_of(products)),
            email=find_email(text),
            site_health=report,
            error=error,
            wordpress_cues=matches("wordpress", WORDPRESS_CUES, folded),
            wordpress_mentioned=bool(patterns("wp", (WORDPRESS_MENTION,))[0].search(folded)),
            smalltalk_only=self._smalltalk_only(folded, intents, word_list),
            correction=bool(_CORRECTION.search(folded)),
            word_count=len(word_list),
        )

    def _names_of(self, slugs: list[str]) -> list[str]:
        chosen = [self.kb.products[slug] for slug in slugs if slug in self.kb.products]
        return sorted((name for p in chosen for name in p.names), key=len, reverse=True)

    def _products(
        self, text: str, report: SiteHealthReport | None, error: ErrorAnalysis | None
    ) -> list[str]:
        found = self.products.find_all(text)
        for kind, slug in plugin_paths(text):
            if slug in self.kb.products and slug not in found and kind != "mu-plugins":
                found.insert(0, slug)
        if error is not None:
            for component in error.components:
                if component.slug in self.kb.products and component.slug not in found:
                    found.insert(0, component.slug)
        if report is not None:
            for plugin in report.active_plugins:
                slug = self.products.find(plugin.name)
                if slug and slug not in found:
                    found.append(slug)
        if not found:
            fuzzy = self.products.find(text)
            if fuzzy:
                found.append(fuzzy)
        return found

    def _third_party(
        self, text: str, report: SiteHealthReport | None, error: ErrorAnalysis | None
    ) -> list[str]:
        names = [match.component.name for match in self.third_party.find_in_text(text[:20000])]
        if error is not None:
            for component in error.components:
                known = self.third_party.by_slug(component.slug)
                if component.slug not in self.kb.products:
                    names.append(known.name if known else component.slug)
        if report is not None:
            names = [n for n in names if n not in {p.name for p in report.active_plugins}]
        return list(dict.fromkeys(names))

    @staticmethod
    def _smalltalk_only(folded: str, intents: set[Intent], word_list: list[str]) -> bool:
        if not intents & set(SMALLTALK) or intents & {Intent.PROBLEM, Intent.PERSON}:
            return False
        rest = folded
        for intent in SMALLTALK:
            for pattern in patterns(intent, STRONG[intent]):
                rest = pattern.sub(" ", rest)
        leftover = [w for w in words(rest) if w not in _FILLER]
        return len(leftover) <= 2 and len(word_list) <= 12 and "?" not in folded
