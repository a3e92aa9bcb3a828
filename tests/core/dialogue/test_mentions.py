"""What a message mentions: here, whether an address is given as the customer's own."""

from __future__ import annotations

import pytest

from bot.core.dialogue.mentions import email_in


@pytest.mark.parametrize(
    "text",
    [
        "jan@example.org",
        "sure, emma.jansen@example.net",
        "yes please send updates to ops@harbour.example",
        "you can reach me at jan@example.org, thanks for looking into it this quickly",
        "Mijn mailadres is jan@example.org, ik hoor het graag als jullie iets weten",
        "stuur het antwoord maar naar jan@example.org want die lees ik het vaakst",
        "Naam: Jan de Vries, bedrijf: Bakkerij de Vries, e-mail: jan@example.org, tel 0612345678",
    ],
)
def test_an_address_given_as_the_customers_own(text: str) -> None:
    address, offered = email_in(text)
    assert address is not None and offered, text


@pytest.mark.parametrize(
    "text",
    [
        "berichten van gravity forms komen binnen als WordPress <wordpress@mijnsite.nl> terwijl "
        "ik info@ heb ingevuld",
        "Searching the log for sales+nl@shop.example finds nothing, though the mail is right there",
        "mails from info@shop.example land in spam at gmail since we moved to the new host",
        "I set the from address to noreply@shop.example but the test mail still bounces back",
        "no address in this message at all, just a description of what goes wrong",
    ],
)
def test_an_address_in_a_description_is_not_the_customers(text: str) -> None:
    assert not email_in(text)[1], text
