"""One decision per fresh message: FAQ entries, policy routes and the problem flow compete on
evidence, FAQ first.

0. Thanks or a goodbye with no question, problem or request in it is a closing: nothing to rank.
1. The FAQ index ranks the customer's language's FAQ entries and the policy routes' cards
   together (`FaqIndex.candidates`), and its gate, calibrated on this knowledge base, says
   whether the best candidate is right with the certainty asked for. Below an FAQ entry, a
   route's card takes its lead only when other evidence points at the route.
2. The way a request to the company is phrased ("can you build ...", "my refund", "can I call
   you": `lexicon.ROUTE_CUES`) is evidence that word-based retrieval cannot see, and it decides
   for its route: the rest of the message says why ("I want my money back, the calendar sync
   does not work"), and an article on that reason does not answer the request; an article asked
   in the cue's own words is the exception (a few cues are topic words, "renewal", "verlengen":
   `whose.asks_alike`). Most cues read a request's phrasing, not a word (a how-to question that
   mentions a phone has no channels cue). In a bug report about our product (product and
   version, or an error) only the customisation cue counts: a checkout problem that mentions a
   coupon is a bug.
3. A candidate that is certain enough answers: leniently for a question, strictly for a bug
   report (our product with its version or an error: the gate was calibrated on how-to
   phrasings, and a troubleshooting article of a neighbouring symptom would stand in for the
   details a ticket needs) and when the customer names an older version of ours (updating
   first is the policy's answer).
4. Otherwise: a third-party product named in a problem or a statement (whatever words its symptom
   takes), an error of WordPress itself, a problem report (the problem flow: version check,
   details, ticket), a WordPress question, suggestions, nothing.

Evidence outside the wording can overrule a certain FAQ answer, each for a reason of the policy:
- a problem with another vendor's plugin or theme, named in the message, is a third-party
  problem unless the FAQ entry itself is about that product;
- a bug report on an older version, when the newer versions' changelog fixes what the customer
  describes, is answered with "update first" (that is the fix);
- a bug report that names our product *and* its version or an error goes to the problem flow
  rather than to a policy route card whose wording happens to match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.dialogue.changelog_quote import matching_fixes
from bot.core.dialogue.context import TurnContext
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.other_language import other_ranking, other_suggestion, stand_in
from bot.core.dialogue.policy import VENDOR_REFERENCE, disowns_ours, is_wordpress_general
from bot.core.dialogue.understanding import Signals
from bot.core.dialogue.whose import (
    asks_alike,
    began_with_ours,
    culprit_is_theirs,
    mentions,
    statement_on_ours,
    statement_on_theirs,
    third_party_involved,
)
from bot.core.knowledge.models import FaqEntry, PolicyRoute
from bot.core.knowledge.versions import is_older
from bot.core.matching import FaqMatch
from bot.core.retrieval.decision import Certainty, decide, lead_of

# Routes that are requests to the company (work, money, contact), phrased as such; when several
# cues fire, the most specific request wins.
CUE_ORDER: tuple[PolicyRoute, ...] = ("customization", "billing", "channels")

CLOSING_CONTENT = 12  # content words a closing may carry ("gelukt met 1025, ziet er top uit")
VerdictKind = Literal["faq", "route", "problem", "core_error", "closing", "suggest", "none"]


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    entry: FaqEntry | None = None  # the FAQ entry to answer with
    score: float = 0.0
    route: PolicyRoute | None = None  # the policy route (kind "route", or an entry's own)
    suggestions: tuple[FaqEntry, ...] = ()


def decide_message(ctx: TurnContext) -> Verdict:
    """What a message that is not an answer to our own question is about."""
    sig = ctx.signals
    bug_report = _names_a_bug_of_ours(ctx)
    if _is_closing(sig) and not bug_report:
        return Verdict("closing")  # thanks or a goodbye: nothing in it asks for an article
    language = ctx.state.language
    index = ctx.services.faq
    product = ctx.state.slots.product
    ranked = index.candidates(sig.text, language, product=product)
    gate = index.gate(language)
    certainty: Certainty = "strict" if _outdated(ctx) or bug_report else "lenient"
    fused = False
    # Words that answer a question strictly do not wait for the model. Below that, and for a
    # bug report whatever the words say, meaning is a second opinion: the fused ranking and its
    # gate decide, unless meaning confirms what the words would answer anyway (a second opinion
    # may overrule an answer, never weaken it).
    words_lead = lead_of(ranked)
    words_answer = decide(words_lead, gate, certainty) == "answer"
    if certainty == "strict" or decide(words_lead, gate, "strict") != "answer":
        by_meaning = index.fused_candidates(sig.text, language, product=product)
        if by_meaning is not None and not (words_answer and _confirms(by_meaning, ranked)):
            ranked, gate, fused = by_meaning, index.gate(language, fused=True), True
    lead = lead_of(_with_supported_rivals(ctx, ranked))
    confident = decide(lead, gate, certainty) == "answer"
    top = ranked[0] if ranked else None
    strictly = confident and decide(lead, gate, "strict") == "answer"
    cued = _cued_route(ctx, ranked, strictly, bug_report)
    if cued is not None:
        return cued
    # A problem report gets an article of another language only with strict certainty: its
    # English error words match English articles whatever the customer asks.
    stand_in_certainty: Certainty = "strict" if bug_report or sig.has(Intent.PROBLEM) else certainty
    other = other_ranking(ctx, fused)
    found = stand_in(ctx, ranked, other, stand_in_certainty, fused)
    if found is not None:
        against = _evidence_against(ctx, found.entry)
        if against is None:
            return Verdict("faq", found.entry, found.score, found.entry.route)
        if isinstance(against, Verdict):
            return against
    if confident and top is not None:
        verdict = _confident(ctx, top, ranked, strictly)
        if verdict is not None:
            return verdict
    verdict = _without_a_confident_answer(ctx, ranked, gate.suggest, bug_report)
    extra = other_suggestion(ctx, other, fused) if verdict.kind == "suggest" else None
    if extra is not None and extra not in verdict.suggestions:
        return Verdict("suggest", suggestions=(*verdict.suggestions[:2], extra))
    return verdict


def _with_supported_rivals(ctx: TurnContext, ranked: tuple[FaqMatch, ...]) -> tuple[FaqMatch, ...]:
    """The ranking as the gate weighs an FAQ entry's lead: a policy route's card below it is a
    rival only when something besides its wording points at the route (a request's phrasing, a
    named third-party product, WordPress itself). A card's short, general examples match many
    how-to questions a little; the route needs other evidence to win anyway (`_cued_route`)."""
    if not ranked or ranked[0].entry.kind != "faq":
        return ranked
    supported = _supported_routes(ctx)
    return (ranked[0],) + tuple(
        m for m in ranked[1:] if m.entry.kind == "faq" or m.entry.route in supported
    )


def _supported_routes(ctx: TurnContext) -> set[PolicyRoute]:
    sig = ctx.signals
    routes: set[PolicyRoute] = {route for route in CUE_ORDER if route in sig.route_cues}
    if sig.third_party:
        routes.add("third_party")
    if is_wordpress_general(sig, ctx.state.slots.product):
        routes.add("wordpress_general")
    return routes


def _is_closing(sig: Signals) -> bool:
    """Thanks or a goodbye without a question, a problem, a request or a body of its own ("Hi,
    ... our consultant wants to know whether ... Cheers, Ben" signs off, it does not close): what
    follows the thanks ("that sorted it") is not for the FAQ to answer. (A bug report, our
    product with its version, is never a closing, whatever "thank you page" it names.)"""
    closing = sig.has(Intent.THANKS) or sig.has(Intent.GOODBYE)
    body = sig.content_words > CLOSING_CONTENT
    asks = sig.has(Intent.PROBLEM, Intent.PERSON) or bool(sig.route_cues) or body
    return closing and not asks and "?" not in sig.folded


def _confirms(fused: tuple[FaqMatch, ...], words: tuple[FaqMatch, ...]) -> bool:
    """Every ranker puts the words' first candidate first."""
    return bool(fused and words) and fused[0].agreement == 1 and fused[0].entry == words[0].entry


def _cued_route(
    ctx: TurnContext, ranked: tuple[FaqMatch, ...], strictly: bool, bug_report: bool
) -> Verdict | None:
    """The route a request's phrasing points at (its own FAQ entry when one is plausible),
    unless a strictly certain FAQ entry is itself asked with that phrasing: a membership
    plugin's "how do I send renewal reminders?" is about renewals, so a customer's "renewal
    reminders go out twice" is its topic, not a request to us.

    Until stop 35 any strictly certain FAQ entry overruled the request. The rest of a request
    says why ("I want my money back, the calendar sync does not work"), and the article on the
    reason does not answer it: on our own knowledge base every refund request that gave its
    reason got the reason's article; on the foreign evaluation sets that override fired in 3
    of 1,513 conversations, twice wrongly."""
    cues = [route for route in CUE_ORDER if route in ctx.signals.route_cues]
    if bug_report:
        cues = [route for route in cues if route == "customization"]
    if not cues:
        return None
    top = ranked[0].entry if ranked else None
    if top is not None and top.kind == "faq" and strictly and top.route not in cues:
        if asks_alike(top, cues[0]):
            return None  # the article is asked in the request's own words: it is the topic
    return _policy_answer(ctx, cues[0], ranked)


def _policy_answer(ctx: TurnContext, route: PolicyRoute, ranked: tuple[FaqMatch, ...]) -> Verdict:
    """The route's answer: the knowledge base's own entry for it when one is plausible."""
    suggest_from = ctx.services.faq.gate(ctx.state.language).suggest
    own = next((m for m in ranked if m.entry.kind == "faq" and m.entry.route == route), None)
    if own is not None and own.score >= suggest_from:
        return Verdict("faq", own.entry, own.score, route)
    return Verdict("route", route=route)


def _confident(
    ctx: TurnContext, top: FaqMatch, ranked: tuple[FaqMatch, ...], strictly: bool
) -> Verdict | None:
    """The confident candidate, unless other evidence overrules it (None)."""
    sig = ctx.signals
    entry = top.entry
    if entry.kind == "faq":
        against = _evidence_against(ctx, entry, strictly)
        if against is None:
            return Verdict("faq", entry, top.score, entry.route)
        return against if isinstance(against, Verdict) else None
    route = entry.route
    assert route is not None
    if _names_a_bug_of_ours(ctx) and not (route == "third_party" and sig.third_party):
        return None  # our product, its version or an error: the problem flow decides
    if route == "third_party" and not sig.third_party and VENDOR_REFERENCE.search(sig.folded):
        return None  # "one of your plugins" is ours, not another party's
    if route == "customization" and sig.has(Intent.PROBLEM) and route not in sig.route_cues:
        return None  # a malfunction described is not a request for work
    if route == "wordpress_general" and third_party_involved(ctx):
        return None  # WordPress's wording ("a 404 on the sitemap"), another vendor's problem
    if route == "wordpress_general" and sig.products and sig.has(Intent.PROBLEM):
        return None  # our theme broke since WordPress updated: a problem with ours
    return _policy_answer(ctx, route, ranked)


def _evidence_against(
    ctx: TurnContext, entry: FaqEntry, strictly: bool = False
) -> Verdict | Literal["problem"] | None:
    """What overrules a certain FAQ answer (None: nothing): another vendor's product in a
    problem (the third-party route), an update that fixes it (the problem flow's "update
    first"), or a bug report that a how-to does not answer ("problem": the flow decides).

    When the trouble began with *our* product ("since activating Slotgracht, saving a page in
    Elementor gives a 403"), the other vendor's product is where it shows, not its cause: a
    strictly certain FAQ answer about ours then stands. A pasted error trace whose culprit is
    another vendor's, or trouble that began with theirs ("since I turned on WP Rocket"), keeps
    the third-party route."""
    third_party = third_party_involved(ctx)
    if third_party and (culprit_is_theirs(ctx) or not (strictly and began_with_ours(ctx))):
        if not mentions(entry, ctx.signals.third_party):
            return Verdict("route", route="third_party")
    if _update_fixes_it(ctx):
        return Verdict("problem")
    if _names_a_bug_of_ours(ctx) and not ctx.services.understanding.troubleshoots(entry):
        return "problem"
    return None


def _without_a_confident_answer(
    ctx: TurnContext, ranked: tuple[FaqMatch, ...], suggest_from: float, bug_report: bool
) -> Verdict:
    sig = ctx.signals
    if third_party_involved(ctx) or statement_on_theirs(sig):
        return Verdict("route", route="third_party")
    if sig.error is not None and sig.error.core_only:
        return Verdict("core_error")
    if (sig.has(Intent.PROBLEM) or bug_report) and not disowns_ours(sig):
        return Verdict("problem")  # not when "this isn't about your plugins": no flow of ours
    if statement_on_ours(sig):
        return Verdict("problem")  # what our product does, reported: which version, details
    if is_wordpress_general(sig, ctx.state.slots.product):
        return Verdict("route", route="wordpress_general")
    plausible = tuple(m.entry for m in ranked if m.entry.kind == "faq" and m.score >= suggest_from)
    if plausible:
        return Verdict("suggest", suggestions=plausible[:3])
    return Verdict("none")


def _outdated(ctx: TurnContext) -> bool:
    """An older version of ours named: updating comes first (an FAQ answer needs strictness)."""
    product, version = ctx.product, ctx.state.slots.version
    if product is None or version is None or product.latest_version is None:
        return False
    return bool(ctx.signals.products) and is_older(version, product.latest_version)


def _update_fixes_it(ctx: TurnContext) -> bool:
    """An older version of ours, and a later release's changelog fixes what they describe."""
    product, version = ctx.product, ctx.state.slots.version
    if not _outdated(ctx) or product is None or version is None:
        return False
    return bool(matching_fixes(product, version, ctx.signals.text))


def _names_a_bug_of_ours(ctx: TurnContext) -> bool:
    """A bug report: our product with its version (who names one in a how-to?) or an error."""
    sig = ctx.signals
    if not sig.products:
        return False
    return sig.versions.product_version is not None or sig.error is not None
