"""Reply extraction on constructed messages: languages, client markers, signatures, limits."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.mail.compose import reply_marker_line
from bot.mail.quotes import extract_reply
from tests.growth import LINEAR_AT_10X, growth

QUOTE = "> De plugin geeft een fout.\n> Groet, Support"


@pytest.mark.parametrize(
    ("text", "new_text"),
    [
        # English, Dutch and German attributions, on one line or wrapped by the client
        (
            f"Works now!\n\nOn Mon, 3 Feb 2025 at 10:12, Support <s@nme.example> wrote:\n{QUOTE}",
            "Works now!",
        ),
        (
            "Het werkt weer.\n\n"
            f"Op ma 3 feb. 2025 om 10:12 schreef Support <s@nme.example>:\n{QUOTE}",
            "Het werkt weer.",
        ),
        (
            f"Dank je.\n\nOp 3 feb. 2025, om 10:12 heeft Support <s@nme.example> het volgende "
            f"geschreven:\n\n{QUOTE}",
            "Dank je.",
        ),
        (f"Danke!\n\nAm 03.02.2025 um 10:12 schrieb Support <s@nme.example>:\n{QUOTE}", "Danke!"),
        (
            "Danke!\n\n"
            f"Am Mo., 3. Feb. 2025 um 10:12 Uhr schrieb Support <\ns@nme.example>:\n{QUOTE}",
            "Danke!",
        ),
        (
            f"Thanks\n\nOn Mon, Feb 3, 2025 at 10:12 AM Support Desk\n<s@nme.example>\nwrote:\n\n"
            f"{QUOTE}",
            "Thanks",
        ),
        (
            f"Merci\n\nLe lun. 3 févr. 2025 à 10:12, Support <s@nme.example> a écrit :\n{QUOTE}",
            "Merci",
        ),
        # Outlook header blocks without ">" quoting, in three languages
        (
            "Zie bijlage.\n\nVan: Support <s@nme.example>\n"
            "Verzonden: maandag 3 februari 2025 10:12\n"
            "Aan: klant@example.nl\nOnderwerp: RE: vraag\n\nOude tekst",
            "Zie bijlage.",
        ),
        (
            "Anbei.\n\n*Von:* Support <s@nme.example>\n*Gesendet:* Montag, 3. Februar 2025\n"
            "*An:* kunde@example.de\n*Betreff:* AW: Frage\n\nAlter Text",
            "Anbei.",
        ),
        (
            "See below.\n________________________________\nFrom: Support <s@nme.example>\n"
            "Sent: Monday, February 3, 2025 10:12 AM\nTo: me\nSubject: RE: question\n\nOld",
            "See below.",
        ),
        # separators
        ("Ja.\n\n-----Original Message-----\nFrom: x\n\nold", "Ja."),
        ("Ja.\n\n----- Oorspronkelijk bericht -----\nVan: x\n\noud", "Ja."),
        ("Ja.\n\n-----Ursprüngliche Nachricht-----\nVon: x\n\nalt", "Ja."),
        # ">" quoting: top-posted, bottom-posted and inline answers
        (f"Top posted.\n\n{QUOTE}", "Top posted."),
        (
            f"On 3 Feb 2025, Support <s@nme.example> wrote:\n{QUOTE}\n\nBottom posted.",
            "Bottom posted.",
        ),
        (
            "Hi,\n> Which version?\nVersion 2.3 of the plugin.\n"
            "> And WordPress?\nWordPress 6.7.1 now",
            "Hi,\n\nVersion 2.3 of the plugin.\n\nWordPress 6.7.1 now",
        ),
        # no quote at all, and lines that only look like headers
        (
            "On the settings page nothing happens.\nOp de instellingenpagina gebeurt niets.",
            "On the settings page nothing happens.\nOp de instellingenpagina gebeurt niets.",
        ),
        (
            "From: my shop\nTo: your plugin\nIt crashes.",
            "From: my shop\nTo: your plugin\nIt crashes.",
        ),
        (
            "The error at 10:15:\n\n    Fatal error in line 3",
            "The error at 10:15:\n\n    Fatal error in line 3",
        ),
    ],
)
def test_new_text_is_separated_from_the_quoted_original(text: str, new_text: str) -> None:
    parts = extract_reply(text)
    assert parts.new_text == new_text
    assert not parts.used_fallback


@pytest.mark.parametrize(
    ("text", "new_text", "signature"),
    [
        (
            "Het werkt.\n\nMet vriendelijke groet,\n\nJan Jansen\nJansen BV",
            "Het werkt.",
            "Met vriendelijke groet,\n\nJan Jansen\nJansen BV",
        ),
        ("Het werkt.\n\nVerzonden vanaf mijn iPhone", "Het werkt.", "Verzonden vanaf mijn iPhone"),
        ("Geht.\n\nVon meinem iPhone gesendet", "Geht.", "Von meinem iPhone gesendet"),
        ("Works.\n\nSent from my Galaxy S24", "Works.", "Sent from my Galaxy S24"),
        ("Works.\n-- \nAnna\nhttps://anna.example", "Works.", "--\nAnna\nhttps://anna.example"),
        (
            "Works.\n\nMit freundlichen Grüßen\nAnna Schmidt",
            "Works.",
            "Mit freundlichen Grüßen\nAnna Schmidt",
        ),
        ("Works.\n\n-Anna", "Works.", "-Anna"),
        # a closing with the name on the same line
        ("Het gaat om versie 2.1.\n\nGroet, Anna", "Het gaat om versie 2.1.", "Groet, Anna"),
        ("Works now.\n\nThanks, Bob!", "Works now.", "Thanks, Bob!"),
        ("Versie 2.1\n\nGroeten, Anna de Vries", "Versie 2.1", "Groeten, Anna de Vries"),
        ("Works now.\n\nThanks, that fixed it", "Works now.\n\nThanks, that fixed it", ""),
        ("Regards, what should I try next?", "Regards, what should I try next?", ""),
        # a closing that is the message, or is followed by a question, stays
        ("Thanks!", "Thanks!", ""),
        (
            "Fixed it.\n\nThanks\nBut why did it break?",
            "Fixed it.\n\nThanks\nBut why did it break?",
            "",
        ),
        (
            "Sent from my laptop, the error appears after login.",
            "Sent from my laptop, the error appears after login.",
            "",
        ),
        ("A -- B is not a signature.", "A -- B is not a signature.", ""),
    ],
)
def test_signatures_are_split_off(text: str, new_text: str, signature: str) -> None:
    parts = extract_reply(text)
    assert (parts.new_text, parts.signature) == (new_text, signature)


def test_a_message_that_is_all_quoted_text_has_no_new_text() -> None:
    parts = extract_reply(f"On 3 Feb 2025, Support <s@nme.example> wrote:\n{QUOTE}\n\n")
    assert parts.new_text == ""
    assert "De plugin geeft een fout." in parts.quoted


def test_text_below_a_leading_header_block_is_kept_as_a_fallback() -> None:
    parts = extract_reply("From: Anna <a@x.example>\nSent: today\nTo: you\nSubject: hi\n\nMy text")
    assert (parts.new_text, parts.used_fallback) == ("My text", True)


def test_forwarded_messages_are_content_not_quotes() -> None:
    text = (
        "Please look at this error mail.\n\n---------- Forwarded message ---------\n"
        "From: WordPress <wordpress@site.example>\nDate: Mon, 3 Feb 2025\n"
        "Subject: Your site is experiencing a technical issue\n\nFatal error in plugin.php"
    )
    parts = extract_reply(text)
    assert parts.new_text.startswith("Please look at this error mail.")
    assert parts.new_text.endswith("Fatal error in plugin.php")


def test_our_reply_marker_cuts_even_without_an_attribution_line() -> None:
    text = f"My answer: version 2.3\n\n{reply_marker_line('Please reply above this line')}\nOld"
    assert extract_reply(text).new_text == "My answer: version 2.3"


@pytest.mark.parametrize(
    "quote_html",
    [
        '<div class="gmail_quote">On Mon wrote:<blockquote class="gmail_quote">old</blockquote>'
        "</div>",
        '<div id="divRplyFwdMsg"><b>From:</b> s@nme.example</div><div>old</div>',
        '<div id="appendonsend"></div><hr><div>old</div>',
        '<blockquote type="cite">old</blockquote>',
        '<div class="moz-cite-prefix">On 03.02.2025 Support wrote:</div><blockquote>old'
        "</blockquote>",
        '<div class="yahoo_quoted"><div>old</div></div>',
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        "<p><b>Van:</b> Support</p></div><p>old</p>",
        '<div class="protonmail_quote">old</div>',
    ],
)
def test_client_html_markers_cut_the_quote(quote_html: str) -> None:
    html = f"<div>Nieuwe tekst</div><div><br></div>{quote_html}"
    parts = extract_reply("", html)
    assert parts.new_text == "Nieuwe tekst"
    assert "old" in parts.quoted


def test_a_users_own_blockquote_without_attribution_is_kept() -> None:
    html = "<p>The readme says:</p><blockquote>Activate the licence first</blockquote><p>I did.</p>"
    parts = extract_reply("", html)
    assert "I did." in parts.new_text


def test_html_that_is_only_a_quote_falls_back_to_the_plain_text() -> None:
    parts = extract_reply("Plain reply", '<blockquote type="cite">old</blockquote>')
    assert parts.new_text == "Plain reply"


# Hostile texts of about n characters, and n as in the original wall-clock test (whose 2 s
# limit failed under load): each is timed at n / 10 and n.
HOSTILE_TEXTS = [
    pytest.param(lambda n: "On " + "x" * n + " wrote:\n" + "> q\n" * 10, 5_000, id="attribution"),
    pytest.param(lambda n: "On 3 Feb\n" * (n // 9), 180_000, id="many-dates"),
    pytest.param(lambda n: ("> " * (n // 6) + "\n") * 3, 600_000, id="deep-quotes"),
    pytest.param(lambda n: "a:\n" * (n // 3), 120_000, id="many-colons"),
    pytest.param(lambda n: ("From: x\n" * 5 + "\n") * (n // 41), 820_000, id="many-header-blocks"),
    pytest.param(lambda n: "x" * n, 2_000_000, id="one-long-word"),
]


@pytest.mark.parametrize(("build", "size"), HOSTILE_TEXTS)
def test_hostile_text_is_processed_in_linear_time(build: Callable[[int], str], size: int) -> None:
    assert growth(build, extract_reply, n=size // 10) < LINEAR_AT_10X
