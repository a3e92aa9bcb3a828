"""What a message mentions: our products, versions (product, WordPress, PHP), an address."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.knowledge.models import Product
from bot.core.retrieval.dutch_stemmer import stem_dutch
from bot.core.retrieval.english_stemmer import stem_english
from bot.core.retrieval.stopwords import is_stop_word
from bot.core.text import fold

_NUM = r"(\d{1,3}(?:\.\d{1,4}){1,3}(?:[-.]?(?:beta|rc|alpha)\d*)?|\d{1,2}(?![\d.,:/]))"
_VERSION_WORD = r"(?:versie|version|vers|ver|v|release|build)"
_WP = re.compile(
    r"(?<![\w/-])(?:wordpress|wp)(?:[ -]?(?:core|" + _VERSION_WORD + r"))?[ :]*v?" + _NUM, re.I
)
_PHP = re.compile(  # "PHP 8.1." at the end of a sentence is version 8.1
    r"(?<![\w/-])php[ -]?(?:" + _VERSION_WORD + r")?[ :]*v?(\d(?:\.\d{1,2}){0,2})(?!\d|\.\d)", re.I
)
_LABELLED = re.compile(
    r"(?<![\w/-])" + _VERSION_WORD + r"\.?\s*(?:nummer|number|nr\.?|is|:)?\s*v?" + _NUM, re.I
)
_ON_VERSION = re.compile(
    r"\b(?:i'?m on|i am on|we'?re on|running|ik zit op|we zitten op|ik gebruik|ik heb|i have|"
    r"i use|using|draai|draaien|geinstalleerd is)\s+(?:versie |version |v)?" + _NUM,
    re.I,
)
_BARE = re.compile(r"(?<![\w./:-])v?(\d{1,3}(?:\.\d{1,4}){1,3})(?![\w/:-]|\.\w)")
_EMAIL = re.compile(r"(?<![\w.+-])([\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+)(?![\w-])")
_PLUGIN_PATH = re.compile(r"wp-content[\\/]+(plugins|themes|mu-plugins)[\\/]+([a-z0-9_.-]+)", re.I)
# What leads up to an address given as the customer's own ("my email is", "mail me at", "send
# the answer to", "bereikbaar op", "e-mail:"), right before it.
_CONTACT = re.compile(
    r"(?:\b(?:my|our|mijn|ons|onze)\s+(?:e-?mail(?:\s*address)?|mail|address|e-?mailadres|"
    r"mailadres|adres)(?:\s+(?:is|:))?|\b(?:e-?mail|mail|contact|reach|bereik|write)\s+(?:me|mij|us|"
    r"ons)(?:\s+(?:at|on|op|via))?|\b(?:send|stuur|reply|antwoord)\b[^.@\n]{0,30}?\b(?:to|naar|"
    r"op|at)|\b(?:bereikbaar|reachable)\s+(?:op|at|via)|\b(?:e-?mail|mail|e-?mailadres|mailadres)"
    r"\s*:)\s*:?\s*$",
    re.I,
)
# "Gevel (gevel) version 2.9.0": a slug or a note in brackets between a name and its version
_SLUG_AFTER = r"(?:\s*\([^()\n]{1,40}\))?"
FEW_WORDS = 6  # words besides the address in a message that just gives it ("sure, here it is")
_DATE_LIKE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")


@dataclass(frozen=True)
class VersionMentions:
    product_version: str | None = None
    wordpress: str | None = None
    php: str | None = None
    bare: tuple[str, ...] = ()
    after_name: str | None = None  # the product name `product_version` follows, if it does


def _generation(match: re.Match[str]) -> bool:
    """A "v2" without a dot, away from a product's name, names a generation of something else
    ("Consent Mode v2", "reCAPTCHA v3"); "version 2" is the customer's version."""
    return "." not in match.group(1) and re.match(r"v\.?\s*\d", match.group(0), re.I) is not None


def _counts_something(match: re.Match[str], newest_major: int | None) -> bool:
    """A dotless number after a name is no version of the product when it is above every
    release's major version, or when it opens a note in brackets ("Werfbord Pro (1 site)": a
    number in brackets is a version only when it is all the brackets hold, "Gevel (v2)")."""
    number = match.group(1)
    if "." in number:
        return False
    if newest_major is not None and int(number) > newest_major:
        return True
    bracketed = "(" in match.group(0)[: match.start(1) - match.start(0)]
    return bracketed and re.match(r"\s*\)", match.string[match.end() :]) is None


def _plausible(version: str) -> bool:
    return not _DATE_LIKE.match(version) and version.count(".") <= 3


def find_versions(
    text: str, product_names: Iterable[str] = (), newest_major: int | None = None
) -> VersionMentions:
    """Versions in a message; the product's version is the labelled one or one after its name.

    A number without a dot right after the name, higher than the newest release's major
    version (`newest_major`, when known), counts something else ("ShiftKit Pro 10 min ago",
    "Giftwell 50 donors"): no release of that number exists."""
    taken: list[tuple[int, int]] = []

    def first(pattern: re.Pattern[str], group: int = 1) -> str | None:
        for match in pattern.finditer(text):
            if _plausible(match.group(group)):
                taken.append(match.span())
                return match.group(group)
        return None

    wordpress, php = first(_WP), first(_PHP)

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    product_version = owner = None
    for name in product_names:
        after_name = re.compile(
            re.escape(name) + _SLUG_AFTER + r"[\s:,(]*(?:" + _VERSION_WORD + r"\.?\s*)?v?" + _NUM,
            re.I,
        )
        match = after_name.search(text)
        if match and _counts_something(match, newest_major):
            match = None
        if match and free(match.span()) and _plausible(match.group(1)):
            product_version, owner = match.group(1), name
            taken.append(match.span())
            break
    for pattern in (_LABELLED, _ON_VERSION):
        if product_version:
            break
        for match in pattern.finditer(text):
            if free(match.span()) and _plausible(match.group(1)) and not _generation(match):
                product_version = match.group(1)
                taken.append(match.span())
                break
    bare = tuple(
        m.group(1) for m in _BARE.finditer(text) if free(m.span()) and _plausible(m.group(1))
    )
    return VersionMentions(product_version, wordpress, php, bare, owner)


def email_in(text: str) -> tuple[str | None, bool]:
    """The message's first address, and whether it is given as the customer's own: the message
    is little more than the address ("sure, jan@example.nl") or a contact phrase leads up to it
    ("my email is", "send updates to", "e-mail:"). An address inside a description (a sender, a
    recipient, a search term) is part of the problem, not where to reach the customer."""
    match = _EMAIL.search(text)
    if match is None:
        return None, False
    address = match.group(1).strip(".").lower()
    rest = text[: match.start()] + " " + text[match.end() :]
    if len(re.findall(r"\w+", rest)) <= FEW_WORDS:
        return address, True
    return address, _CONTACT.search(text[max(0, match.start() - 60) : match.start()]) is not None


def plugin_paths(text: str) -> list[tuple[str, str]]:
    """``(kind, slug)`` for every ``wp-content/plugins|themes/<slug>`` path in the text."""
    return [(m.group(1).lower(), m.group(2).lower()) for m in _PLUGIN_PATH.finditer(text)]


class ProductFinder:
    """Recognises our own products by name, alias or slug, exactly or with a typo."""

    def __init__(self, products: Mapping[str, Product]) -> None:
        self._names: list[tuple[str, str]] = []  # (folded name, slug)
        for product in products.values():
            for name in product.names:
                folded = fold(name).replace("-", " ")
                if len(folded) >= 2:
                    self._names.append((folded, product.slug))
        self._names.sort(key=lambda item: -len(item[0]))
        self._exact = [
            (re.compile(r"(?<![\w])" + re.escape(n).replace(r"\ ", r"[\s_-]?") + r"(?![\w])"), s)
            for n, s in self._names
        ]
        self._by_name_word = _name_words(products)

    def described(self, text: str) -> str | None:
        """The one product whose name holds a word of the text that no other product's name
        holds: how customers answer "which product?" ("the wishlist one" is Keepsake Wishlist,
        "die van de popups" Lokker Popups). The platform a product is for says nothing."""
        slugs = {
            slug
            for word in re.findall(r"\w+", fold(text[:2000]))
            for stem in _stems(word)
            if (slug := self._by_name_word.get(stem))
        }
        return slugs.pop() if len(slugs) == 1 else None

    def find(self, text: str) -> str | None:
        """The slug of the product the text names, or None."""
        folded = fold(text)
        for pattern, slug in self._exact:
            if pattern.search(folded):
                return slug
        return self._fuzzy(folded)

    def without_names(self, text: str) -> str:
        """The folded text with our product names blanked out: names are not a language."""
        folded = fold(text)
        for pattern, _ in self._exact:
            folded = pattern.sub(" ", folded)
        return folded

    def find_all(self, text: str) -> list[str]:
        folded = fold(text)
        found = [slug for pattern, slug in self._exact if pattern.search(folded)]
        return list(dict.fromkeys(found))

    def _fuzzy(self, folded: str) -> str | None:
        tokens = re.findall(r"[\w]+", folded)[:400]
        best: tuple[float, str | None] = (0.0, None)
        for name, slug in self._names:
            size = name.count(" ") + 1
            if len(name) < 6:  # short names give false positives when fuzzy
                continue
            for start in range(0, max(len(tokens) - size + 1, 0)):
                window = " ".join(tokens[start : start + size])
                score = fuzz.ratio(name, window)
                if score > best[0]:
                    best = (score, slug)
        return best[1] if best[0] >= 86 else None


def _stems(word: str) -> set[str]:
    return {word, stem_english(word), stem_dutch(word)}


def _name_words(products: Mapping[str, Product]) -> dict[str, str]:
    """Stem -> the slug of the only product whose name or alias has a word of that stem."""
    owners: dict[str, set[str]] = {}
    for product in products.values():
        platforms = {fold(platform) for platform in product.platforms}
        for name in product.names:
            for word in re.findall(r"\w+", fold(name)):
                if len(word) < 3 or is_stop_word(word) or word in platforms or word.isdigit():
                    continue
                for stem in _stems(word):
                    owners.setdefault(stem, set()).add(product.slug)
    return {stem: next(iter(slugs)) for stem, slugs in owners.items() if len(slugs) == 1}
