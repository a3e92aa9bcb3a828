"""`email poll`: take new mail from an IMAP folder (``SUPPORTBOT_IMAP_URL``), store, answer.

New means: above the UID watermark kept in ``mailbox_cursors`` (so mail someone already read
in a mail client is still answered); on the first run, or after the server renumbered the
folder (UIDVALIDITY changed), the unseen messages. Each message is stored before it is marked
``\\Seen`` and before the watermark moves, so a crash at any point loses nothing and the content
hash keeps a second fetch from being answered twice. Safe from cron and as a loop.

``imaps://user:pass@host[:993]/Folder`` is TLS from the start; ``imap://`` uses STARTTLS when
the server offers it and ``imap+starttls://`` insists on it. ``?cafile=`` trusts a private CA.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from bot.mail.mail_outcome import Outcome
from bot.storage.models import MailboxCursor

if TYPE_CHECKING:
    from bot.channels.email.pipeline import EmailChannel

log = logging.getLogger(__name__)

SCHEMES = {"imap": "auto", "imap+starttls": "starttls", "imaps": "tls"}
DEFAULT_PORTS = {"auto": 143, "starttls": 143, "tls": 993}
TAKEN_KEYWORD = "$SupportbotTaken"
MAX_PER_POLL = 200


@dataclass(frozen=True)
class ImapMailbox:
    host: str
    port: int
    security: str  # auto | starttls | tls
    username: str
    password: str
    folder: str = "INBOX"
    cafile: str | None = None
    timeout: float = 60.0

    @classmethod
    def from_url(cls, url: str) -> ImapMailbox:
        """Raises ValueError naming what is wrong with the URL."""
        parts = urlsplit(url.strip())
        security = SCHEMES.get(parts.scheme.lower())
        if security is None or not parts.hostname or not parts.username:
            raise ValueError(
                f"expected imaps://user:password@host[:port]/Folder (or imap://), got {url!r}"
            )
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[security],
            security=security,
            username=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            cafile=query.get("cafile", [None])[0],
            timeout=float(query.get("timeout", [60.0])[0]),
        )

    @property
    def key(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"[:500]

    def connect(self) -> imaplib.IMAP4:
        context = ssl.create_default_context(cafile=self.cafile)
        conn: imaplib.IMAP4
        if self.security == "tls":
            conn = imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=context, timeout=self.timeout
            )
        else:
            conn = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls" or "STARTTLS" in conn.capabilities:
                conn.starttls(ssl_context=context)
        conn.login(self.username, self.password)
        return conn


@dataclass
class PollReport:
    fetched: int = 0
    stored: list[int] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


class ImapPoller:
    def __init__(self, channel: EmailChannel, mailbox: ImapMailbox) -> None:
        self.channel = channel
        self.mailbox = mailbox

    def poll_once(self) -> PollReport:
        """Take what is new, then answer it (and anything a crash left unanswered)."""
        report = PollReport()
        conn = self.mailbox.connect()
        try:
            typ, _ = conn.select(_quoted(self.mailbox.folder))
            if typ != "OK":
                raise imaplib.IMAP4.error(f"cannot open folder {self.mailbox.folder!r}")
            uidvalidity = _uidvalidity(conn)
            keyword = TAKEN_KEYWORD if _keywords_allowed(conn) else None
            for uid in self._new_uids(conn, uidvalidity)[:MAX_PER_POLL]:
                self._take(conn, uid, uidvalidity, keyword, report)
        finally:
            _logout(conn)
        report.outcomes = self.channel.process_due()
        return report

    def run(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                report = self.poll_once()
                for outcome in report.outcomes:
                    log.info("email poll: %s", outcome.describe())
            except (imaplib.IMAP4.error, OSError) as error:
                log.warning("email poll: %s", error)
            stop.wait(interval)

    def _new_uids(self, conn: imaplib.IMAP4, uidvalidity: int) -> list[int]:
        cursor = self._cursor()
        if cursor is None or cursor.uidvalidity != uidvalidity:
            return _search(conn, "UNSEEN")
        # "n:*" always names the highest message, even below n: filter on our side.
        return [u for u in _search(conn, f"UID {cursor.last_uid + 1}:*") if u > cursor.last_uid]

    def _take(
        self,
        conn: imaplib.IMAP4,
        uid: int,
        uidvalidity: int,
        keyword: str | None,
        report: PollReport,
    ) -> None:
        typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
        raw = next((part[1] for part in data or () if isinstance(part, tuple)), None)
        if typ != "OK" or not isinstance(raw, bytes):
            log.warning("email poll: UID %s could not be fetched (%s)", uid, typ)
            return
        report.fetched += 1
        stored = self.channel.receive(raw, source="imap")
        report.stored.append(stored.id)
        flags = f"(\\Seen {keyword})" if keyword else "(\\Seen)"
        conn.uid("STORE", str(uid), "+FLAGS.SILENT", flags)
        self._advance(uidvalidity, uid)

    def _cursor(self) -> MailboxCursor | None:
        with self.channel.db.session() as session:
            query = select(MailboxCursor).where(MailboxCursor.mailbox == self.mailbox.key)
            return session.scalars(query).first()

    def _advance(self, uidvalidity: int, uid: int) -> None:
        with self.channel.db.session() as session:
            query = select(MailboxCursor).where(MailboxCursor.mailbox == self.mailbox.key)
            cursor = session.scalars(query).first()
            if cursor is None:
                session.add(
                    MailboxCursor(mailbox=self.mailbox.key, uidvalidity=uidvalidity, last_uid=uid)
                )
            elif cursor.uidvalidity != uidvalidity:
                cursor.uidvalidity, cursor.last_uid = uidvalidity, uid
            else:
                cursor.last_uid = max(cursor.last_uid, uid)


def _search(conn: imaplib.IMAP4, criteria: str) -> list[int]:
    typ, data = conn.uid("SEARCH", criteria)
    if typ != "OK" or not data or not data[0]:
        return []
    return sorted(int(u) for u in data[0].split())


def _uidvalidity(conn: imaplib.IMAP4) -> int:
    _, values = conn.response("UIDVALIDITY")
    value = values[0] if values else None
    return int(value) if isinstance(value, (bytes, str)) and value.strip().isdigit() else 0


def _keywords_allowed(conn: imaplib.IMAP4) -> bool:
    _, values = conn.response("PERMANENTFLAGS")
    return any(isinstance(v, bytes) and b"\\*" in v for v in values or ())


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except (imaplib.IMAP4.error, OSError):
        pass
