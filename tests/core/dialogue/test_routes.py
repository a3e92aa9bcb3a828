"""Every SPEC route, in Dutch and English, from a first message (table-driven)."""

from __future__ import annotations

import pytest

from bot.core.dialogue.turn import SubscriptionInfo

FIRST_MESSAGE_ROUTES = [
    # (language, message, expected route)
    ("nl", "hallo", "smalltalk"),
    ("nl", "Bedankt voor de hulp!", "smalltalk"),
    ("en", "hi there", "smalltalk"),
    ("en", "thanks a lot", "smalltalk"),
    ("nl", "hoe koppel ik mijn google agenda aan appointpress", "faq"),
    # thanks in a sign-off under a question without a question mark does not close anything
    (
        "en",
        "Hi, we are a small physiotherapy practice and take bookings with AppointPress. Our "
        "assistant wants to know how she can connect google calendar to appointpress so both "
        "show the same appointments. Cheers, Ben",
        "faq",
    ),
    ("en", "how can I import my subscribers into mailmagnet from a csv file", "faq"),
    ("nl", "de plugin werkt niet meer sinds gisteren", "ask_product"),
    ("en", "the plugin stopped working yesterday", "ask_product"),
    # "one of your plugins" is ours, unnamed: which one?, not another vendor's
    (
        "nl",
        "sinds ik een van jullie plugins heb geactiveerd werkt mijn site niet meer",
        "ask_product",
    ),
    ("en", "since i activated one of your plugins my site stopped working", "ask_product"),
    ("nl", "AppointPress 3.1 stuurt geen herinneringen meer", "update_required"),
    ("en", "AppointPress 3.1 doesn't send reminders anymore", "update_required"),
    ("nl", "Yoast SEO geeft een foutmelding sinds de update", "third_party"),
    ("en", "Elementor is broken since I updated", "third_party"),
    # "gone" / "weg" is a problem as much as "disappeared"
    ("nl", "na het updaten van elementor is de header op alle pagina's weg", "third_party"),
    ("en", "after updating elementor the header is gone on every page", "third_party"),
    # a statement about another vendor's product that the FAQ does not answer reports on it,
    # whatever words its symptom takes
    ("en", "elementor's image carousel widget shows the photos squashed on tablets", "third_party"),
    ("nl", "de slider van revolution slider toont de foto's uitgerekt op tablets", "third_party"),
    ("nl", "hoe verander ik de permalinks van mijn wordpress site", "wordpress_general"),
    ("en", "how do I change the permalink structure in wordpress", "wordpress_general"),
    (
        "en",
        "Hi there, our club website runs on WordPress with a couple of your plugins. Which user "
        "role should I give volunteers so they can write posts but not change settings? Thanks",
        "wordpress_general",
    ),
    # the customer says it is not about our products: no flow asking which product of ours
    (
        "nl",
        "Goedemorgen,\n\nDit gaat niet over jullie producten, maar misschien weten jullie het: hoe "
        "zorg ik dat een vrijwilliger alleen berichten kan schrijven en niet bij de instellingen "
        "van de site kan komen?\n\nGroet,\nHenk",
        "wordpress_general",
    ),
    (
        "en",
        "Morning,\n\nthis isn't about your plugins, but maybe you know: how do I stop a volunteer "
        "from getting to the settings while they can still write posts?\n\nCheers,\nHenk",
        "wordpress_general",
    ),
    # ... which a problem with one of them is not
    ("nl", "sinds gisteren krijg ik geen updates meer van jullie plugin", "ask_product"),
    ("en", "since yesterday the contact form doesn't work with your plugin", "ask_product"),
    # another vendor's plugin the customer moves away from is no third-party problem
    (
        "nl",
        "we stappen over van MailPoet naar MailMagnet, hoe importeer ik onze bestaande abonnees?",
        "faq",
    ),
    (
        "en",
        "we're switching from MailPoet to MailMagnet, how do we import our existing subscribers?",
        "faq",
    ),
    # ... unless it is in trouble beside ours during the move
    (
        "en",
        "we're switching from MailPoet to MailMagnet and while both are active the signup form "
        "on the homepage shows up twice",
        "third_party",
    ),
    # a statement about what our product does is a report, whatever words its symptom takes
    (
        "nl",
        "een van jullie plugins geeft sinds gisteren een gele balk bovenin het dashboard",
        "ask_product",
    ),
    (
        "en",
        "one of your plugins puts a yellow bar at the top of the dashboard since yesterday",
        "ask_product",
    ),
    # asking the cause of what was described ("any ideas?") reports a problem
    (
        "en",
        "Hi,\n\nwe run a small bakery and take orders with AppointPress. When a customer moves the "
        "calendar to next week, the chosen time resets and they have to start again. Any ideas?"
        "\n\nThanks, Sophie",
        "ask_version",
    ),
    (
        "nl",
        "Hallo,\n\nwij gebruiken AppointPress voor de kapsalon. Als een klant in de agenda naar "
        "volgende week bladert, springt de gekozen tijd terug en moet ze opnieuw beginnen. Wat kan "
        "dit zijn?\n\nGroet, Marloes",
        "ask_version",
    ),
    ("nl", "kunnen jullie een koppeling met ons eigen CRM bouwen voor onze site", "customization"),
    ("en", "can you build a custom integration with our CRM for us", "customization"),
    # work someone the customer hired did on our code ("header.php" is no sentence end)
    (
        "nl",
        "ons webbureau heeft header.php in de appointpress map zelf aangepast en sinds de update "
        "is de agenda weg",
        "customization",
    ),
    (
        "en",
        "our agency changed some of mailmagnet's export code so it skips test lists. since we "
        "updated the export is empty",
        "customization",
    ),
    (
        "en",
        "a contractor rewrote part of appointpress's booking form for our setup, the update "
        "undid it",
        "customization",
    ),
    (
        "nl",
        "onze freelancer heeft in de mailmagnet bestanden een regel toegevoegd voor onze "
        "nieuwsbrief, na de update is die weg",
        "customization",
    ),
    ("nl", "ik wil graag mijn factuur ontvangen", "billing"),
    ("en", "we want the licence for 5 sites instead of 1, what does that cost?", "billing"),
    # a lapsed licence is renewing, whatever the update screen says
    (
        "nl",
        "de licentie van appointpress pro is verlopen, nu komen er geen updates meer",
        "billing",
    ),
    ("en", "mailmagnet says my key expired last month and updates are disabled", "billing"),
    ("en", "I want a refund for my order", "billing"),
    # a request for money back, with its reason: an article on the reason does not answer it
    (
        "nl",
        "ik wil mijn geld terug, de herinneringsmails van appointpress komen niet aan bij mijn "
        "klanten",
        "billing",
    ),
    (
        "en",
        "I want my money back for MailMagnet, the double opt-in confirmation emails never arrive",
        "billing",
    ),
    (
        "en",
        "i want a refund for appointpress, google calendar sync does not show my bookings",
        "billing",
    ),
    ("nl", "kan ik jullie bellen?", "channels"),
    ("en", "do you have a phone number I can call?", "channels"),
    ("nl", "ik wil een medewerker spreken", "ask_email"),
    ("en", "can I talk to a real person please", "ask_email"),
    ("nl", "asdfgh", "fallback"),
    ("en", "qwerty zxcv", "fallback"),
]


@pytest.mark.parametrize(("language", "message", "route"), FIRST_MESSAGE_ROUTES)
def test_first_message_gets_its_route(dialogue, language: str, message: str, route: str) -> None:
    conversation = dialogue(language)
    turn = conversation.say(message)
    assert turn.route == route, conversation.text
    assert turn.state.language == language
    assert turn.messages, "every route except a quiet hand-off says something"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_person_request_with_known_email_opens_a_ticket(dialogue, language: str) -> None:
    conversation = dialogue(language, email="klant@example.org")
    turn = conversation.say(
        "ik wil een medewerker spreken" if language == "nl" else "I want to talk to a person"
    )
    assert turn.route == "ticket"
    assert turn.ticket == "NME-1001"
    assert "NME-1001" in conversation.text and "24" in conversation.text


def test_expired_subscription_is_pointed_to_renewal(dialogue) -> None:
    expired = (SubscriptionInfo("appointpress", "2025-01-31"),)
    conversation = dialogue("en", email="old@example.org", subscriptions=expired)
    turn = conversation.say("AppointPress 3.4.2 crashes when I save a booking")
    assert turn.route == "subscription_expired"
    assert "2025-01-31" in conversation.text and "billing@example.com" in conversation.text


def test_active_subscription_is_supported(dialogue) -> None:
    active = (SubscriptionInfo("appointpress", "2099-01-01"),)
    conversation = dialogue("en", email="new@example.org", subscriptions=active)
    turn = conversation.say("AppointPress 3.1 crashes when I save a booking")
    assert turn.route == "update_required"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nl", "Ik heb AppointPress 3.1 en de reminders komen dubbel"),
        ("en", "On AppointPress 3.1 reminder emails arrive twice"),
    ],
)
def test_update_request_names_latest_version_and_quotes_the_matching_fix(
    dialogue, language: str, message: str
) -> None:
    conversation = dialogue(language)
    turn = conversation.say(message)
    assert turn.route == "update_required"
    assert "3.4.2" in conversation.text
    assert "twice" in conversation.text.lower()  # the changelog's "Fix: ... sent twice"
