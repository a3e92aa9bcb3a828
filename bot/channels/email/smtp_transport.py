"""Hand one rendered message to the relay in ``SUPPORTBOT_SMTP_URL``; say how a failure counts.

``smtp://`` uses STARTTLS when the relay offers it, ``smtp+starttls://`` insists on it,
``smtps://`` is TLS from the first byte. ``user:password@`` logs in; ``?cafile=`` trusts a
private CA; ``?timeout=`` (seconds) bounds every network wait.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMES = {"smtp": "auto", "smtp+starttls": "starttls", "smtps": "tls"}
DEFAULT_PORTS = {"auto": 25, "starttls": 587, "tls": 465}
DEFAULT_TIMEOUT = 30.0

SendFunction = Callable[[str, str, bytes], None]


class DeliveryError(Exception):
    """The relay did not take the message; ``permanent`` means retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False, recipient_rejected: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.recipient_rejected = recipient_rejected  # a 5xx for the recipient: a hard bounce


@dataclass(frozen=True)
class SmtpRelay:
    host: str
    port: int
    security: str  # auto | starttls | tls
    username: str = ""
    password: str = ""
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpRelay:
        """Raises ValueError naming what is wrong with the URL."""
        parts = urlsplit(url.strip())
        security = SCHEMES.get(parts.scheme.lower())
        if security is None or not parts.hostname:
            raise ValueError(
                f"expected smtp://, smtp+starttls:// or smtps://host[:port], got {url!r}"
            )
        query = parse_qs(parts.query)
        return cls(
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[security],
            security=security,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            timeout=float(query.get("timeout", [DEFAULT_TIMEOUT])[0]),
            cafile=query.get("cafile", [None])[0],
        )

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        """Deliver ``data`` to one recipient; raises DeliveryError when the relay refuses."""
        with self.batch() as send:
            send(envelope_from, recipient, data)

    @contextmanager
    def batch(self) -> Iterator[SendFunction]:
        """A ``send`` that keeps one relay connection for several messages (reopened on error)."""
        holder: list[smtplib.SMTP] = []

        def send(envelope_from: str, recipient: str, data: bytes) -> None:
            try:
                if not holder:
                    holder.append(self._connect())
                _deliver(holder[0], envelope_from, recipient, data)
            except (smtplib.SMTPException, OSError) as error:
                failure = _delivery_error(error)
                if not failure.recipient_rejected:  # the connection may be unusable now
                    _close(holder)
                raise failure from error

        try:
            yield send
        finally:
            _close(holder, quit=True)

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.cafile)
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo_or_helo_if_needed()
            if self.security == "starttls" or (
                self.security == "auto" and smtp.has_extn("starttls")
            ):
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp


def _deliver(smtp: smtplib.SMTP, envelope_from: str, recipient: str, data: bytes) -> None:
    options = [] if recipient.isascii() and envelope_from.isascii() else ["SMTPUTF8"]
    smtp.sendmail(envelope_from, [recipient], data, mail_options=options)


def _delivery_error(error: smtplib.SMTPException | OSError) -> DeliveryError:
    """How a relay's refusal counts: a 5xx for the recipient is a hard bounce."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # smtplib sent RSET: link still fine
        code, reply = next(iter(error.recipients.values()), (450, b""))
        return DeliveryError(
            _describe(code, reply), permanent=code >= 500, recipient_rejected=code >= 500
        )
    if isinstance(error, smtplib.SMTPDataError):
        return DeliveryError(
            _describe(error.smtp_code, error.smtp_error), permanent=error.smtp_code >= 500
        )
    if isinstance(error, smtplib.SMTPResponseException):  # sender refused, auth failed, ...
        return DeliveryError(_describe(error.smtp_code, error.smtp_error))
    return DeliveryError(f"{type(error).__name__}: {error}")  # relay down, timeouts, TLS


def _close(holder: list[smtplib.SMTP], *, quit: bool = False) -> None:
    while holder:
        smtp = holder.pop()
        try:
            smtp.quit() if quit else smtp.close()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _describe(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"[:1000]
