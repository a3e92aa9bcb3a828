"""The knowledge base as plain, immutable data: policy, products, FAQ entries, problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

ProductKind = Literal["plugin", "theme", "service"]
Severity = Literal["error", "warning"]
# The support policy's own topics: a message about one of them gets the policy's answer.
PolicyRoute = Literal["channels", "billing", "customization", "third_party", "wordpress_general"]
POLICY_ROUTES: tuple[PolicyRoute, ...] = (
    "channels",
    "billing",
    "customization",
    "third_party",
    "wordpress_general",
)
# What an indexed entry is: an FAQ answer, or a policy route's phrasings ("route"), or phrasings
# that share a route's words but are not about it ("counter"); see data/routes.yaml.
EntryKind = Literal["faq", "route", "counter"]


@dataclass(frozen=True)
class Problem:
    """Something wrong in a knowledge-base file; the file (or one entry) was skipped or patched."""

    path: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Policy:
    company: str = "New Media Entertainment"
    helpdesk_email: str = "support@example.com"
    billing_email: str = "billing@example.com"
    response_hours: int = 24
    wordpress_forum_url: str = "https://wordpress.org/support/forums/"
    faq_url: str = ""
    default_language: str = "nl"
    languages: tuple[str, ...] = ("nl", "en")
    ticket_prefix: str = "NME"
    renewal_url: str = ""
    time_zone: str = "UTC"  # due times are told in it when the customer's own zone is unknown
    # the privacy notice: (language, url) pairs; language "" is for every language without one
    privacy_urls: tuple[tuple[str, str], ...] = ()

    def privacy_url(self, language: str) -> str:
        """The privacy notice for ``language`` ("" when the policy names none)."""
        return url_for_language(self.privacy_urls, language)


def url_for_language(urls: Sequence[tuple[str, str]], language: str) -> str:
    """The address given for ``language``, else the one for every language ("")."""
    found = dict(urls)
    return found.get(language) or found.get("") or ""


@dataclass(frozen=True)
class ChangelogEntry:
    """One version's block of a readme.txt changelog; `items` are the bullet lines."""

    version: str
    date: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class ReadmeFaq:
    question: str
    answer: str


@dataclass(frozen=True)
class Readme:
    """A parsed WordPress readme.txt (plugin or theme), following the wordpress.org parser."""

    name: str | None
    short_description: str
    stable_tag: str | None
    requires_wp: str | None
    tested_up_to: str | None
    requires_php: str | None
    contributors: tuple[str, ...]
    tags: tuple[str, ...]
    license: str | None
    license_uri: str | None
    donate_link: str | None
    sections: Mapping[str, str]
    faq: tuple[ReadmeFaq, ...]
    changelog: tuple[ChangelogEntry, ...]
    upgrade_notice: Mapping[str, str]
    requires_plugins: tuple[str, ...] = ()  # slugs (``Requires Plugins``, ``WC requires at least``)
    warnings: tuple[str, ...] = ()
    # Remarks that matter only for the wordpress.org page (tags, short description length).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShopRef:
    """How the shop names one of our products: a product or download id, a SKU, or a name."""

    source: str  # woocommerce | edd
    ref: str


@dataclass(frozen=True)
class Product:
    """One of our own products (a plugin, theme or service we sell and support)."""

    slug: str
    name: str
    kind: ProductKind = "plugin"
    aliases: tuple[str, ...] = ()
    latest_version: str | None = None
    requires_wp: str | None = None
    requires_php: str | None = None
    tested_up_to: str | None = None
    docs_url: str | None = None
    readme_language: str = "en"
    example: bool = False
    changelog: tuple[ChangelogEntry, ...] = ()
    shop_refs: tuple[ShopRef, ...] = ()  # product.yaml ``shop:``; names match without it
    # Plugins it extends (WooCommerce for a WooCommerce extension): names or slugs. Named in a
    # problem with the product, such a plugin is where it runs, not another party.
    platforms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every way a customer may refer to the product: name, aliases, slug."""
        return (self.name, *self.aliases, self.slug)


@dataclass(frozen=True)
class FaqEntry:
    """One FAQ answer in one language. `id` is unique within its language.

    `route` is the policy route the knowledge base gives the entry (front matter ``route:``):
    its answer then goes out under that route. Route cards (``kind`` "route" or "counter") are
    a policy route's phrasings, indexed next to the FAQ so that both compete in one decision.
    """

    id: str
    language: str
    question: str
    answer: str
    alternatives: tuple[str, ...] = ()
    product: str | None = None
    tags: tuple[str, ...] = ()
    source: str = ""
    route: PolicyRoute | None = None
    kind: EntryKind = "faq"

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The question and its alternatives, without repeats."""
        return tuple(dict.fromkeys((self.question, *self.alternatives)))

    @property
    def key(self) -> tuple[str, str]:
        return (self.language, self.id)

    @property
    def ref(self) -> str:
        """``lang/id``: unique across languages, safe to store (ids are file names)."""
        return f"{self.language}/{self.id}"


@dataclass(frozen=True)
class ThirdPartyComponent:
    """A well-known WordPress plugin or theme we do not make."""

    name: str
    slugs: tuple[str, ...]
    kind: Literal["plugin", "theme"] = "plugin"
    aliases: tuple[str, ...] = ()
    vendor: str | None = None
    # Ships with WordPress (its default themes): the theme the conflict test switches to, so
    # never the other party in a problem.
    bundled: bool = False


@dataclass(frozen=True)
class KnowledgeBase:
    policy: Policy
    products: Mapping[str, Product]
    faq: Sequence[FaqEntry]
    third_party: Sequence[ThirdPartyComponent] = ()
    problems: Sequence[Problem] = field(default_factory=tuple)
    route_cards: Sequence[FaqEntry] = ()  # policy routes' phrasings (built-in + routes.yaml)

    def product(self, slug: str | None) -> Product | None:
        return self.products.get(slug) if slug else None

    @cached_property
    def _faq_by_key(self) -> dict[tuple[str, str], FaqEntry]:
        return {entry.key: entry for entry in self.faq}

    def faq_entry(self, language: str, entry_id: str) -> FaqEntry | None:
        return self._faq_by_key.get((language, entry_id))

    def faq_by_ref(self, ref: str, language: str) -> FaqEntry | None:
        """An entry by ``lang/id`` (what conversations store), or by a bare id in ``language``."""
        ref_language, _, entry_id = ref.rpartition("/")
        return self.faq_entry(ref_language or language, entry_id)
