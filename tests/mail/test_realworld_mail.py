"""Every real-world message parses, is classified as SOURCES.md says, and yields its new text."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.mail.autoreply_rules import should_auto_reply
from bot.mail.message import InboundMail, parse_message
from bot.mail.quotes import extract_reply
from tests.mail.realworld import (
    EMAIL_DIR,
    SourceRow,
    data_files,
    is_raw_message,
    load_sources,
    require_email_dir,
)

ROWS = load_sources()
FILES = data_files()
OWN = {"own_addresses": ["support@nme.example"], "own_message_id_domain": "nme.example"}


def _rel(path: Path) -> str:
    return str(path.relative_to(EMAIL_DIR))


def _decide(mail: InboundMail) -> bool:
    return should_auto_reply(mail, **OWN, loop_header_value="nme.example").reply


def test_sources_list_every_fixture_file_and_nothing_else() -> None:
    require_email_dir()
    assert sorted(row.path for row in ROWS) == sorted(_rel(p) for p in FILES)


@pytest.mark.parametrize("path", [p for p in FILES if is_raw_message(p)], ids=_rel)
def test_every_real_message_parses_quickly_with_sender_and_subject(path: Path) -> None:
    raw = path.read_bytes()
    started = time.perf_counter()
    mail = parse_message(raw)
    extract_reply(mail.text, mail.html)
    assert time.perf_counter() - started < 1.0
    assert mail.size == len(raw)
    headers = raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    if re.search(rb"(?im)^from:\s*\S", headers):
        assert mail.from_addr or mail.from_name
    if re.search(rb"(?im)^subject:\s*\S", headers):
        assert mail.subject


@pytest.mark.parametrize("row", [r for r in ROWS if r.verdict == "NO-REPLY"], ids=str)
def test_automatic_mail_gets_no_automatic_reply(row: SourceRow) -> None:
    mail = parse_message((EMAIL_DIR / row.path).read_bytes())
    assert not _decide(mail)


@pytest.mark.parametrize("row", [r for r in ROWS if r.verdict == "REPLY"], ids=str)
def test_human_mail_gets_an_automatic_reply(row: SourceRow) -> None:
    mail = parse_message((EMAIL_DIR / row.path).read_bytes())
    decision = should_auto_reply(mail, **OWN, loop_header_value="nme.example")
    assert decision.reply, decision


# -- reply extraction against the "visible text" column ---------------------------------------
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_SIGNATURE_NOTE = re.compile(r'\((?:sig|signature starts) "([^"]*)"\)')
_NEGATIVE = re.compile(r'contains no "([^"]*)"')
_SEE_FILE = re.compile(r"^see (\S+?):")
_WHOLE_TEXT = re.compile(r"whole text|keeps both lines")


def _norm(text: str) -> str:
    return " ".join(text.replace("\\n", "\n").split())


def _visible_rows() -> list[SourceRow]:
    usable = [r for r in ROWS if r.visible and r.verdict in ("BODY", "REPLY")]
    rows, previous = [], ""
    for row in usable:
        # "same" repeats the row above (talon's HTML clients all reduce to one text)
        visible = previous if row.visible.strip() == "same" else row.visible
        previous = visible
        rows.append(SourceRow(row.path, row.kind, row.verdict, visible))
    return rows


def _extract(path: Path) -> tuple[str, str]:
    """(new text, signature) of a bare body or of a whole message."""
    data = path.read_bytes()
    if path.suffix == ".html":
        parts = extract_reply("", data.decode("utf-8", "replace"))
    elif path.suffix == ".txt":
        parts = extract_reply(data.decode("utf-8", "replace"))
    else:
        mail = parse_message(data)
        parts = extract_reply(mail.text, mail.html)
        text_only = extract_reply(mail.text)  # the text/plain scanner agrees with the HTML one
        assert _norm(text_only.new_text) == _norm(parts.new_text)
    return parts.new_text, parts.signature


@pytest.mark.parametrize("row", _visible_rows(), ids=str)
def test_reply_text_is_what_the_source_project_expects(row: SourceRow) -> None:
    path = EMAIL_DIR / row.path
    started = time.perf_counter()
    new_text, signature = _extract(path)
    assert time.perf_counter() - started < 1.0
    assert new_text.strip(), "never empty for a message with text of its own"
    visible = _norm(f"{new_text}\n{signature}")
    see = _SEE_FILE.match(row.visible)
    if see:
        assert visible == _norm((path.parent / see.group(1)).read_text(encoding="utf-8"))
        return
    if _WHOLE_TEXT.search(row.visible):
        assert _norm(new_text) == _norm(path.read_text(encoding="utf-8")) and not signature
        return
    for expected in _SIGNATURE_NOTE.findall(row.visible):
        assert _norm(expected) in _norm(signature)
    for unwanted in _NEGATIVE.findall(row.visible):
        assert unwanted not in new_text
    notes = set(_SIGNATURE_NOTE.findall(row.visible)) | set(_NEGATIVE.findall(row.visible))
    texts = [t for t in _QUOTED.findall(row.visible) if t not in notes and not t.startswith(">")]
    _assert_in_order(texts, visible)


def _assert_in_order(texts: list[str], visible: str) -> None:
    """The first expected text opens the reply; every fragment appears in order."""
    fragments = [_norm(f) for t in texts for f in t.split("…") if _norm(f)]
    if not fragments:
        return
    assert visible.startswith(fragments[0])
    position = 0
    for fragment in fragments:
        found = visible.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing from {visible[:300]!r}"
        position = found + len(fragment)


@pytest.mark.parametrize(
    "name",
    [
        "android",
        "aol",
        "apple_mail",
        "apple_mail_2",
        "comcast",
        "gmail",
        "hotmail",
        "outlook",
        "thunderbird",
        "yahoo",
    ],
)
def test_standard_client_replies_reduce_to_exactly_hello(name: str) -> None:
    require_email_dir()
    mail = parse_message((EMAIL_DIR / "talon" / "standard_replies" / f"{name}.eml").read_bytes())
    parts = extract_reply(mail.text, mail.html)
    assert parts.new_text == "Hello"
    assert "Hi" not in parts.new_text


@pytest.mark.parametrize("name", ["pathological.txt", "email_long_quote.txt"])
def test_regex_stress_bodies_are_split_well_under_a_second(name: str) -> None:
    text = (require_email_dir() / "email_reply_parser" / name).read_text(encoding="utf-8")
    started = time.perf_counter()
    for _ in range(5):
        extract_reply(text)
    assert (time.perf_counter() - started) / 5 < 0.25
