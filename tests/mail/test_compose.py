"""Outgoing replies parsed back with the email package, header by header; signed Message-IDs."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.address_headers import MAIL_POLICY
from bot.mail.autoreply_rules import should_auto_reply
from bot.mail.compose import (
    ThreadContext,
    compose_reply,
    find_ticket_tag,
    reply_subject,
    trim_references,
)
from bot.mail.message import InboundMail, parse_message
from bot.mail.message_ids import (
    first_signed_reference,
    sign_message_id,
    verify_message_id,
)
from bot.mail.quotes import extract_reply

SECRET = "test-secret"
DOMAIN = "nme.example"
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def inbound(*headers: str, body: str = "Mijn plugin werkt niet.") -> InboundMail:
    lines = [
        "From: Anna de Vries <anna@klant.example>",
        "To: support@nme.example",
        "Subject: Re: Re: Foutmelding",
        "Message-ID: <m3@klant.example>",
        "References: <m1@klant.example> <m2@nme.example>",
        *headers,
    ]
    return parse_message(("\r\n".join(lines) + "\r\n\r\n" + body).encode())


def compose(mail: InboundMail, *, automated: bool = True, **kwargs: object) -> EmailMessage:
    options: dict[str, object] = {
        "sender": "support@nme.example",
        "sender_name": "NME Support",
        "text": "Hallo Anna,\n\nWelke versie gebruikt u? Zie https://nme.example/docs.",
        "message_id": sign_message_id("reply", "c42", secret=SECRET, domain=DOMAIN),
        "automated": automated,
        "ticket_tag": "NME-1001",
        "loop_header_value": "nme.example",
        "date": WHEN,
        "language": "nl",
    }
    options.update(kwargs)
    return compose_reply(ThreadContext.replying_to(mail), **options)  # type: ignore[arg-type]


def parsed(message: EmailMessage) -> EmailMessage:
    back = email.message_from_bytes(message.as_bytes(policy=MAIL_POLICY), policy=policy.default)
    assert isinstance(back, EmailMessage)
    return back


def test_bot_reply_headers_read_back_exactly() -> None:
    back = parsed(compose(inbound()))
    assert back["From"] == "NME Support <support@nme.example>"
    assert back["To"] == "Anna de Vries <anna@klant.example>"
    assert back["Cc"] is None and back["Bcc"] is None
    assert back["Subject"] == "Re: Foutmelding [NME-1001]"
    assert back["In-Reply-To"] == "<m3@klant.example>"
    assert back["References"].split() == [
        "<m1@klant.example>",
        "<m2@nme.example>",
        "<m3@klant.example>",
    ]
    assert back["Auto-Submitted"] == "auto-replied"
    assert back["X-Auto-Response-Suppress"] == "OOF, AutoReply"
    assert back["X-Loop"] == "nme.example"
    assert back["Content-Language"] == "nl"
    assert back["Date"].datetime == WHEN
    assert verify_message_id(back["Message-ID"], secret=SECRET, domain=DOMAIN) is not None


def test_bot_reply_has_text_and_html_alternatives() -> None:
    back = parsed(compose(inbound()))
    assert back.get_content_type() == "multipart/alternative"
    plain = back.get_body(("plain",))
    html = back.get_body(("html",))
    assert plain is not None and html is not None
    assert "Welke versie gebruikt u?" in plain.get_content()
    assert '<a href="https://nme.example/docs">' in html.get_content()


def test_staff_replies_carry_no_automation_headers() -> None:
    back = parsed(compose(inbound(), automated=False))
    assert back["Auto-Submitted"] is None
    assert back["X-Auto-Response-Suppress"] is None
    assert back["Precedence"] is None
    assert back["In-Reply-To"] == "<m3@klant.example>"


def test_reply_goes_to_reply_to_only() -> None:
    back = parsed(compose(inbound("Reply-To: Team <team@klant.example>", "Cc: boss@klant.example")))
    assert back["To"] == "team@klant.example"
    assert back["Cc"] is None


def test_our_own_reply_coming_back_is_never_answered() -> None:
    ours = parse_message(compose(inbound()).as_bytes())
    decision = should_auto_reply(
        ours,
        own_addresses=["support@nme.example"],
        own_message_id_domain=DOMAIN,
        loop_header_value="nme.example",
    )
    assert (decision.reply, decision.reason) == (False, "loop_header")


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("Eve\r\nBcc: victim@example.com", "Hi\r\nBcc: victim@example.com"),
        ("Eve\nX-Injected: 1", "Hi\rX-Injected: 1"),
        ('Eve "quoted" <x>', "=?utf-8?q?Hi=0D=0ABcc:_v@example.com?="),
        ("=?utf-8?q?Eve=0D=0ABcc:_v@example.com?=", "Hi"),
        # encoded twice: decoding once must not leave an encoded line break behind
        ("Eve", "=?utf-8?b?PT91dGYtOD9xP0hpPTBEPTBBQmNjOl92QGV4YW1wbGUuY29tPz0=?="),
    ],
)
def test_header_injection_through_names_and_subjects_is_flattened(name: str, subject: str) -> None:
    thread = ThreadContext(recipient="eve@example.com", recipient_name=name, subject=subject)
    message = compose_reply(
        thread,
        sender="support@nme.example",
        text="x",
        message_id="<a.b.c.d@nme.example>",
        automated=True,
    )
    back = parsed(message)
    assert back["Bcc"] is None and back["X-Injected"] is None
    assert [str(a.addr_spec) for a in back["To"].addresses] == ["eve@example.com"]
    assert "\n" not in back["Subject"] and "\r" not in back["Subject"]


_EXPECTED_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "auto-submitted",
    "x-auto-response-suppress",
    "x-loop",
    "mime-version",
    "content-type",
    "content-language",
}


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=60), subject=st.text(max_size=120), loop=st.text(max_size=30))
def test_no_text_from_outside_can_add_a_header_or_a_recipient(
    name: str, subject: str, loop: str
) -> None:
    thread = ThreadContext(recipient="anna@klant.example", recipient_name=name, subject=subject)
    message = compose_reply(
        thread,
        sender="support@nme.example",
        text="x",
        message_id="<a.b.c.d@nme.example>",
        automated=True,
        loop_header_value=loop or "nme.example",
        language="nl",
    )
    back = parsed(message)
    assert {key.lower() for key in back.keys()} <= _EXPECTED_HEADERS
    assert [a.addr_spec for a in back["To"].addresses] == ["anna@klant.example"]


@pytest.mark.parametrize(
    "recipient", ["", "not-an-address", "a\r\n@b", "a b@c.example", "a@b.example, c@d.example"]
)
def test_an_unusable_recipient_is_refused(recipient: str) -> None:
    with pytest.raises(ValueError):
        compose_reply(
            ThreadContext(recipient=recipient),
            sender="support@nme.example",
            text="x",
            message_id="<a@b>",
            automated=True,
        )


@pytest.mark.parametrize(
    ("subject", "tag", "expected"),
    [
        ("Foutmelding", None, "Re: Foutmelding"),
        ("Re: Foutmelding", None, "Re: Foutmelding"),
        ("RE: re: Re[2]: Foutmelding", None, "Re: Foutmelding"),
        ("AW: Antw: SV: Frage", None, "Re: Frage"),
        ("Fwd: error", None, "Re: Fwd: error"),
        ("Foutmelding", "NME-1001", "Re: Foutmelding [NME-1001]"),
        ("Re: Foutmelding [NME-1001]", "NME-1001", "Re: Foutmelding [NME-1001]"),
        ("Re: [nme-1001] Foutmelding", "NME-1001", "Re: Foutmelding [NME-1001]"),
        ("", "NME-1001", "Re: [NME-1001]"),
        ("Line\r\nbreak", None, "Re: Line break"),
    ],
)
def test_reply_subject_has_one_re_and_one_tag(subject: str, tag: str | None, expected: str) -> None:
    assert reply_subject(subject, tag) == expected


@pytest.mark.parametrize(
    ("subject", "found"),
    [
        ("Re: Foutmelding [NME-1001]", "NME-1001"),
        ("[nme-42] vraag", "NME-42"),
        ("Re: [#NME-7] x", "NME-7"),
        ("[ NME-8 ]", "NME-8"),
        ("NME-1001 without brackets", None),
        ("[ABC-1001]", None),
        ("[NME-]", None),
    ],
)
def test_ticket_tag_is_found_in_subjects(subject: str, found: str | None) -> None:
    assert find_ticket_tag(subject, "NME") == found


def test_references_are_trimmed_like_rt() -> None:
    refs = [f"<r{i}@x>" for i in range(15)]
    assert trim_references(refs) == tuple(refs[:4] + refs[-6:])
    assert trim_references(refs[:10]) == tuple(refs[:10])
    assert trim_references(["<a@x>", "<a@x>", "<b@x>"]) == ("<a@x>", "<b@x>")


def test_long_reference_chains_are_trimmed_in_the_reply() -> None:
    chain = " ".join(f"<r{i}@klant.example>" for i in range(30))
    back = parsed(compose(inbound(f"References: {chain}")))
    assert len(back["References"].split()) == 10


# -- signed Message-IDs ----------------------------------------------------------------------
def test_signed_message_id_survives_a_round_trip() -> None:
    message_id = sign_message_id("reply", "c42", secret=SECRET, domain=DOMAIN, nonce="n1")
    found = verify_message_id(message_id, secret=SECRET, domain=DOMAIN)
    assert found is not None
    assert (found.kind, found.conversation_ref, found.nonce, found.domain) == (
        "reply",
        "c42",
        "n1",
        DOMAIN,
    )
    assert message_id.startswith("<reply.c42.n1.") and message_id.endswith("@nme.example>")


def test_nonces_make_every_id_unique() -> None:
    ids = {sign_message_id("reply", "c42", secret=SECRET, domain=DOMAIN) for _ in range(50)}
    assert len(ids) == 50


@pytest.mark.parametrize(
    "forge",
    [
        lambda mid: mid.replace(".c42.", ".c43."),  # another conversation
        lambda mid: mid.replace("<reply.", "<ack."),  # another kind
        lambda mid: mid.replace("@nme.example", "@evil.example"),
        lambda mid: mid[:-15] + ("0" if mid[-15] != "0" else "1") + mid[-14:],  # one hex digit
        lambda mid: "<reply.c42.n1.00000000000000000000000000000000@nme.example>",
        lambda mid: "<reply.c42.n1@nme.example>",
        lambda mid: "",
    ],
)
def test_forged_message_ids_fail(forge: object) -> None:
    message_id = sign_message_id("reply", "c42", secret=SECRET, domain=DOMAIN, nonce="n1")
    assert verify_message_id(forge(message_id), secret=SECRET, domain=DOMAIN) is None  # type: ignore[operator]


def test_a_message_id_signed_with_another_secret_fails() -> None:
    message_id = sign_message_id("reply", "c42", secret="other", domain=DOMAIN)
    assert verify_message_id(message_id, secret=SECRET) is None


@pytest.mark.parametrize(
    ("kind", "ref"),
    [("re.ply", "c1"), ("reply", "c 1"), ("", "c1"), ("reply", "c1@x"), ("reply", "x" * 65)],
)
def test_unsafe_parts_cannot_be_signed(kind: str, ref: str) -> None:
    with pytest.raises(ValueError):
        sign_message_id(kind, ref, secret=SECRET, domain=DOMAIN)


def test_threading_prefers_in_reply_to_then_the_newest_reference() -> None:
    ours_old = sign_message_id("reply", "old", secret=SECRET, domain=DOMAIN)
    ours_new = sign_message_id("reply", "new", secret=SECRET, domain=DOMAIN)
    forged = "<reply.victim.n.00000000000000000000000000000000@nme.example>"
    mail = inbound(
        f"References: {ours_old} {ours_new} {forged}", "In-Reply-To: <not-ours@klant.example>"
    )
    found = first_signed_reference(mail, secret=SECRET, domain=DOMAIN)
    assert found is not None and found.conversation_ref == "new"
    direct = inbound(f"In-Reply-To: {ours_old}", f"References: {ours_new}")
    found = first_signed_reference(direct, secret=SECRET, domain=DOMAIN)
    assert found is not None and found.conversation_ref == "old"


def test_a_customer_reply_above_our_quoted_mail_is_extracted() -> None:
    ours = compose(inbound(), reply_marker="Typ uw antwoord boven deze regel")
    ours_text = ours.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    quoted = "\n".join(f"> {line}" for line in ours_text.splitlines())
    gmail_style = (
        f"Versie 2.3.1\n\nOp zo 1 mrt 2026 om 13:00 schreef NME Support <s@nme.example>:\n{quoted}"
    )
    no_attribution = f"Versie 2.3.1\n\n{ours_text}"
    assert extract_reply(gmail_style).new_text == "Versie 2.3.1"
    assert extract_reply(no_attribution).new_text == "Versie 2.3.1"
