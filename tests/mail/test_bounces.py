"""parse_bounce on real DSNs and text bounces, and on mail that merely looks like one."""

from __future__ import annotations

import pytest

from bot.mail.bounce_reports import parse_bounce
from bot.mail.message import parse_message
from tests.mail.realworld import require_email_dir

# (file, permanent, failed recipient, status, original Message-ID) read off each fixture
REAL_BOUNCES = [
    (
        "rt/multipart-report",
        True,
        "jesmund@mailbox.other.example.com",
        "5.1.1",
        "<200308221615.h7MGFGac020135@mx12.other.example.com>",
    ),
    (
        "zammad/mail055.box",
        True,
        "ticket-bounce-trigger2@example.com",
        "5.1.1",
        "<20170526150141.232.13312@example.zammad.loc>",
    ),
    (
        "zammad/mail078.box",
        False,
        "bob.smith@example.de",
        "4.4.1",
        "<20150830145601.30.608881@example.com>",
    ),
    (
        "flanker/bounce/mailbox-full.eml",
        True,
        "user@aol.com",
        "5.2.2",
        "<4E326A95.3010907@example.com>",
    ),
    ("flanker/bounce/delayed.eml", False, "foo@example.com", "4.0.0", None),
    (
        "set-of-emails/bsd/lhost-sendmail-01.eml",
        True,
        "userunknown@bouncehammer.jp",
        "5.1.1",
        "<E1C50F1B-1C83-4820-BC36-AC6FBFBE8568@example.org>",
    ),
    (
        "set-of-emails/bsd/lhost-gmail-01.eml",
        True,
        "userunknown@example.jp",
        "5.1.1",
        "<D992C2C3-F175-4C4D-97E2-53A90E4E5BF5@gmail.com>",
    ),
    (
        "set-of-emails/bsd/lhost-exim-01.eml",
        True,
        "kijitora@example.ed.jp",
        "5.7.0",
        "<E1P1ce6-000Egt-GZ@e1.example.org>",
    ),
    ("set-of-emails/bsd/lhost-qmail-01.eml", True, "kijitora@example.ne.jp", None, None),
    ("set-of-emails/bsd/lhost-yahoo-01.eml", True, "kijitora@example.org", "5.1.1", None),
]


@pytest.mark.parametrize(("path", "permanent", "recipient", "status", "original"), REAL_BOUNCES)
def test_real_bounces_are_read(
    path: str, permanent: bool, recipient: str, status: str | None, original: str | None
) -> None:
    bounce = parse_bounce(parse_message((require_email_dir() / path).read_bytes()))
    assert bounce is not None
    assert bounce.permanent is permanent
    assert recipient in bounce.recipients
    if status:
        assert bounce.status == status
    if original:
        assert bounce.original_message_id == original


@pytest.mark.parametrize(
    "path",
    [
        "set-of-emails/bsd/rfc3834-01.eml",  # vacation notice
        "set-of-emails/bsd/rfc3834-02.eml",  # Exchange automatic reply with Return-Path <>
        "flanker/disposition-notification.eml",  # read receipt
        "flanker/complaints/aol.eml",  # abuse report
        "set-of-emails/not/is-not-bounce-02.eml",  # a human forwarding a message as attachment
        "talon/standard_replies/gmail.eml",
    ],
)
def test_other_mail_is_not_a_bounce(path: str) -> None:
    assert parse_bounce(parse_message((require_email_dir() / path).read_bytes())) is None


def _dsn(action: str, status: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\n"
        "To: bounces@nme.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        f"Final-Recipient: rfc822; klant@example.nl\r\nAction: {action}\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 no such user\r\n\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "From: support@nme.example\r\nMessage-ID: <reply.c1.n.m@nme.example>\r\n\r\n--b--\r\n"
    ).encode()


@pytest.mark.parametrize(
    ("action", "status", "permanent"),
    [
        ("failed", "5.1.1", True),
        ("failed", "4.2.2", False),
        ("delayed", "4.4.7", False),
        ("delayed", "5.0.0", False),
    ],
)
def test_dsn_action_and_status_decide_permanence(action: str, status: str, permanent: bool) -> None:
    bounce = parse_bounce(parse_message(_dsn(action, status)))
    assert bounce is not None
    assert (bounce.permanent, bounce.status, bounce.action) == (permanent, status, action)
    assert bounce.recipients == ("klant@example.nl",)
    assert bounce.original_message_id == "<reply.c1.n.m@nme.example>"
    assert bounce.diagnostic == "smtp; 550 no such user"


@pytest.mark.parametrize(
    ("head", "body"),
    [
        # the daemon's address is empty: only its name says who it is
        ("From: MAILER-DAEMON <>\r\nSubject: Mail delivery failed", "550 5.1.1 <gone@x.example>"),
        # an SMS gateway's postmaster, spelled with an underscore, answering "Re:"
        (
            "From: post_master@vtext.example\r\nSubject: Re:Test message",
            "Error: 550 no such user gone@x.example",
        ),
        (
            "From: MAILER-DAEMON@mx.example\r\nSubject: failed delivery",
            "Your mail to gone@x.example could not be delivered.",
        ),
        (
            "From: Mail Delivery System <mailer-daemon@mx.example>\r\nSubject: Mail failure",
            "The following address had permanent fatal errors: gone@x.example",
        ),
    ],
)
def test_bounces_without_report_structure_are_recognised_by_content(head: str, body: str) -> None:
    raw = f"{head}\r\nTo: support@nme.example\r\n\r\n{body}\r\n".encode()
    bounce = parse_bounce(parse_message(raw))
    assert bounce is not None and "gone@x.example" in bounce.recipients


def test_a_person_writing_about_a_failed_delivery_is_not_a_bounce() -> None:
    raw = (
        b"From: Anna <anna@klant.example>\r\nTo: support@nme.example\r\n"
        b"Subject: Mail delivery failed for my newsletter\r\n\r\n"
        b"My newsletter could not be delivered: 550 5.1.1 user unknown. What now?\r\n"
    )
    assert parse_bounce(parse_message(raw)) is None
