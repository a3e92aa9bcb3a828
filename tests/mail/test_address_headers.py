"""Address headers round-trip exactly: parse(format(name, address)) == (name, address)."""

from __future__ import annotations

import email.header
import email.utils
from email import message_from_bytes, policy

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.address_headers import MAIL_POLICY, format_mailbox
from bot.mail.compose import ThreadContext, compose_reply
from bot.mail.header_decoding import flatten, parse_mailbox

ADDRESS = "kees2@example.net"
# Display names as a mail client shows them: one line of any characters (no control ones).
NAMES = (
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=200)
    .map(flatten)
    .filter(bool)
)


def _reply_to(name: str) -> bytes:
    thread = ThreadContext(recipient=ADDRESS, recipient_name=name, subject="Vraag")
    msg = compose_reply(
        thread, sender="support@nme.example", text="Hallo", message_id="<m@nme.example>",
        automated=True,
    )  # fmt: skip
    return msg.as_bytes(policy=MAIL_POLICY)


def _to_header(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    start = head.index("\r\nTo: ") + 6
    end = start
    while True:  # the value and its continuation lines
        end = head.find("\r\n", end + 1)
        if end < 0 or head[end + 2 : end + 3] not in (" ", "\t"):
            return head[start : end if end >= 0 else None]


def _compat32(value: str) -> tuple[str, str]:
    ((name, address),) = email.utils.getaddresses([value])
    decoded = email.header.decode_header(name)
    text = "".join(
        part.decode(charset or "ascii") if isinstance(part, bytes) else part
        for part, charset in decoded
    )
    return text, address


def test_a_long_name_with_commas_stays_one_address() -> None:
    """Issue 19 #3: Python's folding turned this To: into three addresses."""
    name = "Kees Jansen, ceo@victim.example, Piet de Vries van de afdeling inkoop en facturatie"
    raw = _reply_to(name)
    back = message_from_bytes(raw, policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in back["To"].addresses] == [(name, ADDRESS)]
    assert parse_mailbox(_to_header(raw)) == (name, ADDRESS)


@settings(max_examples=300, deadline=None)
@given(NAMES)
def test_any_display_name_reads_back_exactly(name: str) -> None:
    value = _to_header(_reply_to(name))
    assert all(len(line) <= 998 for line in value.split("\r\n"))
    assert parse_mailbox(value) == (name, ADDRESS)
    assert _compat32(value.replace("\r\n", "")) == (name, ADDRESS)
    back = message_from_bytes(_reply_to(name), policy=policy.default)
    (address,) = back["To"].addresses
    assert address.addr_spec == ADDRESS


@given(NAMES)
def test_formatted_mailbox_folds_only_outside_the_name(name: str) -> None:
    value = format_mailbox(name, ADDRESS, indent=4)
    for line in value.split("\r\n"):
        assert line.count('"') % 2 == 0 or '\\"' in line
