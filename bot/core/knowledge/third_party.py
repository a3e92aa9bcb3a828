"""Well-known third-party WordPress plugins and themes: the catalogue, its YAML schema, lookups.

The built-in list ships as package data (``data/third_party.yaml``); a knowledge base may add
items in the same schema. ``ThirdPartyCatalogue`` recognises them in customer text and maps
folder names from error traces (``wp-envato-market-master``) back to a product.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast

import yaml

from bot.core.knowledge.models import Problem, ThirdPartyComponent
from bot.core.knowledge.name_patterns import NamePattern, make_patterns
from bot.core.knowledge.name_spotting import NameSpotter
from bot.core.text import fold

_KEYS = frozenset({"name", "slugs", "kind", "aliases", "vendor", "bundled"})
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_COPY_SUFFIX = re.compile(r"[-_.](?:master|main|trunk|develop|latest)$")
_VERSION_SUFFIX = re.compile(r"[-_]v?\d+(?:\.\d+)+[a-z0-9]*(?:[-.][a-z0-9]+)*$")
_EDITION_SUFFIX = re.compile(r"-(?:pro|premium|child-theme|child)$")
_NUMBER_SUFFIX = re.compile(r"-\d+$")
_NAME_QUALIFIER = re.compile(r"\s*(?:[:|(–—]|\s-\s).*$")

Via = Literal["name", "alias", "slug", "short", "fuzzy"]


def normalise_slug(folder: str) -> str:
    """Folder name → slug: lower case, no ``-master``/``-main``/``-trunk`` or version suffix."""
    slug = folder.strip().strip("/\\").casefold()
    slug = slug.removesuffix(".php")
    while True:
        trimmed = _VERSION_SUFFIX.sub("", _COPY_SUFFIX.sub("", slug))
        if trimmed == slug or not trimmed:
            return slug
        slug = trimmed


def parse_third_party(data: object, source: str) -> tuple[list[ThirdPartyComponent], list[Problem]]:
    """Validate loaded YAML (a list of mappings); bad items become Problems, good ones are kept."""
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [Problem(source, None, "expected a list of plugins/themes")]
    components: list[ThirdPartyComponent] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(data, start=1):
        component, item_problems = _parse_item(item, f"item {index}", source)
        problems += item_problems
        if component is None:
            continue
        taken = [slug for slug in component.slugs if slug in seen]
        if taken:
            problems.append(
                Problem(source, None, f"item {index}: slug {taken[0]!r} listed twice", "warning")
            )
        seen.update(component.slugs)
        components.append(component)
    return components, problems


def _parse_item(
    item: object, where: str, source: str
) -> tuple[ThirdPartyComponent | None, list[Problem]]:
    if not isinstance(item, Mapping):
        return None, [Problem(source, None, f"{where}: expected a mapping with name and slugs")]
    fields = cast(Mapping[str, object], item)
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        return None, [Problem(source, None, f"{where}: missing name")]
    where = f"{where} ({name.strip()})"
    slugs = _strings(fields.get("slugs"))
    aliases = _strings(fields.get("aliases"))
    kind = fields.get("kind", "plugin")
    vendor = fields.get("vendor")
    if slugs is None or not slugs or not all(_SLUG.match(s.casefold()) for s in slugs):
        return None, [Problem(source, None, f"{where}: slugs must be a list of folder names")]
    if aliases is None:
        return None, [Problem(source, None, f"{where}: aliases must be a list of names")]
    if kind not in ("plugin", "theme"):
        return None, [Problem(source, None, f"{where}: kind must be plugin or theme")]
    if vendor is not None and not isinstance(vendor, str | int | float):
        return None, [Problem(source, None, f"{where}: vendor must be text")]
    bundled = fields.get("bundled", False)
    if not isinstance(bundled, bool):
        return None, [Problem(source, None, f"{where}: bundled must be true or false")]
    problems = [
        Problem(source, None, f"{where}: unknown key {key!r} ignored", "warning")
        for key in sorted(set(map(str, fields)) - _KEYS)
    ]
    component = ThirdPartyComponent(
        name=name.strip(),
        slugs=tuple(dict.fromkeys(s.casefold() for s in slugs)),
        kind=kind,
        aliases=tuple(aliases),
        vendor=str(vendor).strip() if vendor is not None else None,
        bundled=bundled,
    )
    return component, problems


def _strings(value: object) -> tuple[str, ...] | None:
    """A list of non-empty strings (a single string is accepted as a one-item list)."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str | int | float) for v in items):
        return None
    return tuple(s for s in (str(v).strip() for v in items) if s)


@cache
def _builtin() -> tuple[ThirdPartyComponent, ...]:
    text = (
        resources.files("bot.core.knowledge").joinpath("data/third_party.yaml").read_text("utf-8")
    )
    # libyaml's loader (as in ``frontmatter``): the same data, a tenth of the pure-Python
    # loader's 0.2 s, which every process that reads messages paid at start-up.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    components, problems = parse_third_party(data, "third_party.yaml (built-in)")
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValueError(f"built-in third-party catalogue is broken: {errors[0]}")
    return tuple(components)


def builtin_components() -> list[ThirdPartyComponent]:
    """The shipped catalogue of well-known plugins and themes (parsed once)."""
    return list(_builtin())


@dataclass(frozen=True)
class ThirdPartyMatch:
    """A component named in text; `score` 1.0 exact, 0.8-0.9 with context, < 0.85 a typo."""

    component: ThirdPartyComponent
    text: str
    start: int
    end: int
    score: float
    via: Via


class ThirdPartyCatalogue:
    """Recognise third-party components by name, alias or folder slug; our own products win."""

    def __init__(
        self,
        components: Iterable[ThirdPartyComponent],
        *,
        exclude_slugs: Iterable[str] = (),
        exclude_names: Iterable[str] = (),
        ordinary: Iterable[str] = (),
    ) -> None:
        """`ordinary`: words that are ordinary where the text comes from (a knowledge base's own
        lower-case vocabulary); a name made only of them needs evidence (``name_spotting``)."""
        plain = frozenset(ordinary)
        own_slugs = {normalise_slug(s) for s in exclude_slugs}
        own_names = {fold(n) for n in exclude_names if n.strip()}
        kept = [c for c in components if not self._is_own(c, own_slugs, own_names)]
        self.components: tuple[ThirdPartyComponent, ...] = tuple(kept)
        self._slugs: dict[str, ThirdPartyComponent] = {}
        self._names: dict[str, ThirdPartyComponent] = {}
        patterns: list[NamePattern] = []
        for index, component in enumerate(self.components):
            for via, name in [("name", component.name)] + [("alias", a) for a in component.aliases]:
                if fold(name) in own_names:
                    continue
                self._names.setdefault(fold(name), component)
                patterns += make_patterns(index, name, via, plain)
            for slug in component.slugs:
                self._slugs.setdefault(normalise_slug(slug), component)
                patterns += make_patterns(index, slug, "slug")
        # Our own names are spotted too, so that a third-party name inside them loses.
        own = len(self.components)
        patterns += [p for name in exclude_names for p in make_patterns(own, name, "name")]
        self._spotter = NameSpotter(patterns)

    @staticmethod
    def _is_own(component: ThirdPartyComponent, slugs: set[str], names: set[str]) -> bool:
        return (
            any(normalise_slug(s) in slugs for s in component.slugs)
            or fold(component.name) in names
        )

    def __len__(self) -> int:
        return len(self.components)

    def find_in_text(self, text: str) -> list[ThirdPartyMatch]:
        """Components named in `text`, one match each (the best), in order of appearance."""
        best: dict[int, ThirdPartyMatch] = {}
        for spot in self._spotter.spot(text):
            if spot.target >= len(self.components):
                continue
            match = ThirdPartyMatch(
                self.components[spot.target],
                text[spot.start : spot.end],
                spot.start,
                spot.end,
                spot.score,
                cast(Via, spot.via),
            )
            current = best.get(spot.target)
            if current is None or match.score > current.score:
                best[spot.target] = match
        return sorted(best.values(), key=lambda m: m.start)

    def by_slug(self, slug: str) -> ThirdPartyComponent | None:
        """The component in folder `slug` (copies, version suffixes, -pro and -child tolerated)."""
        base = normalise_slug(slug)
        for candidate in (base, _EDITION_SUFFIX.sub("", base), _NUMBER_SUFFIX.sub("", base)):
            found = self._slugs.get(candidate)
            if found is not None:
                return found
        return None

    def by_name(self, name: str) -> ThirdPartyComponent | None:
        """A plugin/theme header name (as in Site Health) → component, exact or minus a tagline."""
        folded = fold(name)
        for candidate in (folded, fold(_NAME_QUALIFIER.sub("", name))):
            found = self._names.get(candidate) or self._names.get(
                re.sub(r"\s+(?:pro|premium|lite)$", "", candidate)
            )
            if found is not None:
                return found
        return None
