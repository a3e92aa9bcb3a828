"""FaqIndex on a small FAQ of its own: paraphrases, products, languages, gate, bad input."""

from __future__ import annotations

import time

import pytest

from bot.core.knowledge.models import FaqEntry, Product, ThirdPartyComponent
from bot.core.matching import FaqIndex, Thresholds
from bot.core.retrieval.index import EXPLAINED_RANKS
from bot.core.retrieval.language_index import ANSWER_TERMS, LanguageIndex
from bot.core.retrieval.results import FaqMatch, FaqResult, shows_more

PRODUCTS = {
    "agendapro": Product("agendapro", "AgendaPro", aliases=("Agenda Pro",)),
    "shopkit": Product("shopkit", "ShopKit"),
}


def entry(
    entry_id: str, language: str, question: str, answer: str, *alternatives: str, **extra: str
) -> FaqEntry:
    return FaqEntry(entry_id, language, question, answer, alternatives, extra.get("product"))


ENTRIES = [
    entry("invoice", "nl", "Waar vind ik mijn factuur?", "Uw facturen staan in uw account.",
          "Ik heb geen factuur ontvangen"),
    entry("invoice", "en", "Where can I find my invoice?", "Your invoices are in your account.",
          "I did not receive an invoice"),
    entry("licence-key", "nl", "Waar vind ik mijn licentiesleutel?",
          "De sleutel staat in uw account onder Licenties.", "Ik ben mijn licentiecode kwijt"),
    entry("licence-key", "en", "Where do I find my licence key?",
          "The key is in your account under Licences.", "I lost my license code"),
    entry("refund", "nl", "Kan ik mijn geld terugkrijgen?",
          "Binnen 30 dagen na aankoop betalen we het bedrag terug.",
          "Hoe vraag ik een refund aan?"),
    entry("refund", "en", "Can I get a refund?", "Within 30 days of purchase we refund you.",
          "How do I get my money back?"),
    entry("update", "nl", "Hoe werk ik de plugin bij naar de nieuwste versie?",
          "Ga naar Dashboard > Updates en klik op bijwerken.", "Hoe installeer ik een update?"),
    entry("update", "en", "How do I update the plugin to the latest version?",
          "Go to Dashboard > Updates and click update.", "How do I install an update?"),
    entry("phone", "nl", "Kan ik jullie bellen?", "Wij helpen alleen per e-mail via de helpdesk.",
          "Hebben jullie een telefoonnummer?"),
    entry("phone", "en", "Can I call you?", "We only help by email through the helpdesk.",
          "Do you have a phone number?"),
    entry("third-party", "nl", "Helpen jullie met plugins van derden?",
          "Producten van andere makers ondersteunen we niet.",
          "Mijn probleem zit in een andere plugin"),
    entry("third-party", "en", "Do you support third-party plugins?",
          "We do not support products from other vendors.", "My problem is in another plugin"),
    entry("agenda-reminders", "nl", "Herinneringsmails van AgendaPro komen niet aan",
          "Controleer de cron en de SMTP-instellingen van AgendaPro.",
          "Klanten krijgen geen herinnering voor hun afspraak", "Mijn klanten krijgen geen mails",
          product="agendapro"),
    entry("agenda-reminders", "en", "AgendaPro reminder emails do not arrive",
          "Check WP-Cron and the SMTP settings of AgendaPro.",
          "Customers get no reminder for their appointment", "My customers get no emails",
          product="agendapro"),
    entry("shop-emails", "nl", "ShopKit verstuurt geen bestelmails",
          "Controleer de e-mailinstellingen van ShopKit.",
          "Klanten krijgen geen mail na hun bestelling", "Mijn klanten krijgen geen mails",
          product="shopkit"),
    entry("shop-emails", "en", "ShopKit does not send order emails",
          "Check the email settings of ShopKit.", "Customers get no email after ordering",
          "My customers get no emails", product="shopkit"),
    entry("agenda-google", "en", "How do I connect AgendaPro to Google Calendar?",
          "Open AgendaPro > Settings > Google Calendar and sign in.",
          "Sync appointments with my Google agenda", product="agendapro"),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> FaqIndex:
    return FaqIndex(
        ENTRIES,
        PRODUCTS,
        third_party=[ThirdPartyComponent("Elementor", ("elementor",))],
    )


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("factuur?", "nl", "invoice"),
        ("waar staan mijn facturen", "nl", "invoice"),
        ("ik heb mijn factur niet gekregen", "nl", "invoice"),  # typo
        ("licentie sleutel kwijt", "nl", "licence-key"),  # compound written apart
        ("waar is mn lisentiecode", "nl", "licence-key"),  # typo in a compound
        ("kan ik mijn geld terug krijgen", "nl", "refund"),
        ("hoe update ik de plugin", "nl", "update"),  # English word in Dutch
        ("telefoonnummer?", "nl", "phone"),
        ("agendapro herinneringmails komen niet aan", "nl", "agenda-reminders"),  # compound
        ("mijn probleem komt door elementor", "nl", "third-party"),  # a known third party
        ("invoice please", "en", "invoice"),
        ("where r my invoices", "en", "invoice"),
        ("lost my licence key", "en", "licence-key"),
        ("can i get my money back", "en", "refund"),
        ("how to upgrade to the newest version", "en", "update"),
        ("can i phone you", "en", "phone"),
        ("agendapro reminders dont arrive", "en", "agenda-reminders"),
        ("reminder emails not arriving", "en", "agenda-reminders"),
    ],
)
def test_paraphrases_find_their_entry(
    index: FaqIndex, query: str, language: str, expected: str
) -> None:
    result = index.search(query, language)
    assert result.best is not None
    assert result.best.entry.id == expected


@pytest.mark.parametrize(
    ("product", "expected"), [("agendapro", "agenda-reminders"), ("shopkit", "shop-emails")]
)
def test_the_named_product_decides_between_similar_entries(
    index: FaqIndex, product: str, expected: str
) -> None:
    result = index.search("mijn klanten krijgen geen mail", "nl", product=product)
    assert result.best is not None and result.best.entry.id == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ShopKit klanten krijgen geen mails", "shop-emails"),
        ("agenda pro mails", "agenda-reminders"),
    ],
)
def test_a_product_named_in_the_question_counts_like_the_argument(
    index: FaqIndex, query: str, expected: str
) -> None:
    result = index.search(query, "nl")
    assert result.best is not None and result.best.entry.id == expected


def test_a_general_entry_that_fits_better_beats_the_named_product(index: FaqIndex) -> None:
    result = index.search("waar vind ik mijn factuur", "nl", product="agendapro")
    assert result.best is not None and result.best.entry.id == "invoice"


def test_an_entry_only_in_the_other_language_is_found(index: FaqIndex) -> None:
    result = index.search("agendapro koppelen met google calendar", "nl")
    assert result.best is not None
    assert (result.best.entry.id, result.best.entry.language) == ("agenda-google", "en")
    assert result.language == "en"


def test_a_question_in_the_other_language_finds_the_topic(index: FaqIndex) -> None:
    """Answered in the customer's language when it has the entry (issue 10: their own
    language first), from the other language otherwise."""
    result = index.search("where can I find my invoice", "nl")
    assert result.decision == "answer"
    assert result.best is not None and result.best.entry.id == "invoice"
    english_only = index.search("how do i sync agendapro with google calendar", "nl")
    assert english_only.best is not None
    assert english_only.best.entry.key == ("en", "agenda-google")


def test_the_customers_language_wins_when_it_has_the_entry(index: FaqIndex) -> None:
    result = index.search("factuur invoice", "nl")
    assert result.best is not None and result.best.entry.language == "nl"


@pytest.mark.parametrize(
    ("query", "decision"),
    [
        ("Waar vind ik mijn factuur?", "answer"),
        ("mail", "suggest"),  # fits several entries
        ("hoe bak ik een taart met aardbeien", "none"),
    ],
)
def test_decision_follows_how_close_and_clear_the_match_is(
    index: FaqIndex, query: str, decision: str
) -> None:
    assert index.search(query, "nl").decision == decision


def test_suggestions_are_plausible_entries_at_most_limit(index: FaqIndex) -> None:
    result = index.search("mail", "nl", limit=2)
    assert result.decision == "suggest"
    assert 1 <= len(result.matches) <= 2
    assert all(m.score >= index.thresholds.suggest for m in result.matches)


def test_no_decision_returns_no_matches_but_diagnostics_do(index: FaqIndex) -> None:
    assert index.search("hoe bak ik een taart", "nl").matches == ()
    nearest = index.ranked("taart met factuur", "nl", limit=2)
    assert nearest and nearest[0].entry.id == "invoice"


def test_stricter_thresholds_turn_answers_into_suggestions() -> None:
    strict = FaqIndex(ENTRIES, PRODUCTS, thresholds=Thresholds(answer=0.99, margin=0.5))
    assert strict.search("Waar vind ik mijn factuur?", "nl").decision == "suggest"


def test_scores_are_between_zero_and_one_best_first(index: FaqIndex) -> None:
    matches = index.ranked("klanten krijgen geen mail", "nl", limit=5)
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   \n\t ",
        "😀🙈🔥" * 50,
        "\x00\x01\x02\x1b[2J\x7f",
        "'; DROP TABLE faq_entries; --",
        "1 OR 1=1 UNION SELECT password FROM users",
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "factuur " * 20_000,  # 160 KB
        "x" * 100_000,
        "ａｂｃ ｆａｃｔｕｕｒ",  # full-width letters
    ],
)
def test_bad_queries_give_a_valid_result_quickly(index: FaqIndex, query: str) -> None:
    started = time.perf_counter()
    result = index.search(query, "nl")
    assert time.perf_counter() - started < 0.5  # generous: a guard against runaway work
    assert result.decision in ("answer", "suggest", "none")
    assert all(0.0 <= m.score <= 1.0 for m in result.matches)


@pytest.mark.parametrize("language", ["de", "", "NL"])
def test_an_unknown_language_searches_the_first_language(index: FaqIndex, language: str) -> None:
    result = index.search("factuur", language)
    assert result.best is not None and result.best.entry.id == "invoice"


def test_an_empty_index_never_matches() -> None:
    assert FaqIndex([]).search("factuur", "nl").decision == "none"


def test_a_query_read_again_gives_the_same_reading_and_a_set_of_its_own(index: FaqIndex) -> None:
    query = "agendapro stopt na de update door elementor"
    first = index.understand(query, None)
    first[0].add("changed by the caller")
    assert index.understand(query, None) == index.understand(query, None) != first
    assert index.understand(query, "other") != index.understand(query, None)
    assert index.understand(query, None)[1].endswith(" thirdparty")


def test_each_of_the_first_candidates_counts_the_query_words_it_explains(index: FaqIndex) -> None:
    language_index = index._indexes["nl"]
    query = "agendapro herinneringmails komen niet aan na de update"
    named, text = index.understand(query, None)
    ranked = FaqIndex.rank(language_index, text, named, 10)
    assert len(ranked) > EXPLAINED_RANKS
    positions = {entry: n for n, entry in enumerate(language_index.entries)}
    for rank, match in enumerate(ranked):
        expected = language_index.explained_words(text, positions[match.entry])
        assert match.explained == (expected if rank < EXPLAINED_RANKS else 0)
    assert ranked[0].explained > 0


def test_stand_ins_search_the_other_languages_index_among_its_entries_without_twin(
    index: FaqIndex,
) -> None:
    """No second index for them: the English index itself, limited to "agenda-google"."""
    (stand_in,) = index._stand_ins["nl"]  # noqa: SLF001
    assert stand_in.index is index._indexes["en"]  # noqa: SLF001
    assert [stand_in.index.entries[n].id for n in stand_in.among] == ["agenda-google"]
    assert index._stand_ins["en"] == []  # noqa: SLF001  every Dutch entry has an English twin
    # Asked in Dutch, the English invoice entry (it has a Dutch twin) is no stand-in.
    ranked = index.ranked("where can I find my invoice google", "nl", limit=5)
    assert {m.entry.key for m in ranked if m.entry.language == "en"} == {("en", "agenda-google")}
    # Scored as the English index scores it: the same statistics.
    query = "agendapro koppelen met google calendar"
    (found,) = [m for m in index.ranked(query, "nl", limit=5) if m.entry.language == "en"]
    assert found.score == index.ranked(query, "en", limit=1)[0].score


def test_a_query_is_prepared_once_per_index_and_alike(index: FaqIndex) -> None:
    english = index._indexes["en"]  # noqa: SLF001
    first = english.prepare("reminder emails do not arrive")
    assert english.prepare("reminder emails do not arrive") is first
    assert first == english._prepare("reminder emails do not arrive")  # noqa: SLF001


def test_an_entry_contains_its_answers_terms_past_those_its_answer_field_keeps() -> None:
    words = [f"{a}{b}woord" for a in "bcdfghjklm" for b in "aeiou"]  # 50 distinct words
    long_answer = entry("long", "nl", "Waar vind ik de instellingen?", " ".join(words))
    index = LanguageIndex("nl", [long_answer, *ENTRIES[:2]], PRODUCTS)
    terms = [index.analyzer.term(word) for word in words]
    kept = index._answers.terms_of(0)  # noqa: SLF001
    assert len(kept) == ANSWER_TERMS and not all(term in kept for term in terms)
    assert all(term in index.entry_terms_of(0) for term in terms)
    assert "factuur" not in index.entry_terms_of(0)
    assert set(index.entry_terms[0]) >= set(terms)


def test_a_stand_in_best_gives_way_to_its_languages_own_ranking(index: FaqIndex) -> None:
    """Asked in Dutch, an English stand-in is the best match: the English index's own result
    (a tie of the same decision and score) shows English entries with a Dutch twin as well."""
    result = index.search("agendapro google agenda appointments reminder", "nl")
    assert result.best is not None and result.best.entry.key == ("en", "agenda-google")
    assert [m.entry.key for m in result.matches[:2]] == [
        ("en", "agenda-google"),
        ("en", "agenda-reminders"),
    ]
    assert result.language == "en"


def test_a_tie_keeps_the_customers_own_best_entry() -> None:
    dutch, english = ENTRIES[0], ENTRIES[1]
    own = FaqResult("suggest", (FaqMatch(dutch, 0.5),), "nl")
    stand_in = FaqResult("suggest", (FaqMatch(english, 0.5), FaqMatch(dutch, 0.4)), "en")
    other = FaqResult("suggest", (FaqMatch(english, 0.5),), "en")
    assert not shows_more(other, own)
    assert shows_more(other, stand_in)
    assert not shows_more(FaqResult("answer", other.matches, "en"), stand_in)
    assert not shows_more(FaqResult("suggest", (FaqMatch(english, 0.45),), "en"), stand_in)
