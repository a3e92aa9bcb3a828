"""The customer's language first: when an article of another language answers or is suggested.

A real vendor's Dutch and English articles have different file names, and some topics exist in
one language only. An article of the other language stands in when it is clearly the one
(`stand_in`: its translation in the customer's language goes first, when there is one), and is
offered among suggestions when the customer's language has nothing like it (`other_suggestion`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.dialogue.context import TurnContext
from bot.core.knowledge.models import FaqEntry
from bot.core.matching import FaqMatch
from bot.core.retrieval.decision import Certainty, decide, lead_of


@dataclass(frozen=True)
class StandIn:
    entry: FaqEntry
    score: float  # the entry may be the translation in the customer's language


OtherRanking = tuple[str, tuple[FaqMatch, ...]]  # the best other language and its ranking


def other_ranking(ctx: TurnContext, fused: bool) -> OtherRanking:
    """The best other language's FAQ entries for the message (by words and meaning when the
    customer's language was ranked that way)."""
    index, language, product = ctx.services.faq, ctx.state.language, ctx.state.slots.product
    if fused:
        return index.fused_other_languages(ctx.signals.text, language, product=product)
    return index.other_languages(ctx.signals.text, language, product=product)


def other_suggestion(ctx: TurnContext, other: OtherRanking, fused: bool) -> FaqEntry | None:
    """The other language's best article, for a list of suggestions, when the customer's
    language has nothing like it (no translation, nothing close in meaning) and its own
    language's gate would suggest it: otherwise a question whose only article is in English
    gets a list of Dutch near misses."""
    index, language = ctx.services.faq, ctx.state.language
    other_language, ranked = other
    if not fused or not ranked or other_language == language:
        return None
    entry = ranked[0].entry
    if index.twin(entry, language) is not None or index.translations.has_near(entry, language):
        return None
    gate = index.gate(other_language, fused=True)
    return entry if decide(lead_of(ranked), gate, "lenient") != "none" else None


def stand_in(
    ctx: TurnContext,
    own: tuple[FaqMatch, ...],
    other: OtherRanking,
    certainty: Certainty,
    fused: bool,
) -> StandIn | None:
    """An entry of another language that answers better than anything in the customer's.

    Words shared across languages are few (names, numbers, technical terms), so an entry of
    another language that scores *higher* than every candidate of the customer's own language,
    and is certain by its own language's gate, is strong evidence that only that language has
    the article. Scores of two languages' fused rankings are not on one scale (meaning across
    languages lands lower), so with the semantic stage such an entry also stands in when
    nothing of the customer's would be answered and none is close in meaning (`has_near`); not
    in a problem report, whose English error words match English articles. An article with no
    counterpart in the customer's language that its gate is surer of than the customer's
    language's gate is of its best also stands in (the gates' confidences, unlike the scores,
    are comparable): on the development sets 29 of 34 such articles were the right one. Twins
    go first.
    """
    index, language = ctx.services.faq, ctx.state.language
    other_language, ranked = other
    gate = index.gate(other_language, fused=fused)
    lead = lead_of(ranked)
    if lead is None or decide(lead, gate, certainty) != "answer":
        return None
    entry = ranked[0].entry
    twin = index.twin(entry, language)
    if own and ranked[0].score <= own[0].score:
        nearby = twin is None and index.translations.has_near(entry, language)
        own_gate, own_lead = index.gate(language, fused=fused), lead_of(own)
        own_answers = decide(own_lead, own_gate) == "answer"
        surer = (
            fused
            and certainty != "strict"
            and twin is None
            and not nearby
            and own_lead is not None
            and gate.confidence(lead) > own_gate.confidence(own_lead)
        )
        if not surer and (not fused or certainty == "strict" or own_answers or nearby):
            return None
    if twin is not None:
        return StandIn(twin, ranked[0].score)
    return StandIn(entry, ranked[0].score)
