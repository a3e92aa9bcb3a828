"""Multi-turn conversations: the policy's paths from first message to ticket (or not)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.events import FaqFeedback, TicketRequested
from tests.conftest import NOW

TEXTS = {
    "nl": {
        "broken": "de plugin werkt niet meer",
        "product": "AppointPress",
        "old": "versie 3.1",
        "latest": "3.4.2",
        "updated": "bijgewerkt, maar het probleem is er nog",
        "now_on": "heb nu {version} erop gezet maar vanochtend weer hetzelfde",
        "details": "Bij het opslaan van een afspraak zie ik een wit scherm. WordPress 6.6, PHP 8.2",
        "email": "mijn adres is jan@example.org",
        "faq": "hoe koppel ik google agenda aan appointpress",
        "no": "nee, dat hielp niet",
        "yes": "ja, bedankt",
        "person": "ik wil een medewerker spreken",
        "later": "hallo, is er al nieuws?",
    },
    "en": {
        "broken": "the plugin stopped working",
        "product": "AppointPress",
        "old": "version 3.1",
        "latest": "3.4.2",
        "updated": "updated, still a problem",
        "now_on": "put {version} on it this morning, same thing again",
        "details": "Saving an appointment gives a white screen. WordPress 6.6, PHP 8.2",
        "email": "you can reach me at jan@example.org",
        "faq": "how do I connect google calendar to appointpress",
        "no": "no, that didn't help",
        "yes": "yes thanks",
        "person": "I want to talk to a person",
        "later": "hello, any news?",
    },
}
LANGS = ["nl", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_bug_on_an_old_version_is_asked_to_update_and_gets_no_ticket(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    assert chat.routes(t["broken"], t["product"], t["old"]) == [
        "ask_product",
        "ask_version",
        "update_required",
    ]
    assert "3.4.2" in chat.text
    assert not any(turn.event(TicketRequested) for turn in chat.turns)


@pytest.mark.parametrize("lang", LANGS)
def test_bug_on_the_latest_version_collects_details_then_opens_a_ticket(
    dialogue, lang: str
) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    routes = chat.routes(t["broken"], t["product"], t["latest"], t["details"], t["email"])
    assert routes == ["ask_product", "ask_version", "ask_details", "ask_email", "ticket"]
    ticket = chat.turns[-1]
    assert ticket.ticket == "NME-1001" and ticket.state.status == "waiting_for_staff"
    slots = ticket.state.slots
    assert (slots.product, slots.version, slots.wp_version, slots.php_version, slots.email) == (
        "appointpress",
        "3.4.2",
        "6.6",
        "8.2",
        "jan@example.org",
    )
    request = ticket.event(TicketRequested)
    assert isinstance(request, TicketRequested) and request.reason == "bug"
    assert request.due_at == NOW + timedelta(hours=24)


@pytest.mark.parametrize("lang", LANGS)
def test_updated_but_still_broken_continues_to_a_ticket(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    chat.routes(t["broken"], t["product"], t["old"])
    assert chat.routes(t["updated"], t["details"]) == ["ask_details", "ticket"]
    assert chat.state.slots.version == "3.4.2"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("version", "route"), [("3.4.2", "ask_details"), ("3.3", "update_required")]
)
def test_the_version_updated_to_says_the_customer_updated(
    dialogue, lang: str, version: str, route: str
) -> None:
    """Naming a newer version after "please update" is the update, whatever words come with
    it; the bug is then on that version (one still older than the latest: update again)."""
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    chat.routes(t["broken"], t["product"], t["old"])
    assert chat.routes(t["now_on"].format(version=version)) == [route]
    assert chat.state.slots.version == version


@pytest.mark.parametrize("lang", LANGS)
def test_faq_answer_that_did_not_help_leads_to_a_ticket(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    first = chat.say(t["faq"])
    assert first.route == "faq" and first.faq is not None
    assert first.faq.id == "appointpress-google-calendar"
    turn = chat.say(t["no"])
    assert turn.route == "ticket"
    assert FaqFeedback("appointpress-google-calendar", False) in turn.events


FOLLOW_UPS = {
    "nl": "google agenda gekoppeld aan appointpress zoals beschreven, maar nieuwe afspraken "
    "verschijnen niet in google agenda",
    "en": "connected google calendar to appointpress the way it says, but new appointments "
    "don't show up in google calendar",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_follow_up_that_the_same_article_answers_means_it_did_not_help(
    dialogue, lang: str
) -> None:
    """What the customer adds after an article, in its own words ("did it as described, still
    nothing"), matches that article best; sending it again would loop. It did not help."""
    chat = dialogue(lang, email="jan@example.org")
    first = chat.say(TEXTS[lang]["faq"])
    assert first.faq is not None and first.faq.id == "appointpress-google-calendar"
    turn = chat.say(FOLLOW_UPS[lang])
    assert turn.route == "ticket" and turn.faq is None
    assert FaqFeedback("appointpress-google-calendar", False) in turn.events


@pytest.mark.parametrize(
    "follow_up",
    [
        "did exactly that but the appointments are not there",
        "connected it like the article says, nothing shows up",
    ],
)
def test_a_follow_up_that_would_be_suggested_the_same_article_means_it_did_not_help(
    dialogue, follow_up: str
) -> None:
    """Too few words in common for a confident answer, but the article just read still ranks
    first: a list of suggestions headed by it would loop as surely as the answer would."""
    chat = dialogue("en", email="jan@example.org")
    chat.say(TEXTS["en"]["faq"])
    turn = chat.say(follow_up)
    assert turn.route == "ticket" and not turn.suggestions, turn
    assert FaqFeedback("appointpress-google-calendar", False) in turn.events


@pytest.mark.parametrize("lang", LANGS)
def test_faq_answer_that_helped_closes_the_topic(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    chat.say(t["faq"])
    turn = chat.say(t["yes"])
    assert turn.route == "smalltalk"
    assert FaqFeedback("appointpress-google-calendar", True) in turn.events
    assert turn.state.step == "idle"


@pytest.mark.parametrize(
    ("lang", "thanks_and_more"),
    [
        ("nl", "gelukt, bedankt. iets anders: ik ben twee keer afgeschreven voor mijn verlenging"),
        ("en", "that worked, thanks! other thing: can I get an invoice for my renewal?"),
    ],
)
def test_thanks_with_a_new_request_answers_the_request(
    dialogue, lang: str, thanks_and_more: str
) -> None:
    """The thanks counts for the article, and what follows it is a new request (here one for
    the billing address), not a goodbye."""
    chat = dialogue(lang)
    chat.say(TEXTS[lang]["faq"])
    turn = chat.say(thanks_and_more)
    assert turn.route == "billing"
    assert FaqFeedback("appointpress-google-calendar", True) in turn.events


@pytest.mark.parametrize(
    ("lang", "reply"),
    [
        (
            "nl",
            "klopt, dat werkte. iets anders: ik heb nog een factuur nodig op naam van onze "
            "stichting in plaats van op mijn naam",
        ),
        (
            "en",
            "yes that did it. unrelated: our bookkeeper needs the invoice made out to the "
            "company instead of to me",
        ),
    ],
)
def test_a_new_request_after_a_topic_shift_marker_is_answered(
    dialogue, lang: str, reply: str
) -> None:
    """A marker such as "something else:" opens a new request, question mark or not; what
    comes before it answered us."""
    chat = dialogue(lang)
    chat.say(TEXTS[lang]["faq"])
    assert chat.say(reply).route == "billing"


def test_solved_by_the_update_with_a_new_request_answers_the_request(dialogue) -> None:
    chat = dialogue("en", email="jan@example.org")
    chat.routes(TEXTS["en"]["broken"], TEXTS["en"]["product"], TEXTS["en"]["old"])
    turn = chat.say("updated and that fixed it. other thing: can I get an invoice for my renewal?")
    assert turn.route == "billing"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "updated and they're back!! thanks a lot"),
        ("en", "updated, it shows the right times now. sorted, cheers, thank you!"),
        ("nl", "bijgewerkt naar de nieuwste en nu staat alles er weer. dank jullie wel!"),
    ],
)
def test_thanks_after_updating_says_the_update_solved_it(dialogue, lang: str, text: str) -> None:
    """Thanks with the news of the update, and no complaint, is the problem solved: asking
    for the details of a bug that is gone would be the wrong next step."""
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    chat.routes(t["broken"], t["product"], t["old"])
    turn = chat.say(text)
    assert turn.route == "smalltalk"
    assert not turn.event(TicketRequested) and chat.state.step == "idle"


@pytest.mark.parametrize(
    ("lang", "answer"),
    [
        ("en", "no problem, you can email me at jan@example.org - it's the office one"),
        ("en", "no worries: jan@example.org"),
        ("nl", "nee hoor, mail maar naar jan@example.org"),
    ],
)
def test_an_address_given_with_a_no_is_the_address(dialogue, lang: str, answer: str) -> None:
    """A "no problem" agrees, and any message with an address in it answers the question."""
    t = TEXTS[lang]
    chat = dialogue(lang)
    routes = chat.routes(t["broken"], t["product"], t["latest"], t["details"], answer)
    assert routes == ["ask_product", "ask_version", "ask_details", "ask_email", "ticket"]
    assert chat.state.slots.email == "jan@example.org"


@pytest.mark.parametrize(
    ("lang", "details"),
    [
        (
            "nl",
            "WordPress 6.6, PHP 8.2. Ik zoek in het logboek op info+nl@winkel.example en krijg "
            "niets, terwijl de afspraak er wel staat",
        ),
        (
            "en",
            "WordPress 6.6, PHP 8.2. Searching the log for info+nl@shop.example finds nothing, "
            "though the appointment is right there",
        ),
    ],
)
def test_an_address_in_the_details_is_not_taken_as_the_customers(
    dialogue, lang: str, details: str
) -> None:
    """An address in a description of the problem is data (a search term, a sender); the
    ticket's answer must not go there, so the bot still asks where to reach the customer."""
    t = TEXTS[lang]
    chat = dialogue(lang)
    routes = chat.routes(t["broken"], t["product"], t["latest"], details, t["email"])
    assert routes == ["ask_product", "ask_version", "ask_details", "ask_email", "ticket"]
    assert chat.state.slots.email == "jan@example.org"


@pytest.mark.parametrize("lang", LANGS)
def test_request_for_a_person_asks_for_email_then_opens_a_ticket(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    assert chat.routes(t["person"], "not an address", t["email"]) == [
        "ask_email",
        "ask_email",
        "ticket",
    ]
    assert chat.state.slots.email == "jan@example.org"


@pytest.mark.parametrize("lang", LANGS)
def test_after_hand_off_the_bot_acknowledges_once_then_stays_quiet(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    chat.say(t["person"])
    first, second = chat.say(t["later"]), chat.say(t["faq"])
    assert (first.route, second.route) == ("handoff", "handoff")
    assert len(first.messages) == 1 and "NME-1001" in first.messages[0].text
    assert second.messages == ()


def test_a_later_message_corrects_the_version(dialogue) -> None:
    chat = dialogue("en")
    chat.routes("the plugin stopped working", "AppointPress", "3.1")
    assert chat.state.slots.version == "3.1"
    turn = chat.say("sorry, I meant 3.4.2")
    assert chat.state.slots.version == "3.4.2"
    assert turn.route in {"ask_details", "update_required"}


def test_one_message_fills_several_slots(dialogue) -> None:
    chat = dialogue("en")
    chat.say("AppointPress 3.4.2 on WordPress 6.5 and PHP 8.1 shows a blank booking form")
    slots = chat.state.slots
    assert (slots.product, slots.version, slots.wp_version, slots.php_version) == (
        "appointpress",
        "3.4.2",
        "6.5",
        "8.1",
    )


def test_naming_another_product_resets_the_version(dialogue) -> None:
    chat = dialogue("en")
    chat.say("AppointPress 3.1 crashes")
    chat.say("actually it is MailMagnet")
    assert chat.state.slots.product == "mailmagnet" and chat.state.slots.version is None


def test_language_follows_the_customer(dialogue) -> None:
    chat = dialogue("nl")
    chat.say("hello, how do I import subscribers into MailMagnet?")
    assert chat.state.language == "en"
    chat.say("ik wil graag mijn factuur ontvangen")
    assert chat.state.language == "nl"


def test_email_channel_asks_for_everything_missing_in_one_message(dialogue) -> None:
    chat = dialogue("en", channel="email", email="jan@example.org")
    turn = chat.say("Your plugin stopped working after the update. Please help.")
    assert turn.route == "ask_product"
    text = chat.text.lower()
    for wanted in ("product", "version", "wordpress", "php", "error"):
        assert wanted in text
    reply = chat.say(
        "It is AppointPress 3.4.2 on WordPress 6.6 with PHP 8.2. "
        "Saving a booking shows: Fatal error in booking.php"
    )
    assert reply.route == "ticket"


def test_third_party_problem_walks_the_conflict_test_one_step_at_a_time(dialogue) -> None:
    chat = dialogue("en", email="jan@example.org")
    assert (
        chat.say("Since installing WP Rocket the AppointPress calendar is broken").route
        == "third_party"
    )
    assert "deactivate" in chat.text.lower()
    assert chat.say("The problem is still there").route == "third_party"
    assert "theme" in chat.text.lower()
    turn = chat.say("The problem is still there")
    assert turn.route == "ask_version"  # our plugin alone still fails: the bug path begins
    assert turn.state.slots.conflict_test == "persists"
    assert chat.routes("3.4.2", "The calendar is empty, WordPress 6.6, PHP 8.2") == [
        "ask_details",
        "ticket",
    ]
    assert chat.turns[-1].state.slots.conflict_test == "persists"  # on the ticket


def test_a_conflict_test_already_run_on_the_default_theme_skips_the_theme_step(dialogue) -> None:
    """Twenty Twenty-Five is the theme the test switches to, not another party: a customer
    who says they ran with it and all plugins off has done both steps."""
    chat = dialogue("en", email="jan@example.org")
    chat.say("Since installing WP Rocket the AppointPress calendar is broken")
    turn = chat.say(
        "did the test: all plugins off except appointpress, twenty twenty-five as theme, the "
        "calendar is still broken"
    )
    assert turn.route == "ask_version" and turn.state.slots.conflict_test == "persists"
    assert "Twenty Twenty-Five" not in turn.state.slots.third_party


@pytest.mark.parametrize(
    ("lang", "report"),
    [
        ("en", "done: WP Rocket off, all other plugins off too. the calendar keeps spinning"),
        ("nl", "gedaan: wp rocket uit, alle andere plugins ook uit. de agenda blijft draaien"),
    ],
)
def test_a_third_party_switched_off_while_the_symptom_persists_is_no_culprit(
    dialogue, lang: str, report: str
) -> None:
    """Naming the other plugin as switched off, with the trouble still there, is the test's
    "persists", not the culprit found."""
    chat = dialogue(lang, email="jan@example.org")
    chat.say("Since installing WP Rocket the AppointPress calendar is broken")
    turn = chat.say(report)
    assert turn.state.slots.conflict_test != "resolved: WP Rocket"
    assert turn.state.step != "awaiting_ticket_confirm"
    assert turn.route == "third_party" and turn.state.conflict_test_step == 2  # the theme step


@pytest.mark.parametrize(
    ("lang", "report", "correction"),
    [
        ("en", "AppointPress 3.42: saving an appointment gives a white screen", "my bad, 3.4.2"),
        ("nl", "AppointPress 3.42: opslaan van een afspraak geeft wit scherm", "tikfout, 3.4.2"),
    ],
)
def test_a_version_that_was_never_released_is_corrected_and_the_details_asked_again(
    dialogue, lang: str, report: str, correction: str
) -> None:
    """ "3.42" does not exist (the latest is 3.4.2): a short message with a real release
    corrects it, and is no answer to the question for details."""
    chat = dialogue(lang, email="jan@example.org")
    chat.say(report)
    assert "3.4.2" in chat.text and "3.42 is" not in chat.text  # not "the latest version"
    turn = chat.say(correction)
    assert (turn.route, turn.state.slots.version) == ("ask_details", "3.4.2")
    assert chat.routes(TEXTS[lang]["details"]) == ["ticket"]


def test_conflict_test_that_solves_it_names_the_likely_culprit(dialogue) -> None:
    chat = dialogue("nl")
    chat.say("Sinds ik Elementor gebruik werkt AppointPress niet meer")
    turn = chat.say("Het probleem is weg")
    # it waits for the culprit's name (issue 10), but anything else is routed as in idle
    assert turn.route == "third_party" and turn.state.step == "awaiting_culprit"
    assert chat.say("hoe koppel ik mijn google agenda aan appointpress").route == "faq"


def test_closed_conversation_reopens_when_the_customer_writes_again(dialogue, engine) -> None:
    chat = dialogue("en")
    chat.state = engine.closed(chat.state)
    turn = chat.say("how do I connect google calendar to appointpress")
    assert turn.route == "faq" and turn.state.status == "bot"


def test_a_suggestion_from_the_other_language_can_be_chosen(dialogue, kb) -> None:
    """The English readme FAQ is offered to Dutch customers too; choosing it must work."""
    english_only = next(e for e in kb.faq if e.language == "en" and e.id.endswith("-readme-1"))
    chat = dialogue("nl")
    chat.state = chat.state.__class__(
        language="nl", step="awaiting_choice", suggestions=(english_only.ref,), topic="iets"
    )
    turn = chat.say("1")
    assert turn.route == "faq" and turn.faq is not None and turn.faq.id == english_only.id


NEW_SUBJECTS = {
    "nl": "ik heb twee keer betaald voor mijn abonnement, ik wil een medewerker spreken",
    "en": "I was charged twice for my subscription, I want to talk to a person",
}


def _ticket(turn) -> TicketRequested:
    (event,) = [e for e in turn.events if isinstance(e, TicketRequested)]
    return event


@pytest.mark.parametrize("lang", LANGS)
def test_a_person_request_after_a_finished_question_is_about_its_own_subject(
    dialogue, lang: str
) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    chat.routes(t["faq"], t["yes"])
    turn = chat.say(NEW_SUBJECTS[lang])
    assert turn.route == "ticket"
    assert _ticket(turn).summary == NEW_SUBJECTS[lang]
    assert chat.state.slots.product is None  # billing: the earlier product has no part in it


@pytest.mark.parametrize("lang", LANGS)
def test_a_person_request_while_busy_keeps_the_subject_and_product(dialogue, lang: str) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    assert chat.routes(t["broken"], t["product"]) == ["ask_product", "ask_version"]
    turn = chat.say(t["person"])
    assert turn.route == "ticket"
    assert _ticket(turn).summary == t["broken"]
    assert chat.state.slots.product == "appointpress"


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("nl", "kan niet updaten, onze licentie is in maart verlopen"),
        ("en", "can't update, our licence ran out in march"),
    ],
)
def test_cannot_update_because_the_licence_lapsed_goes_to_billing(
    dialogue, lang: str, reason: str
) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    routes = chat.routes(t["broken"], t["product"], t["old"], reason)
    assert routes[-2:] == ["update_required", "billing"]
    assert "billing@example.com" in chat.text


@pytest.mark.parametrize(
    ("lang", "answer"), [("en", "the newsletter one"), ("nl", "die van de bookings")]
)
def test_which_product_is_answered_with_a_word_of_its_name(
    dialogue, lang: str, answer: str
) -> None:
    """ "The newsletter one" answers "which product?" when only MailMagnet's names (MailMagnet
    Newsletter) have that word; the flow goes on to the version."""
    chat = dialogue(lang)
    assert chat.routes(TEXTS[lang]["broken"], answer) == ["ask_product", "ask_version"]
    assert chat.state.slots.product == ("mailmagnet" if lang == "en" else "appointpress")


@pytest.mark.parametrize(
    ("lang", "setup"),
    [
        ("nl", "WordPress 6.6, PHP 8.2, thema Polder 1.6.0. Ook met alleen AppointPress aan"),
        ("en", "WordPress 6.6, PHP 8.2, theme Polder 1.6.0, same with only AppointPress active"),
        ("nl", "wp 6.6, php 8.2, alleen in safari. geen andere plugins behalve MailMagnet"),
        ("en", "wp 6.6, php 8.2, only in safari. no other plugins except MailMagnet"),
        ("en", "WordPress 6.6, PHP 8.2. Active theme: Polder (polder) version 1.6.0. Blank form"),
    ],
)
def test_another_product_of_ours_in_the_details_is_part_of_the_setup(
    dialogue, lang: str, setup: str
) -> None:
    """The details asked for list the site's setup: a theme of ours with its version, or another
    plugin of ours that is active, neither moves the conversation nor lends it a version."""
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    assert chat.routes(t["broken"], t["product"], t["latest"]) == [
        "ask_product",
        "ask_version",
        "ask_details",
    ]
    turn = chat.say(setup)
    slots = chat.state.slots
    assert (slots.product, slots.version) == ("appointpress", "3.4.2")
    assert turn.route == "ticket"


def test_a_correction_in_the_details_still_moves_the_conversation(dialogue) -> None:
    t = TEXTS["en"]
    chat = dialogue("en", email="jan@example.org")
    chat.routes(t["broken"], t["product"], t["latest"])
    chat.say("sorry, I meant MailMagnet 2.8.1, not AppointPress")
    assert (chat.state.slots.product, chat.state.slots.version) == ("mailmagnet", "2.8.1")


def test_the_version_after_a_products_name_is_that_products(engine) -> None:
    sig = engine.services.understanding.read(
        "theme Polder 1.6.0 with AppointPress: the booking form is blank"
    )
    assert sig.product == "polder" and sig.version_of == "polder"
    assert sig.products == ("polder", "appointpress")


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [
        ("nl", "kan niet bijwerken, het is de site van een klant, die moet elke update goedkeuren"),
        ("en", "can't update, it's a client's site and they have to sign off every update"),
    ],
)
def test_cannot_update_is_told_why_the_latest_version_counts_and_how_to_test_it(
    dialogue, lang: str, refusal: str
) -> None:
    t = TEXTS[lang]
    chat = dialogue(lang)
    chat.routes(t["broken"], t["product"], t["old"])
    turn = chat.say(refusal)
    assert turn.route == "update_required"
    text = chat.text
    assert "3.4.2" in text and "billing@" in text
    assert ("testkopie" if lang == "nl" else "staging copy") in text
    assert not turn.event(TicketRequested)


@pytest.mark.parametrize(
    ("lang", "setup"),
    [
        (
            "en",
            "WordPress 6.6, PHP 8.2, theme Astra. Steps: open the booking page, the sync stays off",
        ),
        (
            "nl",
            "WordPress 6.6, PHP 8.2, thema Astra. Stappen: boekingspagina open, agenda blijft leeg",
        ),
    ],
)
def test_a_theme_named_in_the_setup_after_an_answer_is_no_third_party_report(
    dialogue, lang: str, setup: str
) -> None:
    """WordPress and PHP versions with the theme beside them list the site's setup: the theme
    is context, not the subject of a statement about another vendor's product."""
    t = TEXTS[lang]
    chat = dialogue(lang, email="jan@example.org")
    assert chat.say(t["faq"]).route == "faq"
    assert chat.say(setup).route != "third_party"


@pytest.mark.parametrize(
    ("lang", "text", "route"),
    [
        (
            "en",
            "We build our pages with Elementor. How do I connect AppointPress to Google Calendar?",
            "faq",
        ),
        (
            "nl",
            "Onze pagina's zijn met Elementor gemaakt. Hoe koppel ik AppointPress aan Google "
            "Agenda?",
            "faq",
        ),
        (
            "en",
            "Since we installed WP Rocket, AppointPress sends its reminders an hour late. Is "
            "this known to you?",
            "third_party",
        ),
        ("en", "AppointPress with Elementor: the reminders go out an hour late", "third_party"),
    ],
)
def test_another_vendors_product_beside_ours_in_a_question_is_the_setting(
    dialogue, lang: str, text: str, route: str
) -> None:
    """A question names another vendor's product as the site's setting; it is the trouble in
    a statement, or when the customer dates the trouble from it."""
    assert dialogue(lang, email="jan@example.org").say(text).route == route


@pytest.mark.parametrize(
    ("lang", "question", "followed"),
    [
        (
            "nl",
            "Bezoekers zien nog de oude versie van de pagina",
            "cache geleegd in wp rocket en bij de host, nog steeds de oude pagina. polder 1.6.0",
        ),
        (
            "en",
            "Visitors still see the old version of the page",
            "emptied the cache in wp rocket and at the host, still the old page. polder 1.6.0",
        ),
    ],
)
def test_following_the_articles_advice_in_another_vendors_plugin_is_no_third_party_report(
    dialogue, lang: str, question: str, followed: str
) -> None:
    """The article says to empty the cache of WP Rocket (or another caching plugin): the
    customer who did so and still has the problem reports on our advice, not on WP Rocket."""
    chat = dialogue(lang, email="jan@example.org")
    assert chat.say(question).faq.id == "changes-not-visible"
    assert chat.say(followed).route != "third_party"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "AppointPress is fine, but MailMagnet 2.8.1 sends no confirmation mails anymore"),
        ("nl", "AppointPress werkt prima, maar MailMagnet 2.8.1 verstuurt geen bevestigingsmails"),
    ],
)
def test_another_product_of_ours_with_its_own_version_becomes_the_subject(
    dialogue, lang: str, text: str
) -> None:
    chat = dialogue(lang)
    assert chat.say(TEXTS[lang]["faq"]).route == "faq"
    assert chat.state.slots.product == "appointpress"
    chat.say(text)
    assert (chat.state.slots.product, chat.state.slots.version) == ("mailmagnet", "2.8.1")
