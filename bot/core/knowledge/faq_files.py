"""``faq/<lang>/<id>.md``: one FAQ entry per file, YAML front matter plus a Markdown answer.

The id is the file name without ``.md``; ids are unique per language, compared without regard
to case (``Refund.md`` and ``refund.md`` clash on macOS and Windows checkouts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.core.knowledge.fields import FieldReader
from bot.core.knowledge.frontmatter import FrontMatter, YamlProblem, split_front_matter
from bot.core.knowledge.load_context import LoadContext
from bot.core.knowledge.models import (
    POLICY_ROUTES,
    FaqEntry,
    Policy,
    PolicyRoute,
    Problem,
    Product,
)


def load_faq_files(
    context: LoadContext, policy: Policy, products: Mapping[str, Product]
) -> list[FaqEntry]:
    folder = context.root / "faq"
    if not folder.is_dir():
        context.report(folder, "no faq/ folder, so there are no FAQ entries", "warning")
        return []
    entries: list[FaqEntry] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if not path.is_dir():
            context.report(path, "FAQ files belong in faq/<language>/; ignored", "warning")
        elif path.name not in policy.languages:
            context.report(
                path,
                f"unknown language folder {path.name!r} (policy.yaml languages: "
                f"{', '.join(policy.languages)}); skipped",
            )
        else:
            entries.extend(_load_language(context, path, products))
    return entries


def _load_language(
    context: LoadContext, folder: Path, products: Mapping[str, Product]
) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix.lower() != ".md":
            context.report(path, "not an FAQ file (faq/<language>/<id>.md); ignored", "warning")
            continue
        entry = _load_entry(context, path, folder.name, products)
        if entry is None:
            continue
        clash = seen.get(entry.id.casefold())
        if clash is not None:
            context.report(path, f"duplicate id {entry.id!r} (also {clash}); skipped", line=1)
            continue
        seen[entry.id.casefold()] = entry.source
        entries.append(entry)
    return entries


def _read_front_matter(context: LoadContext, path: Path) -> FrontMatter | None:
    """The file's front matter (a mapping) and body, or None when it cannot be used."""
    text = context.read_text(path)
    if text is None:
        return None
    try:
        front = split_front_matter(text)
    except YamlProblem as problem:
        context.report(path, f"{problem.message}; entry skipped", line=problem.line)
        return None
    if not isinstance(front.meta.data, dict):
        what = "empty" if front.meta.data is None else "not 'key: value' lines"
        context.report(path, f"front matter is {what}; entry skipped", line=2)
        return None
    return front


def _load_entry(
    context: LoadContext, path: Path, language: str, products: Mapping[str, Product]
) -> FaqEntry | None:
    front = _read_front_matter(context, path)
    if front is None:
        return None
    reader = FieldReader(front.meta, context.relative(path), context.problems)
    question = reader.text("question", required=True)
    product = reader.text("product")
    alternatives, tags = reader.text_list("alternatives"), reader.text_list("tags")
    route = _route(reader, tags)
    if "id" in reader.mapping:
        reader.report("id", f"'id' is ignored; the id is the file name ({path.stem!r})", "warning")
        reader.text("id")
    reader.report_unknown_keys()
    if product is not None and product not in products:
        known = ", ".join(sorted(products)) or "none defined"
        reader.report("product", f"unknown product {product!r} (products: {known}); entry skipped")
        return None
    if not front.body:
        message = "the answer (text after the front matter) is empty; entry skipped"
        context.report(path, message, line=front.body_line)
        return None
    if question is None:
        return None
    return FaqEntry(
        id=path.stem,
        language=language,
        question=question,
        answer=front.body,
        alternatives=alternatives,
        product=product,
        tags=tags,
        source=context.relative(path),
        route=route,
    )


def _route(reader: FieldReader, tags: tuple[str, ...]) -> PolicyRoute | None:
    """The policy route the author gave the entry: ``route:``, or a tag that names one.

    The tag form serves knowledge bases written before ``route:`` existed (``tags: [billing]``).
    A route is never guessed from the entry's words.
    """
    routes: dict[str, PolicyRoute] = {route: route for route in POLICY_ROUTES}
    declared = reader.text("route")
    if declared is not None:
        if declared.strip().lower() in routes:
            return routes[declared.strip().lower()]
        reader.report(
            "route", f"unknown route {declared!r} (one of: {', '.join(routes)}); ignored", "warning"
        )
    for tag in tags:
        if tag.strip().lower() in routes:
            return routes[tag.strip().lower()]
    return None


def merge_readme_faq(
    context: LoadContext, entries: list[FaqEntry], readme_entries: Iterable[FaqEntry]
) -> list[FaqEntry]:
    """Add readme FAQ items whose id is still free; an FAQ file with the same id wins."""
    taken = {(entry.language, entry.id.casefold()): entry.source for entry in entries}
    merged = list(entries)
    for entry in readme_entries:
        clash = taken.get((entry.language, entry.id.casefold()))
        if clash is not None:
            message = f"FAQ item id {entry.id!r} is taken by {clash}; skipped"
            context.problems.append(Problem(entry.source, None, message, "warning"))
            continue
        taken[(entry.language, entry.id.casefold())] = entry.source
        merged.append(entry)
    return merged
