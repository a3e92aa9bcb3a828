"""The semantic stage inside the FAQ index and the engine, with the real model (issue 16)."""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from dataclasses import replace

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.turn import CustomerContext, Turn
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import FaqEntry, KnowledgeBase
from bot.core.matching import FaqIndex, faq_index
from bot.core.retrieval.decision import Lead
from bot.core.retrieval.gate_model import CalibratedGate
from bot.i18n import load_translations
from bot.semantic.vectors import VectorStore
from tests.conftest import NOW
from tests.core.dialogue.conftest import KB_DIR


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(KB_DIR)


def index_with(kb: KnowledgeBase, scorer: object) -> FaqIndex:
    return faq_index(kb, semantic=scorer)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase, e5_store: VectorStore) -> FaqIndex:
    return index_with(kb, e5_store)


class Watched:
    """The real store, counting the queries it is asked to compare (what costs ~50 ms)."""

    def __init__(self, store: VectorStore, fail: bool = False) -> None:
        self.store, self.fail, self.queries = store, fail, 0
        self.name = store.name

    def register(self, texts: Sequence[str], *, passages: bool = False) -> Hashable:
        return self.store.register(texts, passages=passages)

    def similarities(self, query: str, key: Hashable) -> Sequence[float]:
        self.queries += 1
        if self.fail:
            raise RuntimeError("the model's engine crashed")
        return self.store.similarities(query, key)

    def pairwise(self, key: Hashable, other: Hashable | None = None) -> Sequence[Sequence[float]]:
        return self.store.pairwise(key, other)


def test_the_stage_is_calibrated_with_the_words(index: FaqIndex) -> None:
    for found in index.calibrations.values():
        assert found.fused_gate is not None
        assert 0.5 < found.fusion.floor < 0.95 and found.fusion.weight > 0


def test_translations_with_other_file_names_are_twins(index: FaqIndex, kb: KnowledgeBase) -> None:
    english = kb.faq_entry("en", "gallery-mobile")
    assert english is not None
    twin = index.twin(english, "nl")
    assert twin is not None and twin.id == "galerij-mobiel"
    unrelated = kb.faq_entry("en", "debug-log")  # no Dutch article about it
    assert unrelated is not None and index.twin(unrelated, "nl") is None


def test_a_paraphrase_in_other_words_is_ranked_by_meaning(index: FaqIndex) -> None:
    ranked = index.fused_candidates(
        "visitors should settle the entrance fee while signing up", "en"
    )
    assert ranked and ranked[0].entry.id == "ticket-payments"


def test_the_search_box_asks_meaning_when_the_words_find_nothing(index: FaqIndex) -> None:
    words_only = index_with(index_kb := load_knowledge(KB_DIR), None)
    query = "pictures enlarge on a tap"
    assert words_only.search(query, "en").decision == "none"
    found = index.search(query, "en")
    assert found.best is not None and found.best.entry.id == "lightbox"
    del index_kb


def test_a_certain_answer_by_words_does_not_wait_for_the_model(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    watched = Watched(e5_store)
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=watched)  # type: ignore[arg-type]
    watched.queries = 0  # building compared the articles across languages
    state = engine.new_state("en")
    turn = engine.handle(state, "Where do I enter the SMTP password?", NOW, CustomerContext())
    assert turn.faq is not None and turn.faq.id == "smtp-password"
    assert watched.queries == 0
    engine.handle(state, "visitors should settle the entrance fee online", NOW, CustomerContext())
    assert watched.queries >= 1


def test_a_bug_report_asks_meaning_even_when_the_words_are_certain(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """A wrong article costs a bug report a detour before its ticket: meaning may overrule the
    words' strict certainty there (and here it agrees, so the article stands)."""
    watched = Watched(e5_store)
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=watched)  # type: ignore[arg-type]
    watched.queries = 0
    turn = engine.handle(
        engine.new_state("en"),
        "Our attendees stopped getting their reminder mails. We are on Ticketeer 5.1.2.",
        NOW,
        CustomerContext(),
    )
    assert turn.faq is not None and turn.faq.id == "reminders"
    assert watched.queries >= 1


def test_a_failing_model_leaves_the_words_to_decide(
    kb: KnowledgeBase, e5_store: VectorStore, caplog: pytest.LogCaptureFixture
) -> None:
    failing = Watched(e5_store)
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=failing)  # type: ignore[arg-type]
    failing.fail, failing.queries = True, 0  # it worked at start, and breaks later
    with caplog.at_level(logging.WARNING, logger="bot.core.retrieval.meaning"):
        turn = engine.handle(
            engine.new_state("en"),
            "visitors should settle the entrance fee online",
            NOW,
            CustomerContext(),
        )
    assert turn.messages and turn.route in ("faq", "suggest", "fallback", "ask_product")
    assert failing.queries >= 1 and "semantic stage failed" in caplog.text


@pytest.mark.logs_errors("a model failing at start is logged as an error for the operator")
def test_a_model_that_fails_at_start_is_left_out_with_an_error(
    kb: KnowledgeBase, e5_store: VectorStore, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Watched(e5_store, fail=True)
    with caplog.at_level(logging.ERROR, logger="bot.core.retrieval.index"):
        index = index_with(kb, broken)
    assert index.meaning is None and "semantic stage unavailable" in caplog.text
    assert index.search("how do I turn on the lightbox", "en").best is not None


def test_a_fused_ranking_says_whether_words_and_meaning_agree(index: FaqIndex) -> None:
    """Rankers that put the same entry first (the words, the phrasings' meaning and the
    answers') are evidence the fused gate weighs."""
    for found in index.calibrations.values():
        gate = found.fused_gate
        assert isinstance(gate, CalibratedGate) and len(gate.weights) == 4
        lead = Lead(0.5, 0.4, 2)
        agreed, split = replace(lead, agreement=1.0), replace(lead, agreement=0.5)
        assert gate.confidence(agreed) >= gate.confidence(split)
    ranked = index.fused_candidates("visitors should settle the entrance fee online", "en")
    assert ranked and ranked[0].agreement in (0.0, 1 / 3, 2 / 3, 1.0)
    assert all(match.agreement is None for match in ranked[1:])


def test_an_article_of_another_language_is_overruled_like_one_of_ours(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """Another vendor's plugin named next to ours makes a third-party question, also when the
    nearest article stands in from another language (only Dutch has the photo-order article),
    as it does for an article of the customer's own language."""
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=e5_store)

    def say(text: str) -> Turn:
        return engine.handle(engine.new_state("en"), text, NOW, CustomerContext())

    question = "the photos in my gallery grove gallery are in the wrong order, how do i sort them?"
    alone = say(question)
    assert alone.faq is not None and alone.faq.id == "fotovolgorde"  # the Dutch stand-in
    assert say(f"{question} we also use wp rocket").route == "third_party"


def test_an_article_only_in_the_other_language_stands_in_when_none_of_ours_would_answer(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """Only English has the gallery-menu and caption-colour articles. A Dutch question about
    them finds a Dutch article a little higher by fused score (meaning across languages lands
    lower), but none the gate would answer with; the English one it is certain of stands in,
    said to be in English, rather than a cue's route ("menu") or the wrong Dutch article."""
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=e5_store)
    for text, article in (
        ("hoe zet ik de galerij in het menu", "gallery-menu"),
        ("kan ik een link naar de galerij in mijn menu zetten", "gallery-menu"),
        ("hoe verander ik de kleur van de fototeksten", "caption-colours"),
    ):
        turn = engine.handle(engine.new_state("nl"), text, NOW, CustomerContext())
        assert (turn.route, turn.faq and turn.faq.id) == ("faq", article), text
        assert turn.state.language == "nl" and "Engels" in " ".join(
            m.text for m in turn.messages
        ), text


def test_a_surer_article_only_in_the_other_language_stands_in_for_a_certain_one_of_ours(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """Only English has the attendee-export article. A Dutch question about it scores higher
    on a Dutch route card's short examples (WordPress itself) by fused score, a card its gate
    would answer with; the English article, which has no Dutch counterpart, is surer by its own
    language's gate and stands in. Fused scores of two languages are not on one scale; the
    gates' confidences are."""
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=e5_store)
    for text in (
        "hoe exporteer ik de lijst met deelnemers",
        "hoe kan ik de deelnemerslijst exporteren naar een spreadsheet",
    ):
        turn = engine.handle(engine.new_state("nl"), text, NOW, CustomerContext())
        assert (turn.route, turn.faq and turn.faq.id) == ("faq", "export-attendees"), text


def test_suggestions_offer_the_other_languages_article_when_ours_has_nothing_like_it(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """Only English has the debug-log article. A Dutch question about the log file is not
    certain enough to answer; its suggestions hold the English article (no Dutch article is its
    translation or close in meaning, and its own gate would suggest it) instead of a third Dutch
    near miss, and choosing it answers, said to be in English."""
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=e5_store)
    turn = engine.handle(
        engine.new_state("nl"), "waar staat het logbestand van ticketeer", NOW, CustomerContext()
    )
    assert turn.route == "suggest"
    assert [s.id for s in turn.suggestions][-1] == "debug-log"
    tapped = "How do I turn on the Ticketeer debug log?"  # the quick reply's own text
    chosen = engine.handle(turn.state, tapped, NOW, CustomerContext())
    assert chosen.state.language == "nl"
    assert chosen.faq is not None and chosen.faq.id == "debug-log"
    assert "Engels" in " ".join(m.text for m in chosen.messages)


def test_a_knowledge_base_of_bare_questions_has_no_answers_ranker(e5_store: VectorStore) -> None:
    """Entries without an answer (an intent list) give the answers nothing to rank: two
    rankers vote, not three with an arbitrary first."""
    entries = [
        FaqEntry("refund", "en", "How do I get a refund?", "", ("money back please",)),
        FaqEntry("reset", "en", "How do I reset my password?", "", ("forgot my login",)),
    ]
    index = FaqIndex(entries, {}, ("en",), semantic=e5_store)
    assert index.meaning is not None
    assert index.meaning.answer_scores("i want my money back", "en") is None
    ranked = index.fused_candidates("i want my money back", "en")
    assert ranked and ranked[0].agreement in (0.0, 0.5, 1.0)


def test_a_request_for_work_is_overruled_only_when_meaning_is_strictly_sure_too(
    kb: KnowledgeBase, e5_store: VectorStore
) -> None:
    """A request's phrasing ("could you set up X for us") is evidence the words cannot see:
    an article on setting X up overrules it only when the semantic stage, asked as a second
    opinion, is strictly sure of that article as well as the words are."""
    engine = Engine(kb, load_translations(kb.policy.languages), semantic=e5_store)

    def say(language: str, text: str) -> Turn:
        return engine.handle(engine.new_state(language), text, NOW, CustomerContext())

    for language, text in (
        ("en", "could you set up ticket payments for us, we are not technical"),
        ("nl", "kunnen jullie betalingen voor tickets instellen voor ons?"),
    ):
        assert say(language, text).route == "customization", text
    # both sure: the article answers the request (we will not do it, but this is how)
    helped = say("en", "can you enter the smtp password for us?")
    assert helped.faq is not None and helped.faq.id == "smtp-password"
