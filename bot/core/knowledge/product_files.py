"""``products/<slug>/``: ``product.yaml`` and the optional ``readme.txt``, merged into a `Product`.

The readme fills in what product.yaml leaves out (Stable tag → latest_version, Requires at
least, Requires PHP, Tested up to, the changelog); values in product.yaml win. The readme's FAQ
items become FAQ entries ``<slug>-readme-<n>`` in the product's ``readme_language``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.core.knowledge.fields import FieldReader
from bot.core.knowledge.load_context import LoadContext
from bot.core.knowledge.models import FaqEntry, Policy, Product, Readme
from bot.core.knowledge.readme import parse_readme
from bot.core.knowledge.shop_refs import read_shop_refs, report_shared_shop_refs
from bot.core.knowledge.versions import compare_versions

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_KINDS = ("plugin", "theme", "service")
# product.yaml field -> (Readme attribute, how the readme calls it)
_FROM_README = {
    "latest_version": ("stable_tag", "Stable tag"),
    "requires_wp": ("requires_wp", "Requires at least"),
    "requires_php": ("requires_php", "Requires PHP"),
    "tested_up_to": ("tested_up_to", "Tested up to"),
}
_UNVERSIONED_TAGS = ("trunk", "master", "main")
# A product named for the plugin it extends: "Boekvak Bookings for WooCommerce".
_FOR_PLATFORM = re.compile(r"\b(?:for|voor)\s+([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,2})\s*$")


@dataclass(frozen=True)
class _Declared:
    """What product.yaml says (None = not given)."""

    values: dict[str, Any]
    exists: bool
    lines: Mapping[str, int] = field(default_factory=dict)


def load_products(
    context: LoadContext, policy: Policy
) -> tuple[dict[str, Product], list[FaqEntry]]:
    """All products by slug, plus the FAQ entries their readmes contribute."""
    folder = context.root / "products"
    products: dict[str, Product] = {}
    readme_faq: list[FaqEntry] = []
    if not folder.is_dir():
        context.report(folder, "no products/ folder, so no products are defined", "warning")
        return products, readme_faq
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if not path.is_dir():
            context.report(path, "not a product folder (products/<slug>/); ignored", "warning")
            continue
        loaded = _load_product(context, policy, path)
        if loaded is not None:
            products[loaded[0].slug] = loaded[0]
            readme_faq.extend(loaded[1])
    report_shared_shop_refs(context, products.values())
    return products, readme_faq


def _load_product(
    context: LoadContext, policy: Policy, folder: Path
) -> tuple[Product, list[FaqEntry]] | None:
    yaml_path, readme_path = folder / "product.yaml", folder / "readme.txt"
    if not yaml_path.is_file() and not readme_path.is_file():
        context.report(folder, "neither product.yaml nor readme.txt; folder ignored", "warning")
        return None
    if not _SLUG.fullmatch(folder.name):
        context.report(
            folder,
            f"folder name {folder.name!r} is not a slug (a-z, 0-9, '-'); FAQ files must "
            "use it exactly",
            "warning",
        )
    declared = _read_declared(context, yaml_path, policy)
    readme = _read_readme(context, readme_path)
    product = _merge(context, folder, declared, readme)
    faq = _readme_faq(context, product, readme, readme_path) if readme else []
    return product, faq


def _read_declared(context: LoadContext, path: Path, policy: Policy) -> _Declared:
    if not path.is_file():
        return _Declared({}, exists=False)
    document = context.read_yaml(path)
    if document is None:
        return _Declared({}, exists=True)
    reader = FieldReader(document, context.relative(path), context.problems)
    values: dict[str, Any] = {
        "name": reader.text("name", required=True),
        "kind": reader.choice("kind", _KINDS),
        "aliases": reader.text_list("aliases") or None,
        "docs_url": reader.text("docs_url"),
        "readme_language": reader.text("readme_language"),
        "example": reader.boolean("example"),
        "shop_refs": read_shop_refs(reader),
        "platforms": reader.text_list("platforms") or None,
    }
    for key in _FROM_README:
        values[key] = reader.version(key)
    language = values["readme_language"]
    if isinstance(language, str) and language not in policy.languages:
        reader.report(
            "readme_language",
            f"readme_language {language!r} is not one of the policy languages "
            f"({', '.join(policy.languages)})",
            "warning",
        )
    reader.report_unknown_keys()
    given = {key: value for key, value in values.items() if value is not None}
    return _Declared(given, exists=True, lines=document.key_lines)


def _read_readme(context: LoadContext, path: Path) -> Readme | None:
    if not path.is_file():
        return None
    text = context.read_text(path, truncate=True)
    if text is None:
        return None
    readme = parse_readme(text)
    for warning in readme.warnings:
        context.report(path, warning, "warning")
    return readme


def _merge(
    context: LoadContext, folder: Path, declared: _Declared, readme: Readme | None
) -> Product:
    slug, values = folder.name, dict(declared.values)
    if "name" not in values:
        values["name"] = _fallback_name(context, folder, declared, readme)
    if readme is not None:
        for key, (attribute, label) in _FROM_README.items():
            from_readme = _readme_value(context, folder, readme, attribute, label)
            given = values.get(key)
            if from_readme is None:
                continue
            if isinstance(given, str) and compare_versions(given, from_readme) != 0:
                context.report(
                    folder / "product.yaml",
                    f"{key} {given} differs from readme.txt {label} {from_readme}; "
                    "product.yaml wins",
                    "warning",
                    declared.lines.get(key),
                )
            values.setdefault(key, from_readme)
        values["changelog"] = readme.changelog
        values.setdefault("platforms", readme.requires_plugins or None)
    if "latest_version" not in values:
        context.report(
            folder,
            "latest version unknown: set latest_version in product.yaml or Stable tag in "
            "readme.txt (needed to ask customers to update)",
            "warning",
        )
    name = str(values.pop("name"))
    named_for = _FOR_PLATFORM.search(name)  # "InvoiceNest for WooCommerce"
    platforms = [*(values.pop("platforms", None) or ()), *(named_for.groups() if named_for else ())]
    values["platforms"] = tuple(dict.fromkeys(str(p).strip().lower() for p in platforms))
    return replace(Product(slug=slug, name=name), **values)


def _readme_value(
    context: LoadContext, folder: Path, readme: Readme, attribute: str, label: str
) -> str | None:
    value = getattr(readme, attribute)
    if attribute == "stable_tag" and isinstance(value, str) and value.lower() in _UNVERSIONED_TAGS:
        context.report(
            folder / "readme.txt",
            f"Stable tag is '{value}', not a version; it is not used as the latest version",
            "warning",
        )
        return None
    return value if isinstance(value, str) else None


def _fallback_name(
    context: LoadContext, folder: Path, declared: _Declared, readme: Readme | None
) -> str:
    if readme is not None and readme.name:
        if not declared.exists:
            context.report(
                folder,
                f"no product.yaml; the name {readme.name!r} comes from readme.txt",
                "warning",
            )
        return readme.name
    name = folder.name.replace("-", " ").replace("_", " ").title()
    context.report(
        folder, f"no product name found; {name!r} is made from the folder name", "warning"
    )
    return name


def _readme_faq(
    context: LoadContext, product: Product, readme: Readme, path: Path
) -> list[FaqEntry]:
    entries: list[FaqEntry] = []
    for number, item in enumerate(readme.faq, start=1):
        if not item.answer.strip():
            context.report(
                path, f"FAQ question {item.question!r} has no answer; skipped", "warning"
            )
            continue
        entries.append(
            FaqEntry(
                id=f"{product.slug}-readme-{number}",
                language=product.readme_language,
                question=item.question,
                answer=item.answer,
                product=product.slug,
                source=context.relative(path),
            )
        )
    return entries
