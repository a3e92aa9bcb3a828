"""What composing a reply costs: the parts every reply repeats are made once."""

from __future__ import annotations

import pytest

from bot.mail.address_headers import MAIL_POLICY
from tests.mail.test_compose import compose, inbound, parsed


def test_the_headers_every_reply_repeats_are_parsed_once_and_shared() -> None:
    """Parsing a header is most of a reply's cost: our From, the RFC 3834 marks, X-Loop and
    the language are made once; the customer's own headers stay their own."""
    first, second = compose(inbound()), compose(inbound("Reply-To: Team <team@klant.example>"))
    for name in ("From", "Auto-Submitted", "X-Auto-Response-Suppress", "X-Loop"):
        assert first[name] is second[name], name
    assert first["Content-Language"] is second["Content-Language"]
    assert first["To"] is not second["To"] and first["To"] != second["To"]
    other = compose(inbound(), sender_name="Klantenservice", language="en")
    assert other["From"] == "Klantenservice <support@nme.example>" != first["From"]
    assert other["Content-Language"] == "en"
    assert parsed(second)["From"] == "NME Support <support@nme.example>"
    with pytest.raises(ValueError):
        compose(inbound(), sender="not an address")


def test_the_multipart_boundary_is_chosen_at_compose_time_and_cannot_be_in_a_part() -> None:
    """Set by compose (the generator then need not search the parts for its guess): random,
    and beginning with "=_", which neither base64 nor quoted-printable can produce."""
    text = "--=_0000\n=_ is not a boundary\n" + "é" * 80  # non-ASCII: encoded, not 7bit
    first, second = compose(inbound(), text=text), compose(inbound(), text=text)
    boundary = first.get_boundary()
    assert boundary is not None and boundary.startswith("=_") and len(boundary) == 34
    assert boundary != second.get_boundary()
    raw = first.as_bytes(policy=MAIL_POLICY)
    assert raw.count(f"--{boundary}".encode()) == 3  # two parts and the end
    back = parsed(first)
    plain = back.get_body(("plain",))
    assert plain is not None and plain.get_content().rstrip("\n").endswith("é" * 80)
    assert [part.get_content_type() for part in back.iter_parts()] == ["text/plain", "text/html"]
