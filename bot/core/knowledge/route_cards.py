"""The support policy's routes as phrasings: ``data/routes.yaml`` plus a knowledge base's own.

Each route becomes, per language, one *route card* (its example phrasings) and one *counter
card* (phrasings that share its words but ask about a product). Cards are `FaqEntry` records
(``kind`` "route" / "counter") so the FAQ index scores them with the same text analysis as the
FAQ, and a customer's message is decided among FAQ entries and policy routes at once.

Schema (the built-in file and ``routes.yaml`` in a data directory)::

    billing:                 # a policy route
      nl:                    # a language of policy.yaml
        examples: [...]      # how customers ask about it
        counter: [...]       # similar words, but a product question
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from bot.core.knowledge.frontmatter import YamlProblem, load_yaml
from bot.core.knowledge.load_context import LoadContext
from bot.core.knowledge.models import POLICY_ROUTES, EntryKind, FaqEntry, PolicyRoute, Problem

BUILTIN_SOURCE = "routes.yaml (built-in)"
_LISTS: dict[str, EntryKind] = {"examples": "route", "counter": "counter"}
# Extra index terms per route: the FAQ index adds "thirdparty" to a query that names another
# vendor's plugin or theme, which is evidence for this route.
_ROUTE_TAGS: Mapping[str, tuple[str, ...]] = {"third_party": ("thirdparty",)}

Phrasings = dict[tuple[PolicyRoute, str, EntryKind], list[str]]


def parse_routes(
    data: object, source: str, languages: Sequence[str]
) -> tuple[Phrasings, list[Problem]]:
    """Phrasings per (route, language, kind) from loaded YAML; bad parts become Problems."""
    found: Phrasings = {}
    problems: list[Problem] = []
    if data is None:
        return found, problems
    if not isinstance(data, Mapping):
        return found, [Problem(source, 1, "expected a mapping of route: language: lists")]
    routes: dict[str, PolicyRoute] = {route: route for route in POLICY_ROUTES}
    for name, per_language in data.items():
        route = routes.get(str(name))
        if route is None:
            known = ", ".join(POLICY_ROUTES)
            problems.append(Problem(source, None, f"unknown route {name!r} ({known}); skipped"))
            continue
        if not isinstance(per_language, Mapping):
            problems.append(Problem(source, None, f"{name}: expected language: lists"))
            continue
        for language, lists in per_language.items():
            where = f"{name}.{language}"
            if language not in languages:
                continue  # a language this knowledge base does not answer in
            if not isinstance(lists, Mapping):
                problems.append(Problem(source, None, f"{where}: expected examples/counter"))
                continue
            for key, value in lists.items():
                kind = _LISTS.get(str(key))
                texts = _texts(value)
                if kind is None or texts is None:
                    message = f"{where}.{key}: expected 'examples' or 'counter' with a list of text"
                    problems.append(Problem(source, None, message, "warning"))
                    continue
                found.setdefault((route, language, kind), []).extend(texts)
    return found, problems


def _texts(value: object) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return [item.strip() for item in value if item.strip()]


@cache
def _builtin_data() -> object:
    text = resources.files("bot.core.knowledge").joinpath("data/routes.yaml").read_text("utf-8")
    return load_yaml(text).data


def load_route_cards(context: LoadContext, languages: Sequence[str]) -> tuple[FaqEntry, ...]:
    """Built-in phrasings plus the data directory's ``routes.yaml``, as cards."""
    phrasings, problems = parse_routes(_builtin_data(), BUILTIN_SOURCE, languages)
    assert not problems, problems  # the shipped file is checked by the tests
    path = context.root / "routes.yaml"
    if path.is_file():
        text = context.read_text(path)
        try:
            data = load_yaml(text).data if text is not None else None
        except YamlProblem as problem:
            context.report(path, f"{problem.message}; file skipped", line=problem.line)
            data = None
        own, own_problems = parse_routes(data, context.relative(path), languages)
        context.problems.extend(own_problems)
        for key, texts in own.items():
            phrasings.setdefault(key, []).extend(texts)
    return cards_from(phrasings)


def builtin_cards(languages: Sequence[str]) -> tuple[FaqEntry, ...]:
    """The built-in phrasings alone, as cards (for indexes built without a data directory)."""
    phrasings, _ = parse_routes(_builtin_data(), BUILTIN_SOURCE, languages)
    return cards_from(phrasings)


def cards_from(phrasings: Phrasings) -> tuple[FaqEntry, ...]:
    cards = []
    for (route, language, kind), texts in sorted(phrasings.items()):
        unique = tuple(dict.fromkeys(texts))
        if not unique:
            continue
        cards.append(
            FaqEntry(
                id=f"{kind}-{route}",
                language=language,
                question=unique[0],
                answer="",
                alternatives=unique[1:],
                tags=_ROUTE_TAGS.get(route, ()) if kind == "route" else (),
                source="routes.yaml",
                route=route,
                kind=kind,
            )
        )
    return tuple(cards)
