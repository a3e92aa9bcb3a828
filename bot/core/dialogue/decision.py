"""One decision per fresh message: FAQ entries, policy routes and the problem flow compete on
evidence, FAQ first.

The FAQ index ranks the customer's language's FAQ entries and the policy routes' cards together
(`FaqIndex.candidates`), with the gate calibrated on this knowledge base. The way a request is
phrased ("can you build ...", "my refund": `lexicon.ROUTE_CUES`) adds `CUE_EVIDENCE` to its
route's card, as naming a product adds to that product's entries. A confident candidate is the
answer; the problem flow, a named third-party product and the WordPress-general fallback only
decide when no candidate is confident. A bug report that names our product and its version (or
an error) has a strong alternative, the version check and the ticket flow, so an FAQ entry must
be `strict`ly certain to answer it. A few pieces of evidence outside the wording can overrule a
confident candidate, each for a reason of the support policy:

- a problem with another vendor's plugin or theme, named in the message, is a third-party
  problem unless the FAQ entry itself is about that product;
- a bug report on an older version, when the newer versions' changelog fixes what the customer
  describes, is answered with "update first" (that is the fix);
- a bug report that names our product *and* its version or an error goes to the problem flow
  rather than to a policy route whose wording happens to match (a checkout problem is not a
  question about our invoices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.dialogue.changelog_quote import matching_fixes
from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.policy import is_wordpress_general
from bot.core.knowledge.models import FaqEntry, PolicyRoute
from bot.core.knowledge.versions import is_older
from bot.core.matching import FaqMatch
from bot.core.retrieval.decision import Certainty, decide, lead_scores
from bot.core.retrieval.index import PRODUCT_BOOST
from bot.core.text import fold

# What a phrasing cue adds to its route's card: as much as naming a product adds to its entries.
CUE_EVIDENCE = PRODUCT_BOOST

VerdictKind = Literal["faq", "route", "problem", "core_error", "suggest", "none"]


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    entry: FaqEntry | None = None  # the FAQ entry to answer with
    score: float = 0.0
    route: PolicyRoute | None = None  # the policy route (kind "route", or an entry's own)
    suggestions: tuple[FaqEntry, ...] = ()
    other_language: bool = False  # the entry stands in from another language


def decide_message(ctx: TurnContext) -> Verdict:
    """What a message that is not an answer to our own question is about."""
    sig = ctx.signals
    language = ctx.state.language
    index = ctx.services.faq
    ranked = with_cue_evidence(
        index.candidates(sig.text, language, product=ctx.state.slots.product), sig.route_cues
    )
    gate = index.gate(language)
    bug_report = _names_a_bug_of_ours(ctx)
    certainty: Certainty = "strict" if bug_report else "lenient"
    confident = decide(lead_scores(ranked), gate, certainty) == "answer"
    top = ranked[0] if ranked else None
    if confident and top is not None:
        if top.entry.kind == "route":
            stand_in = _other_language_answer(ctx, ranked)
            if stand_in is not None and stand_in.score > top.score:
                return stand_in
        verdict = _confident(ctx, top, ranked)
        if verdict is not None:
            return verdict
    else:
        stand_in = _other_language_answer(ctx, ranked)
        if stand_in is not None:
            return stand_in
    return _without_a_confident_answer(ctx, ranked, gate.suggest, bug_report)


def with_cue_evidence(
    ranked: tuple[FaqMatch, ...], cues: frozenset[str]
) -> tuple[FaqMatch, ...]:
    """Raise the cards of the routes the phrasing points at, and re-rank."""
    if not cues:
        return ranked
    raised = [
        FaqMatch(m.entry, min(1.0, m.score + CUE_EVIDENCE))
        if m.entry.kind == "route" and m.entry.route in cues
        else m
        for m in ranked
    ]
    return tuple(sorted(raised, key=lambda m: -m.score))


def _confident(ctx: TurnContext, top: FaqMatch, ranked: tuple[FaqMatch, ...]) -> Verdict | None:
    """The confident candidate, unless other evidence overrules it (None)."""
    sig = ctx.signals
    entry = top.entry
    problem = sig.has(Intent.PROBLEM)
    if entry.kind == "faq":
        if _third_party_involved(ctx) and not _mentions(entry, sig.third_party):
            return Verdict("route", route="third_party")
        if problem and _update_fixes_it(ctx):
            return Verdict("problem")
        return Verdict("faq", entry, top.score, entry.route)
    route = entry.route
    assert route is not None
    if route != "third_party" and _names_a_bug_of_ours(ctx):
        return None
    own = next((m for m in ranked if m.entry.kind == "faq" and m.entry.route == route), None)
    if own is not None and own.score >= ctx.services.faq.gate(ctx.state.language).suggest:
        return Verdict("faq", own.entry, own.score, route)  # the knowledge base's own words
    return Verdict("route", route=route)


def _without_a_confident_answer(
    ctx: TurnContext, ranked: tuple[FaqMatch, ...], suggest_from: float, bug_report: bool
) -> Verdict:
    sig = ctx.signals
    if _third_party_involved(ctx):
        return Verdict("route", route="third_party")
    if sig.error is not None and sig.error.core_only:
        return Verdict("core_error")
    if sig.has(Intent.PROBLEM) or bug_report:
        return Verdict("problem")
    if is_wordpress_general(sig, ctx.state.slots.product):
        return Verdict("route", route="wordpress_general")
    plausible = tuple(
        m.entry for m in ranked if m.entry.kind == "faq" and m.score >= suggest_from
    )
    if plausible:
        return Verdict("suggest", suggestions=plausible[:3])
    return Verdict("none")


def _other_language_answer(ctx: TurnContext, own: tuple[FaqMatch, ...]) -> Verdict | None:
    """An entry of another language that answers with strict certainty (words shared across
    languages are few, so a match there is rarer and noisier); its twin in the customer's
    language (same id) when there is one, so the customer reads their own language. Only when
    nothing in the customer's language is plausible: their own language comes first."""
    index = ctx.services.faq
    language = ctx.state.language
    suggest_from = index.gate(language).suggest
    if any(m.entry.kind == "faq" and m.score >= suggest_from for m in own):
        return None
    other, ranked = index.other_languages(
        ctx.signals.text, language, product=ctx.state.slots.product
    )
    if not ranked or decide(lead_scores(ranked), index.gate(other), "strict") != "answer":
        return None
    entry = ranked[0].entry
    twin = ctx.kb.faq_entry(language, entry.id)
    if twin is not None:
        return Verdict("faq", twin, ranked[0].score, twin.route)
    return Verdict("faq", entry, ranked[0].score, entry.route, other_language=True)


def _third_party_involved(ctx: TurnContext) -> bool:
    """Another vendor's product named with a problem, or alongside ours."""
    sig = ctx.signals
    return bool(sig.third_party) and (
        sig.has(Intent.PROBLEM) or bool(sig.products) or sig.error is not None
    )


def _mentions(entry: FaqEntry, names: tuple[str, ...]) -> bool:
    text = fold(" ".join((*entry.phrasings, entry.answer, *entry.tags)))
    return any(fold(name) in text for name in names)


def _update_fixes_it(ctx: TurnContext) -> bool:
    """An older version of ours, and a later release's changelog fixes what they describe."""
    product, version = ctx.product, ctx.state.slots.version
    if product is None or version is None or product.latest_version is None:
        return False
    if not is_older(version, product.latest_version):
        return False
    return bool(matching_fixes(product, version, ctx.signals.text))


def _names_a_bug_of_ours(ctx: TurnContext) -> bool:
    """A bug report: our product named with its version (who names a version in a how-to?),
    or with a pasted error."""
    sig = ctx.signals
    if not sig.products:
        return False
    return sig.versions.product_version is not None or sig.error is not None
