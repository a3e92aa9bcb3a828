"""KOI8-R, windows-1251 and Shift_JIS mail reads right: declared, undeclared or mislabelled."""

from __future__ import annotations

import pytest

from bot.mail.charsets import decode_bytes, meta_charset
from bot.mail.message import parse_message

RUSSIAN = "Здравствуйте! У меня не работает плагин после обновления, что делать? Спасибо."
JAPANESE = "こんにちは。プラグインを更新した後、予約カレンダーが表示されなくなりました。"
GERMAN = "Grüße aus Köln: das Plugin läuft nach dem Update nicht mehr, können Sie helfen?"
CASES = [(RUSSIAN, "koi8-r"), (RUSSIAN, "windows-1251"), (JAPANESE, "shift_jis")]
LABELS = ["", "; charset={own}", "; charset=iso-8859-1", "; charset=utf-8", "; charset=us-ascii"]


def _mail(body: bytes, content_type: str) -> bytes:
    head = "From: a@klant.example\r\nTo: support@nme.example\r\nSubject: Vraag\r\n"
    return (head + f"Content-Type: {content_type}\r\n\r\n").encode() + body


@pytest.mark.parametrize(("text", "charset"), CASES)
@pytest.mark.parametrize("label", LABELS)
def test_text_reads_back_however_it_is_labelled(text: str, charset: str, label: str) -> None:
    content_type = "text/plain" + label.format(own=charset)
    mail = parse_message(_mail(text.encode(charset), content_type))
    assert mail.text == text


def test_western_text_labelled_latin1_stays_as_it_is() -> None:
    assert decode_bytes(GERMAN.encode("cp1252"), "iso-8859-1") == GERMAN
    assert decode_bytes(GERMAN.encode("cp1252")) == GERMAN


def test_an_html_parts_meta_charset_wins_over_a_wrong_header() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
        f"</head><body><p>{RUSSIAN}</p></body></html>"
    ).encode("koi8-r")
    mail = parse_message(_mail(html, "text/html; charset=iso-8859-1"))
    assert RUSSIAN in mail.text


def test_meta_charset_is_read_from_both_meta_forms() -> None:
    assert meta_charset(b'<meta charset="Shift_JIS">') == "Shift_JIS"
    assert meta_charset(b"<META HTTP-EQUIV=content-type CONTENT='text/html;charset=koi8-r'>") == (
        "koi8-r"
    )
    assert meta_charset(b"<p>no meta here</p>") is None


def test_undeclared_cyrillic_headers_are_readable() -> None:
    raw = (
        b"From: a@klant.example\r\nTo: support@nme.example\r\nSubject: "
        + RUSSIAN[:40].encode("koi8-r")
        + b"\r\n\r\nbody\r\n"
    )
    assert parse_message(raw).subject == RUSSIAN[:40].strip()
