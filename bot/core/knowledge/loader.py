"""The knowledge-base data directory (SPEC "Knowledge base") read into a `KnowledgeBase`.

Loading never raises on bad content: each problem becomes a `Problem` with the file (relative to
the data directory) and, where known, the line; the broken file or entry is skipped and the rest
loads. Only a missing directory raises `KnowledgeError`.

Files over 1 MB: a ``readme.txt`` is reported and only its first 1 MB (up to the last full
line) is parsed, because its headers and FAQ come first; any other file is reported and skipped.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.knowledge.faq_files import load_faq_files, merge_readme_faq
from bot.core.knowledge.fields import FieldReader
from bot.core.knowledge.frontmatter import YamlProblem, load_yaml
from bot.core.knowledge.load_context import LoadContext
from bot.core.knowledge.models import KnowledgeBase, Policy, ThirdPartyComponent
from bot.core.knowledge.product_files import load_products
from bot.core.knowledge.route_cards import load_route_cards
from bot.core.knowledge.third_party import builtin_components, parse_third_party


class KnowledgeError(Exception):
    """The knowledge-base directory is missing or is not a directory."""


def load_knowledge(data_dir: Path) -> KnowledgeBase:
    """Read the whole data directory; see the module docstring for how problems are handled."""
    root = Path(data_dir)
    if not root.is_dir():
        raise KnowledgeError(f"knowledge base directory not found: {root}")
    context = LoadContext(root)
    policy = load_policy(context)
    products, readme_faq = load_products(context, policy)
    faq = load_faq_files(context, policy, products)
    faq = merge_readme_faq(context, faq, readme_faq)
    third_party = [*builtin_components(), *load_third_party(context)]
    route_cards = load_route_cards(context, policy.languages)
    return KnowledgeBase(
        policy=policy,
        products=products,
        faq=tuple(faq),
        third_party=tuple(third_party),
        problems=tuple(context.problems),
        route_cards=route_cards,
    )


def load_policy(context: LoadContext) -> Policy:
    path = context.root / "policy.yaml"
    if not path.is_file():
        context.report(path, "policy.yaml not found; the default policy is used", "warning")
        return Policy()
    document = context.read_yaml(path)
    if document is None:
        return Policy()
    reader = FieldReader(document, context.relative(path), context.problems)
    values: dict[str, Any] = {}
    for key in ("company", "wordpress_forum_url", "faq_url", "renewal_url", "ticket_prefix"):
        values[key] = reader.text(key)
    for key in ("helpdesk_email", "billing_email"):
        address = reader.text(key)
        if address is not None and "@" not in address:
            reader.report(key, f"'{key}' {address!r} is not an email address")
            address = None
        values[key] = address
    values["response_hours"] = reader.integer("response_hours", minimum=1)
    languages = tuple(language.lower() for language in reader.text_list("languages"))
    values["languages"] = languages or None
    values["default_language"] = _default_language(reader, languages or Policy().languages)
    values["privacy_urls"] = _privacy_urls(reader, languages or Policy().languages) or None
    values["time_zone"] = _time_zone(reader)
    reader.report_unknown_keys()
    return replace(Policy(), **{key: value for key, value in values.items() if value is not None})


def _default_language(reader: FieldReader, languages: tuple[str, ...]) -> str | None:
    default = reader.text("default_language")
    if default is not None and default.lower() not in languages:
        reader.report(
            "default_language",
            f"default_language {default!r} is not one of languages ({', '.join(languages)}); "
            f"{languages[0]!r} is used",
        )
        return languages[0]
    return default.lower() if default else None


def _privacy_urls(reader: FieldReader, languages: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``privacy_url``: one address for every language, or one per language (``nl: https://…``)."""
    value = reader.mapping.get("privacy_url")
    if isinstance(value, dict):
        given = reader.nested_mapping("privacy_url") or {}
    else:
        single = reader.text("privacy_url")
        given = {"": single} if single else {}
    found: list[tuple[str, str]] = []
    for language, url in given.items():
        language = language.lower()
        if language and language not in languages:
            message = f"privacy_url for {language!r}, which is not one of languages; ignored"
            reader.report("privacy_url", message, "warning")
        elif not isinstance(url, str) or not url.strip().startswith(("https://", "http://")):
            message = f"privacy_url {url!r} is not a web address (https://...); ignored"
            reader.report("privacy_url", message)
        else:
            found.append((language, url.strip()))
    return tuple(found)


def _time_zone(reader: FieldReader) -> str | None:
    name = reader.text("time_zone")
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.report("time_zone", f"time_zone {name!r} is not a time zone (e.g. Europe/Amsterdam)")
        return None
    return name


def load_third_party(context: LoadContext) -> list[ThirdPartyComponent]:
    path = context.root / "third_party.yaml"
    if not path.is_file():
        return []
    text = context.read_text(path)
    if text is None:
        return []
    try:
        document = load_yaml(text)
    except YamlProblem as problem:
        context.report(path, f"{problem.message}; file skipped", line=problem.line)
        return []
    components: list[ThirdPartyComponent]
    components, problems = parse_third_party(document.data, context.relative(path))
    context.problems.extend(problems)
    return components
