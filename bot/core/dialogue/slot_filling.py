"""Fill the conversation's slots from one message; a later message may correct an earlier one."""

from __future__ import annotations

from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.understanding import Signals
from bot.core.knowledge.models import Product
from bot.core.knowledge.versions import is_older, looks_like_version

MAX_ERROR_CHARS = 4000
SHORT = 6  # words in a message that does little more than give a version


def fill_slots(ctx: TurnContext) -> None:
    sig = ctx.signals
    changes: dict[str, object] = {}
    product = sig.product
    if product is None and ctx.state.step == "awaiting_product":  # "the wishlist one"
        product = ctx.services.understanding.products.described(sig.text)
    if _stays_on(ctx, sig):
        product = ctx.state.slots.product
    if product and product != ctx.state.slots.product:
        changes["product"] = product
        if ctx.state.slots.product is not None:
            changes["version"] = None  # the version belonged to the other product
    version = _product_version(ctx, sig) if sig.version_of in (None, product) else None
    if version:
        changes["version"] = version
    if sig.versions.wordpress:
        changes["wp_version"] = sig.versions.wordpress
    if sig.versions.php:
        changes["php_version"] = sig.versions.php
    # Asked for, any address is the answer; otherwise only one given as the customer's own (an
    # address in a description of the problem is a sender, a recipient or a search term).
    asked = ctx.state.step == "awaiting_email"
    if sig.email and (asked or (ctx.state.slots.email is None and sig.email_offered)):
        changes["email"] = sig.email
    if sig.third_party:
        known = list(ctx.state.slots.third_party)
        changes["third_party"] = tuple(dict.fromkeys([*known, *sig.third_party]))[:50]
    if changes:
        ctx.slots(**changes)
    if sig.error is not None and (sig.error.quoted or not ctx.state.slots.error_text):
        # a pasted error replaces a mere mention ("I get an error"), never the other way round
        ctx.slots("error", error_text=sig.text[:MAX_ERROR_CHARS])
    from_report = _from_site_health(ctx, sig)
    if from_report:  # the report wins over what the words said (partial pastes are read too)
        ctx.slots("site_health", **from_report)


def _stays_on(ctx: TurnContext, sig: Signals) -> bool:
    """Another product of ours named in the details we asked for ("theme Wierde 2.3.1, only
    Vindpunt active"), or beside the conversation's without a version of its own, is part of the
    setup described; a correction ("sorry, I meant Vindpunt") or, outside the details, the other
    product's version ("AppointPress is fine, but MailMagnet 2.8.1 ...") moves the conversation."""
    current = ctx.state.slots.product
    if current is None or not sig.products or sig.correction:
        return False
    if ctx.state.step == "awaiting_details":
        return True
    return current in sig.products and sig.version_of in (None, current)


def _product_version(ctx: TurnContext, sig: Signals) -> str | None:
    mentions = sig.versions
    if mentions.product_version:
        return mentions.product_version
    others = {mentions.wordpress, mentions.php}
    bare = [v for v in mentions.bare if v not in others]
    if not bare:
        if ctx.state.step == "awaiting_version":
            stripped = sig.text.strip().lstrip("vV")
            return stripped if looks_like_version(stripped) else None
        return None
    if ctx.state.step == "awaiting_version":
        return bare[0]
    if ctx.state.step == "awaiting_update":  # asked to update: the version they went to
        return bare[-1]
    if sig.correction and ctx.state.slots.version is not None:
        return bare[-1]
    never_released = replaces_no_release(ctx.product, ctx.state.slots.version, bare[0])
    if len(bare) == 1 and sig.word_count <= SHORT and never_released:
        return bare[0]  # "my bad, it's 5.1.0" after a "5.10" that was never released
    known_product = sig.products or ctx.state.slots.product
    if known_product and len(bare) == 1 and ctx.state.slots.version is None:
        return bare[0]
    return None


def _from_site_health(ctx: TurnContext, sig: Signals) -> dict[str, object]:
    report = sig.site_health
    if report is None:
        return {}
    changes: dict[str, object] = {"site_health": True}
    if report.wp_version:
        changes["wp_version"] = report.wp_version
    if report.php_version:
        changes["php_version"] = report.php_version
    if report.active_theme is not None:
        changes["theme"] = report.active_theme.name
    understanding = ctx.services.understanding
    ours = sig.product or ctx.state.slots.product
    for plugin in report.active_plugins:
        if ours and plugin.version and understanding.products.find(plugin.name) == ours:
            changes["version"] = plugin.version
    theme = report.active_theme
    if ours and theme and theme.version and understanding.own_theme(report) == ours:
        if report.parent_theme is None or understanding.products.find(theme.name) == ours:
            changes["version"] = theme.version
    third_party = understanding.installed_third_party(report)
    if third_party:
        changes["third_party"] = tuple(third_party[:50])
    return changes


def replaces_no_release(product: Product | None, before: str | None, version: str | None) -> bool:
    """`version` is a release of the product (not above its latest) and the version the
    customer gave `before` is above the latest: one that was never released, a typo ("5.10"
    for 5.1.0). A later version within reach is then the correction, with or without "sorry"."""
    latest = product.latest_version if product is not None else None
    if latest is None or before is None or version is None or version == before:
        return False
    return is_older(latest, before) and not is_older(latest, version)
