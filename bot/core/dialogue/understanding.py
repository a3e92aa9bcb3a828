"""Turn one customer message into signals: intents, products, versions, pasted reports."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.core.dialogue.cue_frequencies import cue_sources
from bot.core.dialogue.cue_spelling import CueSpelling
from bot.core.dialogue.lexicon import (
    PROBLEM_CUES,
    QUESTION_CUES,
    ROUTE_CUES,
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
    email_in,
    find_versions,
    plugin_paths,
)
from bot.core.dialogue.narrative import narrative
from bot.core.knowledge.error_trace import ErrorAnalysis, analyse_error, looks_like_error
from bot.core.knowledge.models import FaqEntry, KnowledgeBase, ThirdPartyComponent
from bot.core.knowledge.name_patterns import tokenize
from bot.core.knowledge.site_health import (
    SiteHealthReport,
    looks_like_site_health,
    parse_site_health,
)
from bot.core.knowledge.third_party import ThirdPartyCatalogue
from bot.core.retrieval.stopwords import ALL as STOP_WORDS
from bot.core.text import fold, words

SMALLTALK = (Intent.GREETING, Intent.THANKS, Intent.GOODBYE)
_FILLER = set(
    "wel heel erg zeer nogmaals allemaal voor de het je u jullie hulp daar there so much very "
    "a lot "
    "for the your you again all guys team support allen iedereen everyone hartelijk vriendelijk "
    "groet groeten regards best kind en and nog nice day have fijne dag goede super top".split()
)
# Nouns every WordPress support message may use; they do not say *what* is wrong.
_GENERIC = set(
    "plugin plugins plug-in thema theme themes site website websites product producten products "
    "wordpress wp pagina page update updates versie version sinds since gisteren yesterday today "
    "vandaag meer more anymore still nog steeds help hulp please alsjeblieft ineens suddenly "
    "opeens nothing niks niets iets something anything alles everything".split()
)
_CODE = re.compile(r"`[^`\n]*`")
_JOINED = frozenset("-_/.@")  # a word joined to these is part of a slug, path or address


def ordinary_words(faq: Iterable[FaqEntry]) -> frozenset[str]:
    """The words a knowledge base writes in lower case as running text (not in code, slugs,
    paths or addresses): ordinary words of its domain ("cookie", "notice"), which a catalogue
    name made only of them ("Cookie Notice") does not own without evidence."""
    found: set[str] = set()
    for entry in faq:
        for text in (*entry.phrasings, entry.answer):
            text = _CODE.sub(" ", text)
            for token in tokenize(text):
                before = text[token.start - 1 : token.start]
                after = text[token.end : token.end + 2]
                joined = before in _JOINED or after[:1] in _JOINED - {"."}
                if (
                    token.text.islower()
                    and not joined
                    and not (after[:1] == "." and after[1:].isalnum())
                ):
                    found.add(token.folded)
    return frozenset(found)


# What the customer wants to avoid ("a test donation without real money being charged",
# "zonder dat er geld wordt afgeschreven"): a request's words inside it ask for nothing.
_WITHOUT = re.compile(r"\b(without|zonder)\b[^,.;:!?\n]*")
_CORRECTION = re.compile(
    r"\b(bedoel|i meant|i mean|sorry|correctie|correction|actually|eigenlijk|"
    r"oops|oeps|typo|verkeerd|wrong)\b"
)


@dataclass(frozen=True)
class Signals:
    text: str
    folded: str
    intents: frozenset[Intent]
    route_cues: frozenset[str] = frozenset()  # policy routes the phrasing points at (evidence)
    products: tuple[str, ...] = ()
    third_party: tuple[str, ...] = ()
    default_theme: bool = False  # names a theme that ships with WordPress (Twenty Twenty-Five)
    opens_with_third_party: bool = False  # the first words name another vendor's product
    versions: VersionMentions = field(default_factory=VersionMentions)
    version_of: str | None = None  # the product whose name the product version follows
    email: str | None = None  # the first address in the message
    email_offered: bool = False  # ... given as the customer's own (`mentions.offers_email`)
    site_health: SiteHealthReport | None = None
    error: ErrorAnalysis | None = None
    wordpress_cues: int = 0
    wordpress_mentioned: bool = False
    smalltalk_only: bool = False
    correction: bool = False
    word_count: int = 0
    content_words: int = 0  # words left when cues, stop words and generic nouns are removed

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
            kb.third_party,
            exclude_slugs=list(kb.products),
            exclude_names=own_names,
            ordinary=ordinary_words(kb.faq),
        )
        self._product_names = sorted(own_names, key=len, reverse=True)
        kb_words = {
            word
            for entry in kb.faq
            for text in (*entry.phrasings, entry.answer)
            for word in words(text)
        }
        self.spelling = CueSpelling(
            cue_sources(), kb_words | {w for n in own_names for w in words(n)}
        )
        self._troubleshooting = frozenset(
            entry.ref
            for entry in kb.faq
            if any(matches("problem", PROBLEM_CUES, fold(text)) for text in entry.phrasings)
        )

    def troubleshoots(self, entry: FaqEntry) -> bool:
        """The entry is about something going wrong ("the banner doesn't appear"), read with
        the same cues as a customer's problem report, rather than about how to do something."""
        return entry.ref in self._troubleshooting

    def read(self, text: str, product: str | None = None) -> Signals:
        """The message's signals; `product` is the conversation's product, if known."""
        report = parse_site_health(text) if looks_like_site_health(text) else None
        error = analyse_error(text) if looks_like_error(text) else None
        full_text = text
        if report is not None:  # cues, versions and names come from the customer's own lines
            text = narrative(text)
        folded = fold(text)
        cued = self.spelling.repair(folded)  # cues are matched with typos repaired
        intents = {intent for intent, sources in STRONG.items() if matches(intent, sources, cued)}
        if matches("problem", PROBLEM_CUES, cued):
            intents.add(Intent.PROBLEM)
        if matches("question", QUESTION_CUES, cued):
            intents.add(Intent.QUESTION)
        if error is not None:
            intents.add(Intent.PROBLEM)
        requested = _WITHOUT.sub(" ", cued)
        route_cues = frozenset(
            route for route, sources in ROUTE_CUES.items() if matches(route, sources, requested)
        )
        if "channels" in route_cues:
            intents.discard(Intent.PERSON)  # "live chat with someone": asking how to reach us
        products = self._products(full_text if report is None else text, report, error)
        spotted = self.third_party.find_in_text(text[:20000])
        platforms = self._platforms([*products, *([product] if product else [])])
        spotted = [
            m
            for m in spotted
            if not platforms.intersection((*m.component.slugs, fold(m.component.name)))
        ]
        named = [match.component for match in spotted]
        opening = len(text) - len(text.lstrip())
        opens_with_third_party = bool(spotted) and spotted[0].start <= opening
        third_party = self._third_party(named, report, error)
        word_list = words(text)
        email, email_offered = email_in(text)
        versions = find_versions(text, self._names_of(products), self._newest_major(products))
        version_of = self.products.find(versions.after_name) if versions.after_name else None
        if version_of in products:  # "theme Wierde 2.3.1 ... only Vindpunt on": Wierde's version
            products = [version_of, *(slug for slug in products if slug != version_of)]
        return Signals(
            text=text,
            folded=folded,
            intents=frozenset(intents),
            route_cues=route_cues,
            products=tuple(products),
            third_party=tuple(third_party),
            default_theme=any(component.bundled for component in named),
            opens_with_third_party=opens_with_third_party,
            versions=versions,
            version_of=version_of,
            email=email,
            email_offered=email_offered,
            site_health=report,
            error=error,
            wordpress_cues=matches("wordpress", WORDPRESS_CUES, folded),
            wordpress_mentioned=bool(patterns("wp", (WORDPRESS_MENTION,))[0].search(folded)),
            smalltalk_only=self._smalltalk_only(folded, intents, word_list),
            correction=bool(_CORRECTION.search(folded)),
            word_count=len(word_list),
            content_words=self._content_words(folded, products, third_party),
        )

    def _platforms(self, slugs: list[str]) -> set[str]:
        """The plugins these products of ours extend (WooCommerce for a WooCommerce extension),
        folded: named with the product, such a plugin is where it runs, not another party."""
        products = self.kb.products
        return {fold(p) for slug in slugs if slug in products for p in products[slug].platforms}

    def _newest_major(self, slugs: list[str]) -> int | None:
        """The highest major version the named products have released (None: not known)."""
        products = self.kb.products
        latest = [products[slug].latest_version for slug in slugs if slug in products]
        majors = [int(v.split(".")[0]) for v in latest if v and v.split(".")[0].isdecimal()]
        return max(majors) if majors and len(majors) == len(latest) else None

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
                plugin_slug = self.products.find(plugin.name)
                if plugin_slug and plugin_slug not in found:
                    found.append(plugin_slug)
            theme_slug = self.own_theme(report)
            if theme_slug and theme_slug not in found:
                found.append(theme_slug)
        if not found:
            fuzzy = self.products.find(text)
            if fuzzy:
                found.append(fuzzy)
        return found

    def _third_party(
        self,
        named: list[ThirdPartyComponent],
        report: SiteHealthReport | None,
        error: ErrorAnalysis | None,
    ) -> list[str]:
        """Third-party components the message is about (not those merely listed in a paste)."""
        found = [c for c in named if not c.bundled]  # WordPress's own theme is no other party
        if report is not None:
            installed = {self.third_party.by_name(p.name) for p in report.plugins}
            found = [component for component in found if component not in installed]
        names = [component.name for component in found]
        if error is not None:
            for component in error.components:
                if component.slug in self.kb.products or component.role == "vendor-lib":
                    continue
                known = self.third_party.by_slug(component.slug)
                names.append(known.name if known else component.slug)
        return list(dict.fromkeys(names))

    def own_theme(self, report: SiteHealthReport) -> str | None:
        """Our theme's slug when it (or its parent) is the site's theme."""
        for theme in (report.active_theme, report.parent_theme):
            if theme is None:
                continue
            if theme.slug and theme.slug in self.kb.products:
                return theme.slug
            slug = self.products.find(theme.name)
            if slug:
                return slug
        return None

    def installed_third_party(self, report: SiteHealthReport) -> list[str]:
        """Active plugins of a Site Health paste that are not ours (for the staff summary)."""
        names = []
        for plugin in report.active_plugins:
            if self.products.find(plugin.name):
                continue
            known = self.third_party.by_name(plugin.name)
            names.append(known.name if known else plugin.name)
        return names

    def _content_words(self, folded: str, products: list[str], third_party: list[str]) -> int:
        """How specific the message is: 'the plugin stopped working' has none."""
        rest = folded
        for name, sources in (("problem", PROBLEM_CUES), ("question", QUESTION_CUES)):
            for pattern in patterns(name, sources):
                rest = pattern.sub(" ", rest)
        names = {w for slug in products for n in self.kb.products[slug].names for w in words(n)}
        names |= {w for name in third_party for w in words(name)}
        return sum(
            1
            for w in words(rest)
            if w not in STOP_WORDS and w not in _GENERIC and w not in names and not w[0].isdigit()
        )

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
