"""`email poll` against a real Dovecot: new mail only, marked, answered once, over TLS too."""

from __future__ import annotations

import imaplib
from collections.abc import Iterator

import pytest

from bot.channels.email.imap_poll import TAKEN_KEYWORD, ImapMailbox, ImapPoller
from bot.channels.email.pipeline import EmailChannel
from bot.storage.db import Database
from tests.channels.email.conftest import inbound_rows, mail, outbox
from tests.channels.email.dovecot import Dovecot


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    server = Dovecot().start()
    yield server
    server.stop()


def poller(channel: EmailChannel, dovecot: Dovecot, scheme: str = "imap") -> ImapPoller:
    return ImapPoller(channel, ImapMailbox.from_url(dovecot.url(scheme)))


def question(n: int) -> bytes:
    return mail(
        f"Vraag {n}: hoe installeer ik de plugin?",
        sender=f"klant{n}@klant.example",
        subject=f"Vraag {n}",
        message_id=f"<imap{n}@klant.example>",
    )


def test_new_mail_is_stored_marked_seen_and_answered_once(
    channel: EmailChannel, db: Database, dovecot: Dovecot
) -> None:
    dovecot.append(question(1))
    dovecot.append(question(2))
    report = poller(channel, dovecot).poll_once()
    assert report.fetched == 2 and [o.replied for o in report.outcomes] == [True, True]
    assert [row.raw for row in inbound_rows(db)] == [question(1), question(2)]
    assert all({"\\Seen", TAKEN_KEYWORD} <= flags for flags in dovecot.flags().values())
    again = poller(channel, dovecot).poll_once()
    assert (again.fetched, again.outcomes) == (0, [])
    assert len(outbox(db)) == 2


def test_the_first_run_leaves_old_read_mail_alone_but_later_read_mail_is_taken(
    channel: EmailChannel, db: Database, dovecot: Dovecot
) -> None:
    dovecot.append(question(1), seen=True)  # in the mailbox before Supportbot was set up
    dovecot.append(question(2))
    assert poller(channel, dovecot).poll_once().fetched == 1
    dovecot.append(question(3), seen=True)  # a colleague opened it in a mail client first
    assert poller(channel, dovecot).poll_once().fetched == 1
    assert [row.raw for row in inbound_rows(db)] == [question(2), question(3)]


def test_a_message_stored_by_a_run_that_died_before_marking_it_is_answered_once(
    channel: EmailChannel, db: Database, dovecot: Dovecot
) -> None:
    dovecot.append(question(1))
    channel.receive(question(1), source="imap")  # stored, then the poller died: not marked
    report = poller(channel, dovecot).poll_once()
    assert report.fetched == 1
    assert len(inbound_rows(db)) == 1 and len(outbox(db)) == 1
    assert "\\Seen" in dovecot.flags()[1]


@pytest.mark.parametrize("scheme", ["imaps", "imap+starttls"])
def test_tls_mailboxes_are_read_with_a_private_ca(
    channel: EmailChannel, db: Database, dovecot: Dovecot, scheme: str
) -> None:
    dovecot.append(question(1))
    assert poller(channel, dovecot, scheme).poll_once().fetched == 1


def test_a_wrong_password_fails_loudly_and_takes_nothing(
    channel: EmailChannel, db: Database, dovecot: Dovecot
) -> None:
    dovecot.append(question(1))
    url = dovecot.url().replace("s3cret%20pass", "wrong")
    with pytest.raises(imaplib.IMAP4.error):
        ImapPoller(channel, ImapMailbox.from_url(url)).poll_once()
    assert inbound_rows(db) == []
    assert "\\Seen" not in dovecot.flags()[1]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://a%40b.example:p%3Aw@imap.example/Support%20Mail",
            ("imap.example", 993, "tls", "a@b.example", "p:w", "Support Mail"),
        ),
        ("imap://bot:x@127.0.0.1:1143", ("127.0.0.1", 1143, "auto", "bot", "x", "INBOX")),
        (
            "imap+starttls://bot:x@imap.example/",
            ("imap.example", 143, "starttls", "bot", "x", "INBOX"),
        ),
    ],
)
def test_imap_url_gives_server_login_and_folder(url: str, expected: tuple[object, ...]) -> None:
    box = ImapMailbox.from_url(url)
    assert (box.host, box.port, box.security, box.username, box.password, box.folder) == expected


@pytest.mark.parametrize("url", ["imaps://imap.example/INBOX", "pop3://u:p@x", "imap.example"])
def test_unusable_imap_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="imap"):
        ImapMailbox.from_url(url)
