"""The one decision (issue 10), on a knowledge base full of words that are also policy cues.

``bramble_kb/`` is a fictional vendor: a gallery plugin (phones, menus, colours), an event plugin
that takes payments, an SMTP plugin with a password. Each test names the failure class of the
issue it guards. These messages were written knowing the code; the foreign evaluation sets in
``../shared/eval`` and ``bench/eval`` are the measure of how well it generalises.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.dialogue.engine import Engine
from bot.core.dialogue.lexicon import Intent
from bot.core.dialogue.state import Channel
from bot.core.events import ConflictTestOutcome, FaqAnswered, TicketRequested
from tests.core.dialogue.conftest import Dialogue

Start = Callable[..., Dialogue]


@pytest.fixture
def chat(bramble: Engine) -> Start:
    def start(
        language: str | None = None, channel: Channel = "widget", email: str | None = None
    ) -> Dialogue:
        from bot.core.dialogue.turn import CustomerContext

        state = bramble.new_state(language, channel, email)
        return Dialogue(bramble, state, CustomerContext(channel_has_email=email is not None))

    return start


def test_the_gate_is_calibrated_on_this_knowledge_base(bramble: Engine) -> None:
    calibrations = bramble.services.faq.calibrations
    assert set(calibrations) == {"en", "nl"}
    assert all(c.source != "default" for c in calibrations.values())
    assert calibrations["en"].faq_queries >= 30


# -- a cue word is evidence, not a verdict ---------------------------------------------------
@pytest.mark.parametrize(
    ("message", "entry"),
    [
        ("the gallery is cut off on my phone", "gallery-mobile"),  # "phone" is not a channel
        ("can visitors pay when they sign up for my event?", "ticket-payments"),  # not billing
        ("smtp login keeps failing, where do I put the mail server password", "smtp-password"),
        ("how do I get a gallery into my wordpress menu", "gallery-menu"),  # not WordPress
        ("how can I customize the colours of the captions", "caption-colours"),
        ("where in wp-config do I switch on the ticketeer log", "debug-log"),
    ],
)
def test_a_how_to_with_a_policy_word_gets_its_faq_entry(
    chat: Start, message: str, entry: str
) -> None:
    conversation = chat("en")
    turn = conversation.say(message)
    assert (turn.route, turn.faq and turn.faq.id) == ("faq", entry), conversation.text


@pytest.mark.parametrize(
    ("message", "route"),
    [
        ("can I call you? I'd rather explain it on the phone", "channels"),
        ("do you have whatsapp", "channels"),
        ("I was charged twice for my licence renewal", "billing"),
        ("could you build a custom slideshow into Gallery Grove for us? we'd pay", "customization"),
        ("my developer changed the code of the plugin and now it's broken", "customization"),
        ("how do I change the permalink structure of my site", "wordpress_general"),
        ("how do I add a new admin user in wordpress", "wordpress_general"),
    ],
)  # fmt: skip
def test_a_real_policy_question_gets_its_route(chat: Start, message: str, route: str) -> None:
    conversation = chat("en")
    assert conversation.say(message).route == route, conversation.text


def test_a_policy_entry_of_the_knowledge_base_answers_under_its_route(chat: Start) -> None:
    """`route: billing` in the front matter: the vendor's own words, under the billing route."""
    conversation = chat("en")
    turn = conversation.say("can i get my money back please")
    assert turn.route == "billing" and turn.faq is not None and turn.faq.id == "refunds"
    assert "money@bramble.test" in conversation.text


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("kan ik een proefbestelling doen zonder dat er echt geld wordt afgeschreven", None),
        ("can I try a ticket order without being charged or asking for a refund", None),
        ("er is twee keer afgeschreven zonder dat ik iets kocht", "billing"),
    ],
)
def test_a_request_inside_what_the_customer_wants_to_avoid_asks_for_nothing(
    bramble: Engine, text: str, route: str | None
) -> None:
    cues = bramble.services.understanding.read(text).route_cues
    assert cues == ({route} if route else set())


# -- FAQ first ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "we have 400 guests this year, how do i get their names out of ticketeer into excel",
        ),
        ("en", "new to ticketeer, where do i see who has signed up"),
        ("nl", "we hebben 400 gasten, hoe krijg ik hun namen uit ticketeer in excel"),
        ("nl", "nieuw met ticketeer. waar zie ik wie zich heeft aangemeld"),
    ],
)
def test_a_question_after_an_opening_clause_is_no_report_on_our_product(
    chat: Start, language: str, text: str
) -> None:
    conversation = chat(language)
    turn = conversation.say(text)
    assert turn.route not in ("ask_version", "ask_details"), conversation.text


def test_a_problem_the_faq_answers_gets_the_entry_before_any_question(chat: Start) -> None:
    conversation = chat("en", email="ann@site.test")
    turn = conversation.say(
        "Our attendees stopped getting their reminder mails. We are on Ticketeer 5.1.2."
    )
    assert (turn.route, turn.faq and turn.faq.id) == ("faq", "reminders"), conversation.text
    assert turn.messages[-1].quick_replies, "did this help?"
    follow_up = conversation.say("no, that didn't help")
    assert follow_up.route in ("ask_details", "ticket"), conversation.text
    assert follow_up.state.slots.product == "ticketeer"


def test_a_bug_report_gets_an_article_only_when_the_gate_is_strictly_sure(
    chat: Start, bramble: Engine
) -> None:
    """Our product and its current version name a bug: the gate, calibrated on how-to
    phrasings, must be strictly sure before a troubleshooting article stands in for the
    details a ticket needs (the reminders article is about reminders that never arrive)."""
    from bot.core.retrieval.decision import decide, lead_of

    text = "Ticketeer 5.1.2: scheduled messages to attendees are sent in the wrong language"
    faq = bramble.services.faq
    lead = lead_of(faq.candidates(text, "en", product="ticketeer"))
    gate = faq.gate("en")
    assert decide(lead, gate, "lenient") == "answer" != decide(lead, gate, "strict")
    turn = chat("en").say(text)
    assert turn.route == "ask_details" and turn.faq is None, turn


def test_a_bug_on_an_older_version_that_the_faq_does_not_cover_is_asked_to_update(
    chat: Start,
) -> None:
    conversation = chat("en")
    turn = conversation.say("Gallery Grove 2.1.0: the captions overlap the thumbnails in Safari")
    assert turn.route == "update_required" and "2.4.0" in conversation.text


# -- the customer's language first --------------------------------------------------------------
def test_the_customers_language_wins_although_the_ids_differ(chat: Start) -> None:
    conversation = chat("nl")
    turn = conversation.say("kunnen mensen meteen betalen als ze zich inschrijven?")
    assert turn.faq is not None and turn.faq.id == "betalen-bij-inschrijving"
    english = chat("en").say("can people pay right away when they register?")
    assert english.faq is not None and english.faq.id == "ticket-payments"


def test_an_article_only_in_the_other_language_stands_in_and_says_so(chat: Start) -> None:
    conversation = chat("nl")
    turn = conversation.say("hoe exporteer ik de attendee lijst van ticketeer naar csv")
    assert turn.route == "faq" and turn.faq is not None and turn.faq.id == "export-attendees"
    assert turn.state.language == "nl"
    assert "Engels" in conversation.text


# -- slots and cues that generalise ------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "elementor rekent sinds vandaag dubbele kosten",
        "sinds de update van elementor krijg ik een lege pagina",
        "met elementor erbij is alles heel trage geworden",
        "elementor geeft een kapotte layout",
    ],
)
def test_an_inflected_dutch_adjective_still_reports_a_problem(chat: Start, text: str) -> None:
    """Dutch adjectives take an -e before a noun ("dubbele kosten", "een lege pagina"): a
    problem with a named third-party plugin is still a problem, and so third party."""
    turn = chat("nl").say(text)
    assert turn.route == "third_party", text


@pytest.mark.parametrize(
    "text",
    ["elementor is filling my debug.log with warnings", "elementor throws exceptions everywhere"],
)
def test_a_plural_problem_noun_still_reports_a_problem(chat: Start, text: str) -> None:
    """ "warnings" and "exceptions" are as much a problem as "errors"."""
    turn = chat("en").say(text)
    assert turn.route == "third_party", text


def test_a_possessive_names_the_third_party(chat: Start) -> None:
    conversation = chat("en")
    turn = conversation.say("Elementor's editor breaks the Gallery Grove layout")
    assert turn.route == "third_party" and "Elementor" in turn.state.slots.third_party


def test_a_hyphenated_compound_still_mentions_wordpress(chat: Start) -> None:
    turn = chat("nl").say("hoe verander ik de tijdzone van mijn WordPress-site")
    assert turn.route == "wordpress_general"


def test_a_version_at_the_end_of_a_sentence_is_read(chat: Start) -> None:
    conversation = chat("en")
    conversation.say("The lightbox of Gallery Grove 2.4.0 does not open")
    turn = conversation.say("WordPress 6.5, PHP 8.1.")
    assert (turn.state.slots.wp_version, turn.state.slots.php_version) == ("6.5", "8.1")


def test_a_number_above_every_release_after_the_name_counts_something_else(
    chat: Start, bramble: Engine
) -> None:
    """Gallery Grove's newest release is 2.4.0: "gallery grove 10 minutes ago" is no version
    10 (no bug report, no details asked), while "gallery grove 2" and "version 10" are."""
    turn = chat("en").say("bought gallery grove 10 minutes ago, where does the licence key go?")
    assert (turn.route, turn.faq and turn.faq.id, turn.state.slots.version) == (
        "faq",
        "licence-key",
        None,
    )
    read = bramble.services.understanding.read
    assert read("gallery grove 2 overlaps the captions").versions.product_version == "2"
    assert read("gallery grove version 10 breaks").versions.product_version == "10"


def test_a_number_opening_a_note_in_brackets_is_no_version(bramble: Engine) -> None:
    """ "Gallery Grove Pro (1 site)" counts sites; "Gallery Grove (2)" is its version."""
    read = bramble.services.understanding.read
    text = "our licence for gallery grove (1 site) should become the 5 site licence"
    assert read(text).versions.product_version is None
    assert read("gallery grove (2) overlaps the captions").versions.product_version == "2"


def test_a_bug_report_that_names_a_thank_you_page_is_no_closing(chat: Start) -> None:
    turn = chat("en").say("ticketeer 5.1.2, after paying the thank you page shows one ticket")
    assert turn.route == "ask_details", turn


def test_a_typo_in_a_cue_word_is_read(chat: Start) -> None:
    conversation = chat("nl")
    turn = conversation.say("de lightbox van gallery grove werkt nie meer")
    assert turn.route in ("ask_version", "faq"), conversation.text  # a problem, not small talk


def test_an_inflected_cue_word_is_not_a_typo_of_it(bramble: Engine) -> None:
    """ "medewerkers" (staff, plural: the people to enrol) is not a typo of the person cue
    "medewerker"; the cue's pattern, not the typo repair, says which forms count."""
    read = bramble.services.understanding.read
    assert Intent.PERSON not in read("ik wil 35 medewerkers tegelijk inschrijven").intents
    assert Intent.PERSON in read("ik wil een medewerker spreken").intents
    assert Intent.PERSON in read("ik wil een medewerkr spreken").intents  # a typo still is one


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "thanks a lot, that sorted it!"),
        ("en", "cheers, that's all i needed"),
        ("nl", "top, dat was precies wat ik zocht, bedankt"),
        # the thanks names what an FAQ entry is about: still nothing to answer
        ("en", "thanks, the caption colours look right now"),
        ("en", "great, the smtp password works, thank you"),
    ],
)
def test_thanks_with_nothing_to_answer_is_a_closing(chat: Start, language: str, text: str) -> None:
    assert chat(language).say(text).route == "smalltalk"


def test_thanks_with_a_problem_or_a_question_is_answered(chat: Start) -> None:
    assert chat("en").say("thanks, but the gallery grove lightbox still does not open").route != (
        "smalltalk"
    )
    assert chat("en").say("thanks! how do I change the caption colours?").route == "faq"


def test_an_earlier_product_is_not_carried_into_a_billing_question(chat: Start) -> None:
    conversation = chat("en")
    conversation.say("Gallery Grove 2.4.0: the lightbox does not open anymore")
    turn = conversation.say("unrelated: I need an invoice for my purchase with our VAT number")
    assert turn.route == "billing" and turn.state.slots.product is None


def test_the_ticket_keeps_the_pasted_error_and_the_problem_as_subject(chat: Start) -> None:
    conversation = chat("en", email="ann@site.test")
    conversation.say("Ticketeer 5.1.2 shows a white screen when I save an event")
    trace = (
        "PHP Fatal error:  Uncaught TypeError: count(): Argument #1 must be of type Countable "
        "in /var/www/html/wp-content/plugins/ticketeer/includes/class-event.php:212"
    )
    conversation.say(f"WordPress 6.5, PHP 8.2\n{trace}")
    conversation.say("the error is still there and I get an error every time")
    turns = [t for t in conversation.turns if t.event(TicketRequested)]
    assert turns, conversation.text
    request = turns[-1].event(TicketRequested)
    assert isinstance(request, TicketRequested)
    assert request.summary.startswith("Ticketeer 5.1.2 shows a white screen")
    assert "class-event.php:212" in (turns[-1].state.slots.error_text or "")


# -- flow defects ---------------------------------------------------------------------------------
def test_naming_the_culprit_ends_the_conflict_test_without_starting_over(chat: Start) -> None:
    conversation = chat("en", email="ann@site.test")
    first = conversation.say("Gallery Grove stopped working since I installed Smart Slider 3")
    assert first.route == "third_party"
    conversation.say("ok, with everything off it works")  # step 1 result: it is a plugin
    turn = conversation.say("it was Smart Slider 3 in the end")
    assert turn.route == "third_party"
    assert "Step 1" not in conversation.text, "no disclaimer and step 1 again"
    assert any(isinstance(e, ConflictTestOutcome) and e.outcome == "resolved" for e in turn.events)
    assert turn.state.step == "awaiting_ticket_confirm"


def test_it_did_not_help_after_a_billing_answer_stays_billing(chat: Start) -> None:
    conversation = chat("nl", email="ann@site.test")
    assert conversation.say("ik ben twee keer afgeschreven voor mijn licentie").route == "billing"
    turn = conversation.say("daar heb ik niks aan")
    assert turn.route == "billing" and turn.event(TicketRequested) is None
    assert "money@bramble.test" in conversation.text


def test_an_faq_answer_records_what_it_answered(chat: Start) -> None:
    turn = chat("en").say("how do I turn on the lightbox")
    answered = turn.event(FaqAnswered)
    assert isinstance(answered, FaqAnswered) and answered.faq_id == "lightbox"


@pytest.mark.parametrize(
    ("text", "route"),
    [
        # the trouble began with ours: the other vendor's product is only where it shows
        (
            "Since I activated Ticketeer, attendees who sign up through our Elementor form "
            "don't get their reminder emails",
            "faq",
        ),
        # the trouble began with theirs, or we cannot tell: the conflict test
        (
            "Since I turned on WP Rocket, attendees don't get their Ticketeer reminder emails",
            "third_party",
        ),
        (
            "attendees don't get their reminder emails from ticketeer "
            "since the update of elementor",
            "third_party",
        ),
        (
            "Ticketeer reminder emails never arrive when attendees sign up "
            "through our Elementor form",
            "third_party",
        ),
    ],
)
def test_a_third_party_named_yields_to_a_strict_answer_only_when_ours_began_it(
    chat: Start, text: str, route: str
) -> None:
    turn = chat("en").say(text)
    assert turn.route == route, turn
    if route == "faq":
        assert turn.faq is not None and turn.faq.id == "reminders"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Envira Gallery cuts the gallery off on my phone, what can i do"),
        ("nl", "Envira Gallery valt buiten het scherm op mijn telefoon, wat kan ik doen"),
        ("en", "WP Mail SMTP keeps asking for the SMTP password, where do I enter it"),
        # WordPress's wording, their product: not the WordPress forum's question
        ("en", "yoast seo gives a 404 on sitemap_index.xml since this morning"),
        ("nl", "yoast seo geeft sinds vanochtend een 404 op sitemap_index.xml"),
    ],
)
def test_a_message_that_opens_with_another_vendors_product_is_about_it(
    chat: Start, language: str, text: str
) -> None:
    """Its subject is theirs, whatever our article on the same symptom says (none of ours named)."""
    assert chat(language).say(text).route == "third_party"


def test_a_wordpress_question_that_mentions_another_vendors_product_stays_wordpress(
    chat: Start,
) -> None:
    turn = chat("en").say("how do I update wordpress itself when wordfence is installed")
    assert turn.route == "wordpress_general"


# -- a policy route's card is a rival with evidence for its route -------------------------------
@pytest.mark.parametrize(
    ("message", "rival_counts"),
    [
        ("how do I show the gallery on a page", False),  # a how-to: nothing points at a route
        ("can you build the gallery into my page for me", True),  # a request for work
        ("the gallery breaks since I installed WooCommerce", True),  # another vendor's product
    ],
)
def test_a_route_card_below_an_faq_entry_is_its_rival_only_with_other_evidence(
    bramble: Engine, message: str, rival_counts: bool
) -> None:
    from datetime import UTC, datetime

    from bot.core.dialogue.context import TurnContext
    from bot.core.dialogue.decision import _with_supported_rivals
    from bot.core.dialogue.turn import CustomerContext
    from bot.core.retrieval.results import FaqMatch

    signals = bramble.services.understanding.read(message)
    ctx = TurnContext(
        services=bramble.services,
        state=bramble.new_state("en", "widget", None),
        signals=signals,
        now=datetime.now(UTC),
        customer=CustomerContext(),
        replies=bramble.replies("en", "widget"),
    )
    entry = next(e for e in bramble.services.kb.faq if e.language == "en" and e.kind == "faq")
    route = "customization" if "build" in message else "third_party"
    card = next(c for c in bramble.services.kb.route_cards if c.route == route)
    ranked = (FaqMatch(entry, 0.6), FaqMatch(card, 0.55))
    kept = _with_supported_rivals(ctx, ranked)
    assert kept == (ranked if rival_counts else ranked[:1])
    assert _with_supported_rivals(ctx, ranked[::-1]) == ranked[::-1]  # a card first: as ranked


@pytest.mark.parametrize(
    "message",
    [
        "since the wordpress update last week the ticketeer buttons are white on white, you cant "
        "see them",
        "ticketeer doesn't work anymore since the wordpress update, the event list stays empty",
    ],
)
def test_our_product_broken_since_a_wordpress_update_is_a_problem_with_ours(
    chat: Start, message: str
) -> None:
    """WordPress's wording ("the wordpress update") matches the WordPress route's examples, but
    the customer names our product and what goes wrong with it: the problem flow asks on."""
    assert chat("en").say(message).route == "ask_version"


@pytest.mark.parametrize(
    ("lang", "answer"),
    [
        (
            "nl",
            "geen idee welke het is. dit staat in de error_log van de hosting:\n"
            'PHP Fatal error:  Uncaught Error: Class "Foo\\Bar" not found in /home/shop/'
            "public_html/wp-content/plugins/wordfence/lib/wfConfig.php:84",
        ),
        (
            "en",
            "no idea which one, the host's error log says:\nPHP Fatal error:  Uncaught Error: "
            'Class "Foo\\Bar" not found in /var/www/html/wp-content/plugins/wordfence/lib/'
            "wfConfig.php:84",
        ),
    ],
)
def test_which_product_answered_with_a_trace_of_another_vendors_plugin(
    chat: Start, lang: str, answer: str
) -> None:
    """No idea which one, with the error log pasted under it: the trace names the culprit,
    another vendor's plugin, and that is the answer (the conflict test), not a dead end."""
    dialogue = chat(lang)
    opening = {
        "nl": "sinds vanochtend is mijn site helemaal wit, het komt door een van jullie plugins",
        "en": "my site has been blank since this morning, it's one of your plugins",
    }[lang]
    assert dialogue.say(opening).route == "ask_product"
    assert dialogue.say(answer).route == "third_party"
