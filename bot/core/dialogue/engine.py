"""The dialogue engine: ``handle(state, message, now) -> Turn``. Pure: no I/O, no globals.

Adapters (widget, email, CLI, tests) call ``handle``, store the returned state, apply the events
(open a ticket, notify staff) and send the messages. When a turn asks for a ticket, the adapter
numbers it and calls ``ticket_opened`` to get the confirmation message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from bot.core.dialogue.actions import ACTIONS
from bot.core.dialogue.context import Services, TurnContext
from bot.core.dialogue.flow import action_for
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.replies import Replies
from bot.core.dialogue.slot_filling import fill_slots, replaces_no_release
from bot.core.dialogue.state import Channel, ConversationState
from bot.core.dialogue.turn import CustomerContext, Turn
from bot.core.dialogue.understanding import Understanding
from bot.core.dialogue.whose import without_advice
from bot.core.events import TicketRequested
from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.knowledge.versions import is_older
from bot.core.language import detect_language
from bot.core.matching import FaqIndex, faq_index
from bot.core.ports import Translator
from bot.core.retrieval.calibration_cache import CalibrationStore
from bot.core.retrieval.semantic import SemanticScorer
from bot.core.text import strip_control

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000  # email bodies can be long; the widget limits far below this
CONFLICT_STEPS = ("awaiting_conflict_test", "awaiting_culprit")


def acknowledge_site_health(ctx: TurnContext) -> None:
    """Say what was read from a pasted Site Health report, so the customer can correct it."""
    report = ctx.signals.site_health
    assert report is not None
    slots = ctx.state.slots
    product = ctx.product
    ours = f"{product.name} {slots.version or ''}".strip() if product else None
    message = ctx.replies.site_health_read(
        slots.wp_version, slots.php_version, len(report.active_plugins), ours
    )
    ctx.messages.append(message)


def updated(ctx: TurnContext, before: str | None) -> bool:
    """Asked to update, the customer names a newer version than before ("now on 5.1.0, same
    mails"): they updated, whatever words they use for it."""
    now = ctx.state.slots.version
    if ctx.state.step != "awaiting_update" or before is None or now is None:
        return False
    return is_older(before, now)


def corrected(ctx: TurnContext, before: tuple[str | None, str | None]) -> bool:
    """The customer changed a product/version they gave earlier, mid-goal ("I meant 3.4.2")."""
    slots = ctx.state.slots
    changed = before[0] is not None and (slots.product, slots.version) != before
    busy = ctx.state.goal != "" and ctx.state.step not in ("awaiting_product", "awaiting_version")
    typo = before[0] == slots.product and replaces_no_release(ctx.product, before[1], slots.version)
    return changed and busy and (ctx.signals.correction or typo)


class Engine:
    def __init__(
        self,
        kb: KnowledgeBase,
        translations: Mapping[str, Translator],
        faq: FaqIndex | None = None,
        semantic: SemanticScorer | None = None,
        calibration_store: CalibrationStore | None = None,
    ) -> None:
        self.kb = kb
        self.translations = translations
        understanding = Understanding(kb)
        index = faq or faq_index(kb, semantic=semantic, calibration_store=calibration_store)
        self.services = Services(kb, index, understanding)

    def replies(self, language: str, channel: str = "widget") -> Replies:
        translator = (
            self.translations.get(language) or self.translations[self.kb.policy.default_language]
        )
        return Replies(self.kb, translator, channel, language)

    def new_state(
        self,
        language: str | None = None,
        channel: Channel = "widget",
        email: str | None = None,
        product: str | None = None,
        time_zone: str | None = None,
    ) -> ConversationState:
        """A fresh conversation; a known ``product`` is preselected (a product's docs page).

        ``time_zone`` is the customer's (an IANA name the adapter checked): the ticket's due
        time is told in it. Without one, the policy's time zone is used, and named."""
        lang = language if language in self.kb.policy.languages else self.kb.policy.default_language
        state = ConversationState(
            language=lang or "nl", channel=channel, time_zone=(time_zone or "")[:64]
        )
        known = product if product in self.kb.products else None
        return state.with_slots("start", email=email).with_slots("page", product=known)

    def greet(self, state: ConversationState) -> Turn:
        """The first bot message of a widget conversation."""
        return Turn("smalltalk", state, (self.replies(state.language).greeting(),))

    def handle(
        self,
        state: ConversationState,
        message: str,
        now: datetime,
        customer: CustomerContext | None = None,
        *,
        message_number: int | None = None,
    ) -> Turn:
        """One customer message in, one turn out. Never raises for any text.

        Everything runs under the guarantee, reading the text included. A bug is logged and
        answered with the fallback on the prepared state (one more turn, the customer's
        language): what a failed step had half done (slots, events) is dropped with it.

        ``message_number`` is how the adapter numbers this message in the transcript (staff
        see where each fact came from); without it, the customer's messages are counted.
        """
        prepared = state
        try:
            prepared = self._advance(state)
            text = strip_control(message)[:MAX_TEXT_CHARS].strip()
            signals = without_advice(
                self.services.understanding.read(text, state.slots.product),
                self._article_just_given(prepared),
            )
            # the language of the customer's words, not of a pasted report
            prepared = replace(prepared, language=self._language(state, signals.text))
            ctx = TurnContext(
                services=self.services,
                state=prepared,
                signals=signals,
                now=now,
                customer=customer or CustomerContext(),
                replies=self.replies(prepared.language, prepared.channel),
                message_number=message_number if message_number is not None else prepared.turns,
            )
            if text:
                self._respond(ctx)
            else:
                ctx.say("fallback", ctx.replies.fallback())
            return ctx.turn()
        except Exception:  # a bug must not cost the customer an answer; it is logged loudly
            log.exception("engine failed in step %s", state.step)
            reply = self.replies(prepared.language, prepared.channel).fallback()
            return Turn("fallback", prepared, (reply,), ticket=prepared.ticket)

    def _article_just_given(self, state: ConversationState) -> FaqEntry | None:
        """The article the customer is reading, if the last turn answered with one."""
        if state.step != "awaiting_feedback" or not state.last_faq:
            return None
        return self.services.kb.faq_by_ref(state.last_faq, state.language)

    @staticmethod
    def _respond(ctx: TurnContext) -> None:
        """Fill the slots, then run the flow's action for this step and these intents."""
        before = (ctx.state.slots.product, ctx.state.slots.version)
        fill_slots(ctx)
        intents = ctx.signals.intents
        if corrected(ctx, before):
            intents = intents | {Intent.CORRECTED}
        if updated(ctx, before[1]):
            intents = intents | {Intent.UPDATED}
        if ctx.state.step in CONFLICT_STEPS and ctx.signals.third_party:
            intents = intents | {Intent.CULPRIT}
        if ctx.signals.site_health is not None and ctx.state.step != "with_staff":
            acknowledge_site_health(ctx)
        ACTIONS[action_for(ctx.state.step, intents)](ctx)

    @staticmethod
    def _advance(state: ConversationState) -> ConversationState:
        """The state a message meets: one more turn, a closed conversation reopened."""
        state = replace(state, turns=state.turns + 1)
        if state.status == "closed":
            state = replace(state, status="bot", step="idle", goal="", ticket=None)
        if state.status == "waiting_for_staff" and state.step != "with_staff":
            state = replace(state, step="with_staff")
        return state

    def _language(self, state: ConversationState, text: str) -> str:
        known = state.language if state.language in self.kb.policy.languages else None
        if known and state.step == "awaiting_choice" and self._offered(state, text):
            return known  # a quick reply in the article's language is no switch of language
        guess = detect_language(
            self.services.understanding.products.without_names(text),
            candidates=self.kb.policy.languages,
            default=known or self.kb.policy.default_language,
            previous=known if state.turns > 0 else None,  # a first message has no past
        )
        return guess.language

    def _offered(self, state: ConversationState, text: str) -> bool:
        """The text is one of the suggestions just offered (a tapped quick reply)."""
        offered = (self.kb.faq_by_ref(ref, state.language) for ref in state.suggestions)
        return any(entry is not None and entry.question == text for entry in offered)

    def ticket_opened(self, turn: Turn, number: str, *, mail: bool = True) -> Turn:
        """The adapter opened the ticket the turn asked for: tell the customer its number.

        ``mail`` says whether mail can go out now; without it the customer is not promised an
        answer by email (it would wait in the outbox)."""
        request = turn.event(TicketRequested)
        assert isinstance(request, TicketRequested)
        state = replace(turn.state, ticket=number)
        message = self.replies(state.language, state.channel).ticket_opened(
            number, request.due_at, state.slots.email, time_zone=state.time_zone, mail=mail
        )
        return replace(turn, state=state, ticket=number, messages=(*turn.messages, message))

    # -- staff actions (the console calls these) ----------------------------------------------
    @staticmethod
    def staff_claimed(state: ConversationState) -> ConversationState:
        return replace(state, status="waiting_for_staff", step="with_staff")

    @staticmethod
    def handed_back(state: ConversationState) -> ConversationState:
        return replace(state, status="bot", step="idle", goal="", handoff_acknowledged=False)

    @staticmethod
    def closed(state: ConversationState) -> ConversationState:
        return replace(state, status="closed", step="idle", goal="")
