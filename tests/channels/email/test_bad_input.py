"""Hostile and broken mail: stored, answered sensibly or not at all, never a crash or a loss."""

from __future__ import annotations

import base64
import time

import pytest

from bot.channels.email.pipeline import EmailChannel
from bot.storage.db import Database
from tests.channels.email.conftest import HELPDESK, inbound_rows, outbox, parsed

HEAD = f"From: Anna <anna@klant.example>\r\nTo: {HELPDESK}\r\nMessage-ID: <bad@klant.example>\r\n"


def _big_attachment(megabytes: int) -> bytes:
    payload = base64.encodebytes(bytes(range(256)) * (megabytes * 4096)).replace(b"\n", b"\r\n")
    return (
        (
            HEAD + "Subject: Logbestand\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\nHierbij het logbestand van mijn site.\r\n"
            '--b\r\nContent-Type: application/zip; name="log.zip"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + payload
        + b"--b--\r\n"
    )


CASES: dict[str, bytes] = {
    "truncated-mime": (
        HEAD + 'Subject: Kapot\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="x"'
        "\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nMijn plugin geeft een fout en dan stop"
    ).encode(),
    "missing-boundary-parameter": (
        HEAD + "Subject: Geen grens\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
        "Hoe installeer ik de plugin?\r\n"
    ).encode(),
    "boundary-never-used": (
        HEAD + "Subject: Grens\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; "
        'boundary="nooit"\r\n\r\nHoe installeer ik de plugin?\r\n'
    ).encode(),
    "25-mb-attachment": _big_attachment(25),
    "10000-recipients": (
        HEAD.replace(f"To: {HELPDESK}\r\n", "")
        + "To: "
        + ",\r\n ".join(f"user{n}@list.example" for n in range(10_000))
        + f",\r\n {HELPDESK}\r\nSubject: Aan iedereen\r\n\r\nHoe installeer ik de plugin?\r\n"
    ).encode(),
    "header-injection-encoded": (
        "From: =?utf-8?q?Eve=0D=0ABcc:_victim@elders.example?= <eve@elders.example>\r\n"
        f"To: {HELPDESK}\r\nMessage-ID: <inj@elders.example>\r\n"
        "Subject: =?utf-8?q?Hallo=0D=0ABcc:_victim@elders.example=0D=0A=0D=0Abody?=\r\n"
        "Reply-To: eve@elders.example\r\n\r\nHoe installeer ik de plugin?\r\n"
    ).encode(),
    "header-injection-raw-cr": (
        f"From: Eve <eve@elders.example>\r\nTo: {HELPDESK}\r\nMessage-ID: <cr@elders.example>\r\n"
        "Subject: Hallo\rBcc: victim@elders.example\r\n\r\nHoe installeer ik de plugin?\r\n"
    ).encode(),
    "nul-bytes": (
        HEAD + "Subject: Nul\x00bytes\r\n\r\nHoe in\x00stalleer ik de\x00 plugin?\x00\r\n"
    ).encode(),
    "unknown-charsets": (
        HEAD + "Subject: =?x-klingon?q?Vraag_=E9=E9n?=\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=x-klingon-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    + "Hoe installeer ik de plugin? Één vraag.\r\n".encode("latin-1"),
    "all_quoted": (
        HEAD + "Subject: Re: vraag\r\n\r\nOp 25 nov. 2026 om 10:00 schreef Support <"
        f"{HELPDESK}>:\r\n> Welke versie gebruikt u?\r\n"
    ).encode(),
    "no_headers_at_all": b"\x00\x01\x02 binary garbage \xff\xfe without any header\r\n",
    "empty-body": (HEAD + "Subject: Leeg\r\n\r\n").encode(),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_stored_and_answered_sensibly_or_not_at_all(
    channel: EmailChannel, db: Database, name: str
) -> None:
    raw = CASES[name]
    started = time.perf_counter()
    outcome = channel.handle(raw, source="smtp", envelope_sender="anna@klant.example")
    assert time.perf_counter() - started < 30
    assert outcome.outcome in ("replied", "suppressed"), outcome
    (row,) = inbound_rows(db)
    assert (row.raw, row.status) == (raw, "processed")
    for reply in outbox(db):
        message = parsed(reply.raw)
        assert len(message.get_all("To") or []) == 1
        assert len(message["To"].addresses) == 1
        assert message["Bcc"] is None and message["Cc"] is None
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])
        assert message.defects == []


def test_mail_without_any_sender_is_kept_but_not_answered(channel: EmailChannel) -> None:
    outcome = channel.handle(CASES["no_headers_at_all"], source="smtp", envelope_sender="")
    assert (outcome.outcome, outcome.reason) == ("suppressed", "null_sender")


def test_an_injected_bcc_never_becomes_a_recipient(channel: EmailChannel, db: Database) -> None:
    for name in ("header-injection-encoded", "header-injection-raw-cr"):
        channel.handle(CASES[name], source="smtp", envelope_sender="eve@elders.example")
    replies = outbox(db)
    assert len(replies) == 2
    for reply in replies:
        header_lines = reply.raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
        assert not [line for line in header_lines if line.lower().startswith((b"bcc", b"cc"))]
        assert [a.addr_spec for a in parsed(reply.raw)["To"].addresses] == ["eve@elders.example"]
        assert reply.recipient == "eve@elders.example"


def test_the_whole_25_mb_message_is_kept_while_parsing_stays_bounded(
    channel: EmailChannel, db: Database
) -> None:
    raw = CASES["25-mb-attachment"]
    outcome = channel.handle(raw, source="smtp")
    assert outcome.replied
    (row,) = inbound_rows(db)
    assert row.size == len(raw) > 25 * 1024 * 1024
