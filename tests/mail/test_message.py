"""parse_message on hand-built RFC 5322 bytes: charsets, structure, and the bad-input list."""

from __future__ import annotations

import base64
import dataclasses
import os
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.message import parse_message
from bot.mail.quotes import extract_reply
from tests.growth import LINEAR_AT_10X, growth


def raw_message(*headers: str, body: str | bytes = "Hello", crlf: bool = True) -> bytes:
    """Header lines and a body joined into message bytes, exactly as written."""
    eol = b"\r\n" if crlf else b"\n"
    head = eol.join(h.encode("utf-8", "surrogateescape") for h in headers)
    payload = body if isinstance(body, bytes) else body.encode("utf-8")
    return head + eol + eol + payload.replace(b"\n", eol) if crlf else head + eol + eol + payload


BASIC = ("From: Anna de Vries <anna@klant.example>", "To: support@nme.example", "Subject: Hoi")


def test_plain_message_fields_are_decoded() -> None:
    mail = parse_message(
        raw_message(
            "From: =?utf-8?q?Anna_de_Vri=C3=ABs?= <anna@klant.example>",
            "To: support@nme.example, Bob <bob@nme.example>",
            "Cc: c@nme.example",
            "Reply-To: <replies@klant.example>",
            "Subject: =?iso-8859-1?q?Vraag_over_Gr=FC=DFe?=",
            "Message-ID: <abc@klant.example>",
            "In-Reply-To: <one@nme.example>",
            "References: <zero@nme.example>\r\n <one@nme.example>",
            "Date: Tue, 1 Apr 2025 10:00:00 +0200",
            body="Mijn plugin werkt niet.",
        )
    )
    assert (mail.from_name, mail.from_addr) == ("Anna de Vriës", "anna@klant.example")
    assert mail.reply_to == "replies@klant.example" == mail.reply_address
    assert mail.to == ("support@nme.example", "bob@nme.example")
    assert mail.cc == ("c@nme.example",)
    assert mail.subject == "Vraag over Grüße"
    assert mail.message_id == "<abc@klant.example>"
    assert mail.in_reply_to == "<one@nme.example>"
    assert mail.references == ("<zero@nme.example>", "<one@nme.example>")
    assert mail.date is not None and mail.date.utcoffset() is not None
    assert mail.date.hour == 10
    assert mail.text == "Mijn plugin werkt niet."
    assert mail.headers["SUBJECT"] == ("Vraag over Grüße",)
    assert "x-missing" not in mail.headers


def test_plain_text_is_preferred_over_html() -> None:
    body = (
        "--b\nContent-Type: text/plain; charset=utf-8\n\nPlain words\n"
        "--b\nContent-Type: text/html; charset=utf-8\n\n<p>HTML <b>words</b></p>\n--b--\n"
    )
    mail = parse_message(
        raw_message(*BASIC, 'Content-Type: multipart/alternative; boundary="b"', body=body)
    )
    assert mail.text == "Plain words"
    assert mail.html is not None and "<b>words</b>" in mail.html


def test_html_only_mail_is_converted_to_text() -> None:
    body = "<html><style>p{}</style><p>Eerste regel</p><ul><li>een</li><li>twee</li></ul></html>"
    mail = parse_message(raw_message(*BASIC, "Content-Type: text/html; charset=utf-8", body=body))
    assert mail.text == "Eerste regel\n\n- een\n- twee"


def test_format_flowed_lines_are_joined() -> None:
    mail = parse_message(
        raw_message(
            *BASIC,
            "Content-Type: text/plain; charset=utf-8; format=flowed",
            body="Dit is een lange \nzin.\n> geciteerd \n> verder\n",
        )
    )
    assert mail.text.splitlines()[:2] == ["Dit is een lange zin.", "> geciteerd verder"]


@pytest.mark.parametrize(
    ("charset", "payload", "expected"),
    [
        ("iso-8859-1", "Grüße aus Köln".encode("latin-1"), "Grüße aus Köln"),
        ("iso-8859-15", "Prijs: 10 €".encode("iso-8859-15"), "Prijs: 10 €"),
        ("windows-1252", "“quotes” – dash".encode("cp1252"), "“quotes” – dash"),
        ("gb2312", "测试邮件 𠀀".encode("gb18030"), "测试邮件 𠀀"),  # gb18030-only character
        ("iso-2022-jp", "日本語のテキスト".encode("iso2022_jp"), "日本語のテキスト"),
        ("koi8-r", "Привет".encode("koi8_r"), "Привет"),
        ("x-klingon", "héllo".encode(), "héllo"),  # unknown label: UTF-8 is tried
        ("x-klingon", "héllo".encode("latin-1"), "héllo"),  # ... then windows-1252
        ("iso-8859-1", "mislabelled ü".encode(), "mislabelled ü"),  # UTF-8 declared as latin-1
        ("utf-8", "broken \xff byte".encode("latin-1"), "broken ÿ byte"),
    ],
)
def test_body_charsets_decode_best_effort(charset: str, payload: bytes, expected: str) -> None:
    mail = parse_message(
        raw_message(
            *BASIC,
            f"Content-Type: text/plain; charset={charset}",
            "Content-Transfer-Encoding: 8bit",
            body=payload,
        )
    )
    assert mail.text == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Subject: =?gb2312?B?" + base64.b64encode("测试 𠀀".encode("gb18030")).decode() + "?=",
            "测试 𠀀",
        ),
        ("Subject: =?ISO-2022-JP?B?GyRCJDRDbUo4GyhC?=", "ご注文"),
        ("Subject: =?x-unknown?q?caf=C3=A9?=", "café"),
        ("Subject: =?utf-8?q?split_=E2=82?= =?utf-8?q?=AC_euro?=", "split € euro"),
        ("Subject: =?ISO-8859-1?Q?te?=\r\n =?ISO-8859-1?Q?st?=", "test"),
        ("Subject: Gr\udcfc\udcdfe raw latin-1", "Grüße raw latin-1"),
        ("Subject: Gr\udcc3\udcbc\udcc3\udc9fe raw utf-8", "Grüße raw utf-8"),
    ],
)
def test_header_charsets_decode_best_effort(header: str, expected: str) -> None:
    assert parse_message(raw_message("From: a@b.example", header)).subject == expected


def test_raw_eight_bit_display_name_is_decoded() -> None:
    mail = parse_message(raw_message("From: Ingo L\udcfctkebohle <ingo@example.de>"))
    assert (mail.from_name, mail.from_addr) == ("Ingo Lütkebohle", "ingo@example.de")


def test_attachments_are_kept_with_decoded_names() -> None:
    body = (
        "--b\nContent-Type: text/plain\n\nSee attached\n"
        '--b\nContent-Type: application/pdf; name="x.pdf"\n'
        "Content-Disposition: attachment; filename*=utf-8''factuur%20m%C3%A4rz.pdf\n"
        "Content-Transfer-Encoding: base64\n\n"
        + base64.b64encode(b"%PDF-1.4 data").decode()
        + "\n--b\nContent-Type: image/png\n"
        'Content-Disposition: inline; filename="../../etc/pw.png"\n'
        "Content-ID: <img1@x>\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--b--\n"
    )
    mail = parse_message(
        raw_message(*BASIC, 'Content-Type: multipart/mixed; boundary="b"', body=body)
    )
    pdf, png = mail.attachments
    assert (pdf.filename, pdf.content_type, pdf.data, pdf.size) == (
        "factuur märz.pdf",
        "application/pdf",
        b"%PDF-1.4 data",
        13,
    )
    assert (png.filename, png.inline, png.content_id) == ("pw.png", True, "img1@x")
    assert mail.text == "See attached"


def test_attached_message_is_an_attachment_not_the_body() -> None:
    inner = "From: x@y.example\nSubject: inner\n\ninner body\n"
    body = (
        "--b\nContent-Type: text/plain\n\nouter body\n"
        f"--b\nContent-Type: message/rfc822\n\n{inner}--b--\n"
    )
    mail = parse_message(
        raw_message(*BASIC, 'Content-Type: multipart/mixed; boundary="b"', body=body)
    )
    assert mail.text == "outer body"
    assert mail.attachments[0].content_type == "message/rfc822"
    assert b"inner body" in mail.attachments[0].data


def test_attached_message_keeps_its_header_fields_as_received() -> None:
    # Folded where its sender folded it, 8-bit bytes as they came: written back, not refolded.
    inner = (
        "From: x@y.example\nSubject: a subject, long enough, that its sender folded it\n"
        "\there, at a tab; and a word in 8 bits: caf\xe9\nX-Long: " + "w" * 120 + "\n\ninner\n"
    )
    body = f"--b\nContent-Type: message/rfc822\n\n{inner}--b--\n"
    raw = raw_message(*BASIC, 'Content-Type: multipart/mixed; boundary="b"', body="")
    raw += body.encode("latin-1")
    sent = inner.encode("latin-1")[:-1]  # the last line break belongs to the boundary
    (attached,) = parse_message(raw).attachments
    assert attached.data == sent and attached.size == len(sent)


# -- the bad-input list from the issue ---------------------------------------------------------
def test_truncated_mime_keeps_what_arrived() -> None:
    body = (
        "--b\nContent-Type: text/plain\n\nThe first part arrived.\n"
        "--b\nContent-Type: application/zip\nContent-Transfer-Encoding: base64\n\nUEsDBBQAAAAI"
    )
    mail = parse_message(
        raw_message(*BASIC, 'Content-Type: multipart/mixed; boundary="b"', body=body)
    )
    assert mail.text == "The first part arrived."
    assert mail.defects  # the missing close boundary is recorded


def test_message_cut_at_every_byte_still_parses() -> None:
    whole = raw_message(
        *BASIC,
        'Content-Type: multipart/mixed; boundary="b"',
        body="--b\nContent-Type: text/plain\n\nBody text\n--b--\n",
    )
    for cut in range(len(whole) + 1):
        assert parse_message(whole[:cut]).size == cut
    assert parse_message(whole).text == "Body text"


def test_multipart_without_boundary_parameter_is_read_as_text() -> None:
    mail = parse_message(
        raw_message(*BASIC, "Content-Type: multipart/mixed", body="Just some text")
    )
    assert "Just some text" in mail.text
    assert mail.defects


def test_multipart_whose_boundary_never_appears_is_read_as_text() -> None:
    mail = parse_message(
        raw_message(
            *BASIC,
            'Content-Type: multipart/mixed; boundary="zz"',
            body="No parts here, only words.",
        )
    )
    assert "only words" in mail.text


def mail_with_attachment(size: int) -> tuple[bytes, bytes]:
    """A raw message with a `size`-byte base64 attachment, and the attachment's bytes."""
    payload = os.urandom(size)
    encoded = base64.encodebytes(payload).decode()
    body = (
        "--b\nContent-Type: text/plain\n\nSite backup attached.\n"
        "--b\nContent-Type: application/zip\nContent-Disposition: attachment; filename=b.zip\n"
        f"Content-Transfer-Encoding: base64\n\n{encoded}--b--\n"
    )
    return raw_message(*BASIC, 'Content-Type: multipart/mixed; boundary="b"', body=body), payload


def test_a_25_mb_attachment_is_capped_without_copying_it_around() -> None:
    raw, payload = mail_with_attachment(25 * 1024 * 1024)
    tracemalloc.start()
    try:
        mail = parse_message(raw, attachment_limit=2 * 1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    attachment = mail.attachments[0]
    assert attachment.size == len(payload)
    assert attachment.truncated and len(attachment.data) == 2 * 1024 * 1024
    assert attachment.data == payload[: 2 * 1024 * 1024]
    assert mail.text == "Site backup attached."
    assert peak < len(raw)  # parsing used less than one more copy of the message


def test_parsing_an_attachment_grows_linearly_with_its_size() -> None:
    """2.5 MB and 25 MB: the cap must not cost more per byte on a bigger attachment."""
    ratio = growth(
        lambda size: mail_with_attachment(size)[0],
        lambda raw: parse_message(raw, attachment_limit=2 * 1024 * 1024),
        n=5 * 512 * 1024,
    )
    assert ratio < LINEAR_AT_10X


def many_recipients(count: int) -> bytes:
    recipients = ", ".join(f'"User {i}" <user{i}@example.com>' for i in range(count))
    return raw_message("From: a@b.example", f"To: {recipients}", f"Cc: {recipients}", "Subject: x")


def test_ten_thousand_recipients_parse_in_linear_time() -> None:
    mail = parse_message(many_recipients(10_000))
    assert len(mail.to) == len(mail.cc) == 10_000
    assert mail.to[-1] == "user9999@example.com"
    assert growth(many_recipients, parse_message, n=1_000) < LINEAR_AT_10X


@pytest.mark.parametrize(
    "header",
    [
        "Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.com?=",
        "Subject: =?utf-8?b?" + base64.b64encode(b"Hi\r\nBcc: victim@example.com").decode() + "?=",
        "Subject: Hello\x00\x0bBcc: victim@example.com",
    ],
)
def test_control_characters_in_subjects_are_flattened(header: str) -> None:
    subject = parse_message(raw_message("From: a@b.example", header)).subject
    assert "\r" not in subject and "\n" not in subject and "\x00" not in subject
    assert subject.endswith("Bcc: victim@example.com")


def test_control_characters_in_display_names_are_flattened() -> None:
    mail = parse_message(raw_message("From: =?utf-8?q?Eve=0D=0ABcc:_x@y?= <eve@example.com>"))
    assert mail.from_addr == "eve@example.com"
    assert mail.from_name == "Eve Bcc: x@y"


def test_nul_bytes_are_removed_from_text_and_headers() -> None:
    mail = parse_message(
        raw_message("From: a\x00b <a@b.example>", "Subject: x\x00y", body=b"Hello\x00 world\x00")
    )
    assert "\x00" not in mail.text + mail.subject + mail.from_name
    assert mail.text == "Hello world"


def test_a_message_that_is_all_quoted_text_is_stored_but_has_no_new_text() -> None:
    body = (
        "On Mon, 3 Feb 2025 at 10:12, NME Support <support@nme.example> wrote:\n"
        "> Welke versie van de plugin gebruikt u?\n>\n> Met vriendelijke groet,\n> Support\n"
    )
    mail = parse_message(raw_message(*BASIC, "In-Reply-To: <reply.c1.n.m@nme.example>", body=body))
    parts = extract_reply(mail.text, mail.html)
    assert mail.text.startswith("On Mon, 3 Feb 2025")  # the full original is kept
    assert parts.new_text == ""
    assert "Welke versie" in parts.quoted


@pytest.mark.parametrize("raw", [b"", b"\x00" * 100, b"\r\n\r\n", b"From:\r\n\r\n", b"garbage"])
def test_degenerate_input_gives_an_empty_mail_not_an_error(raw: bytes) -> None:
    mail = parse_message(raw)
    assert mail.from_addr == ""
    assert mail.reply_address == ""


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_parse_message_never_raises_on_arbitrary_bytes(raw: bytes) -> None:
    parse_message(raw)


_HEADER_NAMES = st.sampled_from(
    [
        "From",
        "To",
        "Cc",
        "Subject",
        "Reply-To",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "Message-ID",
        "References",
        "Date",
        "Return-Path",
        "X-Loop",
    ]
)
_HEADER_VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "multipart/mixed; boundary=x",
            "text/plain; charset=x-bogus",
            "base64",
            "quoted-printable",
            "=?utf-8?b?!!!?=",
            "=?gb2312?q?=FF=FE?=",
            "<>",
            "<a@b",
            "a@",
            "attachment; filename*=bogus''%FF",
            "message/rfc822",
            "text/html",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=10), st.text(max_size=300))
def test_parse_message_never_raises_on_hostile_headers(
    headers: list[tuple[str, str]], body: str
) -> None:
    lines = [f"{name}: {value}" for name, value in headers]
    raw = (
        "\r\n".join(lines).encode("utf-8", "surrogatepass")
        + b"\r\n\r\n"
        + body.encode("utf-8", "surrogatepass")
    )
    mail = parse_message(raw)
    assert "\n" not in mail.subject + mail.from_name


def test_reply_parts_are_read_once_per_mail_and_again_for_a_changed_copy() -> None:
    body = "Mijn vraag staat hier.\n\nOn Mon, 3 Feb 2025, Support wrote:\n> Oude tekst\n"
    mail = parse_message(raw_message(*BASIC, body=body))
    parts = mail.reply_parts
    assert parts == extract_reply(mail.text, mail.html)
    assert parts.new_text == "Mijn vraag staat hier." and "Oude tekst" in parts.quoted
    assert mail.reply_parts is parts  # the pipeline and `email replay` share one reading
    changed = dataclasses.replace(mail, text="Iets anders.", html=None)
    assert changed.reply_parts.new_text == "Iets anders."
    assert mail.reply_parts is parts
