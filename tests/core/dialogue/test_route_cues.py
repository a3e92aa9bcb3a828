"""Route cues are the customer's request to the company, not the same words about their own site
(issue 10: "a cue word overrides a matching FAQ entry")."""

from __future__ import annotations

import pytest

from bot.core.dialogue.lexicon import (
    PROBLEM_CUES,
    QUESTION_CUES,
    ROUTE_CUES,
    STRONG,
    Intent,
    matches,
)
from bot.core.text import fold


def cues(text: str) -> set[str]:
    return {route for route, sources in ROUTE_CUES.items() if matches(route, sources, fold(text))}


@pytest.mark.parametrize(
    ("text", "route"),
    [
        ("i want my money back", "billing"),
        ("kan ik mijn geld terugkrijgen, ik gebruik de plugin niet meer", "billing"),
        ("that doesn't help, i just want the refund done", "billing"),
        ("refund me please", "billing"),
        ("do you have a discount for nonprofits?", "billing"),
        ("mijn kortingscode werkt niet bij het afrekenen in jullie winkel", "billing"),
        ("can i message you on facebook instead of this", "channels"),
        ("zitten jullie op facebook of instagram voor vragen", "channels"),
        ("is there a way to contact you via whatsapp", "channels"),
        ("could your developers build that connector for us? please send a quote", "customization"),
        ("is it possible for you to change the plugin so it also copies our crm", "customization"),
        ("how do i go from the 1 site plan to the 3 site plan, just buy it again?", "billing"),
        ("hoe stap ik over van de persoonlijke licentie naar het bureaupakket", "billing"),
        ("onze bv heeft een nieuwe naam, kan de licentie daarop overgezet worden?", "billing"),
        ("our licence was renewed twice this year", "billing"),
        ("kun je onze site zo aanpassen dat het formulier blauw is", "customization"),
        ("kun je een koppeling met ons boekhoudpakket bouwen?", "customization"),
        (
            "kunnen we van de licentie voor 1 site naar de agency licentie, het verschil betalen?",
            "billing",
        ),
    ],
)
def test_a_request_to_us_is_cued(text: str, route: str) -> None:
    assert route in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "iemand wil zijn geld terug voor een ticket omdat hij ziek is, hoe doe ik dat",
        "how do i refund an order in my shop",
        "kan iedere nieuwe aanmelder een eigen kortingscode krijgen? nu deelt iedereen dezelfde "
        "code op facebook",
        "does the free shipping amount count before or after a discount code",
        "how do I share the form on facebook",
        "can your plugin create a pdf invoice for every order",
        "could your team explain how to add a form to a page",
        "how do i move members from the gold plan to the silver plan when they stop paying",
        "kan je op het formulier vaste knoppen zetten zoals 10, 25 en 50 euro?",  # anyone can
    ],
)
def test_the_same_words_about_the_customers_own_site_are_no_request(text: str) -> None:
    assert not cues(text) & {"billing", "channels", "customization"}


def test_a_question_mark_above_a_sign_off_is_a_question() -> None:
    text = "Sinds kort is de upload 0 bytes. Wat kan dit zijn?\n\nGroet, Marloes"
    assert matches("question", QUESTION_CUES, fold(text))
    assert not matches("question", QUESTION_CUES, fold("de knop 'verder?' doet niets"))


@pytest.mark.parametrize(
    "text",
    [
        "i have a spreadsheet of 80 stores, how do i get them into the locator without typing each",
        "Hallo,\n\nhoe kan ik de kaart groter maken",
        "we run two shops. can we show both on one map",
        "Goedemiddag. Kan ik de kaart groter maken",
        "nieuw hier, waar vind ik de instellingen van het thema",
        "new to the theme, where's the layout stuff like container width",
    ],
)
def test_a_question_opening_a_later_clause_is_a_question(text: str) -> None:
    assert matches("question", QUESTION_CUES, fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "kunnen sollicitanten bij de vacatures ook hun cv uploaden in plaats van te mailen",
        "mogen bezoekers zelf een foto toevoegen aan het recept",
        "werkt het ook met een ander thema",
        "can the plugin take over the recipes i made with another one",
        "we are in maintenance for a weekend. should we tell google first",
        "is there a limit on the number of galleries",
        "are the reminders sent in the attendee's language",
        "when does the reminder go out",
        "wanneer komt de nieuwe versie uit",
    ],
)
def test_a_sentence_opening_with_its_verb_and_a_subject_asks(text: str) -> None:
    """Yes/no questions put the verb first, whatever their subject ("kunnen sollicitanten",
    "can the plugin"), with or without a question mark."""
    assert matches("question", QUESTION_CUES, fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "kan niet meer inloggen sinds de update",
        "when wpml is on, the confirmation message is always in english",
        "wanneer ik de instellingen opsla krijg ik een lege pagina",
        "kan de pagina met de vacatures niet vinden",
        "heb de plugin bijgewerkt en nu is de galerij weg",
        "is broken since the last update",
        "can't save the settings page",
        "cannot open the lightbox on a phone",
        "will try that tomorrow when the shop is closed",
        "did the update this morning and the gallery is fine now",
    ],
)
def test_a_statement_without_its_subject_or_with_a_negation_asks_nothing(text: str) -> None:
    assert not matches("question", QUESTION_CUES, fold(text))


@pytest.mark.parametrize(
    ("text", "calls_us"),
    [
        ("klanten bellen nog steeds dat de webshop in onderhoud staat", False),
        ("de hele dag bellen mensen dat het formulier niet werkt", False),
        ("kan ik jullie bellen?", True),
        ("ik wil liever even bellen", True),
        ("bellen?", True),
    ],
)
def test_calling_is_a_channel_request_only_when_the_customer_calls_us(
    text: str, calls_us: bool
) -> None:
    assert ("channels" in cues(text)) is calls_us


@pytest.mark.parametrize("text", ["goeiemorgen!", "goedemorgen", "goeienavond", "goedendag"])
def test_a_greeting_in_its_spoken_form_is_a_greeting(text: str) -> None:
    assert matches("greeting", STRONG[Intent.GREETING], fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "sinds de update, kan ik niet meer inloggen",
        "de kaart is grijs, wat ik ook probeer",
        "i click save, what happens then is that the page reloads",
        "the feed is empty when i open the page",
    ],
)
def test_the_same_words_inside_a_statement_ask_nothing(text: str) -> None:
    assert not matches("question", QUESTION_CUES, fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "i would like to speak to an actual person please",
        "ik wil graag iemand van jullie support spreken, geen bot",
        "kan ik met een echte medewerker praten",
        "can i chat with a human",
    ],
)
def test_conversing_with_a_person_asks_for_one(text: str) -> None:
    assert matches("person", STRONG[Intent.PERSON], fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "how do i talk about our staff on the about page",
        "can my visitors chat with each other under a photo",
        "ik wil 35 medewerkers tegelijk inschrijven",
    ],
)
def test_people_in_a_product_question_ask_for_no_person(text: str) -> None:
    assert not matches("person", STRONG[Intent.PERSON], fold(text))


@pytest.mark.parametrize(
    "text",
    [
        "since their update the compare button sits right on top of the wishlist heart",
        "sinds jullie laatste update doet de plugin heel raar op mijn site",
    ],
)
def test_trouble_dated_from_an_update_is_a_problem(text: str) -> None:
    assert matches("problem", PROBLEM_CUES, fold(text))
    assert not matches("problem", PROBLEM_CUES, fold("how do i update the gallery plugin"))
