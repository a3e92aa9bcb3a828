"""Reply-or-not, bounce recognition and reply-text extraction on real fixtures, with baselines.

Usage: .venv/bin/python bench/email_accuracy.py [CORPUS_DIR] [--split dev|heldout|all] [--show N]

The corpus comes from bench/email_corpus.py (labels from each source project's own tests).
Baselines, run in the same process on the same input: talon (``quotations.extract_from_plain``
/ ``extract_from_html``) and mail-parser-reply (``EmailReplyParser(languages=...)
.parse_reply``) for the reply text; for reply-or-not, a classifier that reads only the RFC 3834
signals (Auto-Submitted, Precedence, List-*, null Return-Path, multipart/report), since neither
library decides that. Install the baselines with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import common  # noqa: F401  (puts the checkout on sys.path)

from bot.mail.bounce_reports import parse_bounce
from bot.mail.html_text import html_to_text
from bot.mail.message import InboundMail, parse_message
from bot.mail.quotes import extract_reply
from bot.mail.reply_decision import reply_decision
from bot.mail.settings import EmailSettings

HELPDESK = "support@example.com"
LANGUAGES = ["en", "de", "nl", "fr", "it", "es", "pl", "sv", "da", "ja", "ko", "zh", "cs"]
DEFAULT_CORPUS = Path(__file__).parent / "data" / "email" / "corpus"


def settings_for(mail: InboundMail) -> EmailSettings:
    """Our helpdesk, with the fixture's own recipients counted as its addresses (the mailbox)."""
    inbound = (HELPDESK, *(a.lower() for a in (*mail.to, *mail.cc)))
    return EmailSettings(
        helpdesk_address=HELPDESK,
        own_addresses=(HELPDESK, "billing@example.com"),
        inbound_addresses=tuple(dict.fromkeys(inbound)),
        domain="example.com",
        secret="bench-secret",
        envelope_from=HELPDESK,
        company="Example",
        ticket_prefix="NME",
    )


def as_message(fixture: dict[str, Any], data: bytes, sender: str = "customer@example.net") -> bytes:
    """A body-only fixture becomes the body of a plain human mail to the helpdesk."""
    if fixture["kind"] == "message":
        return data
    subtype = "html" if fixture["kind"] == "html" else "plain"
    head = (
        f"From: Customer <{sender}>\r\nTo: {HELPDESK}\r\nSubject: Re: question\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: text/{subtype}; charset=utf-8\r\n\r\n"
    )
    return head.encode() + data


def rfc3834_only(mail: InboundMail) -> bool:
    """The baseline: reply unless a standard header or the report structure says otherwise."""
    if any(v.split()[0].casefold() != "no" for v in mail.headers.get("auto-submitted", ()) if v):
        return False
    if any(
        v.strip().casefold() in ("bulk", "list", "junk") for v in mail.headers.get("precedence", ())
    ):
        return False
    if any(name.startswith("list-") for name in mail.headers) or mail.return_path == "":
        return False
    return "multipart/report" not in mail.part_types


def norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, name: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(name)

    def __str__(self) -> str:
        return f"{self.right}/{self.total}" if self.total else "-"


def _baselines() -> dict[str, Callable[[str, str | None], str]]:
    found: dict[str, Callable[[str, str | None], str]] = {}
    try:
        from talon import quotations  # imported here: an optional bench-only dependency

        def talon_extract(text: str, html: str | None) -> str:
            if html and not text.strip():
                return html_to_text(quotations.extract_from_html(html))
            return str(quotations.extract_from_plain(text))

        found["talon"] = talon_extract
    except ImportError as error:
        print(f"talon not available: {error}")
    try:
        from mailparser_reply import EmailReplyParser  # optional, bench-only, like talon

        parser = EmailReplyParser(languages=LANGUAGES)

        def mpr_extract(text: str, html: str | None) -> str:
            body = text if text.strip() or not html else html_to_text(html)
            return str(parser.parse_reply(text=body) or "")

        found["mail-parser-reply"] = mpr_extract
    except ImportError as error:
        print(f"mail-parser-reply not available: {error}")
    return found


def run(corpus: Path, split: str) -> dict[str, Any]:
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").open(encoding="utf-8")]
    if split != "all":
        labels = [f for f in labels if f["split"] == split]
    baselines = _baselines()
    scores: dict[str, Score] = {}

    def score(name: str) -> Score:
        return scores.setdefault(name, Score())

    crashes: list[str] = []
    for fixture in labels:
        data = (corpus / fixture["file"]).read_bytes()
        name = fixture["id"]
        try:
            mail = parse_message(as_message(fixture, data))
            bounce = parse_bounce(mail)
            decision = reply_decision(mail, settings_for(mail))
            parts = extract_reply(mail.text, mail.html)
        except Exception as error:  # counted: the acceptance is zero crashes
            crashes.append(f"{name}: {type(error).__name__}: {error}")
            continue
        replies = bounce is None and decision.reply
        if fixture["reply"] is False:
            score("automated: not answered").add(not replies, f"{name} [{decision.reason}]")
            score("automated, RFC 3834 headers only").add(not rfc3834_only(mail), name)
        elif fixture["reply"] is True:
            score("human: answered").add(replies, f"{name} [{decision.reason}]")
            score("human, RFC 3834 headers only").add(rfc3834_only(mail), name)
        if fixture["bounce"] in ("hard", "soft", "some"):
            score("bounces recognised").add(bounce is not None, name)
        if fixture["bounce"] == "hard":
            score("hard bounces marked permanent").add(bool(bounce and bounce.permanent), name)
        if fixture["bounce"] == "none":
            score("non-bounces left alone").add(bounce is None, name)
        if fixture["expected"] is not None:
            expected = norm(fixture["expected"])
            ours = norm(parts.new_text)
            both = norm(f"{parts.new_text}\n{parts.signature}")
            score("text: Supportbot").add(expected in (ours, both), name)
            for label, extract in baselines.items():
                try:
                    got = norm(extract(mail.text, mail.html))
                except Exception:
                    got = "<crashed>"
                score(f"text: {label}").add(got == expected, name)
    return {"scores": scores, "crashes": crashes, "fixtures": len(labels)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--split", default="both", choices=["dev", "heldout", "all", "both"])
    parser.add_argument("--show", type=int, default=0, help="list up to N misses per row")
    args = parser.parse_args()
    splits = ["dev", "heldout"] if args.split == "both" else [args.split]
    started = time.perf_counter()
    results = {split: run(args.corpus, split) for split in splits}
    rows = list(dict.fromkeys(k for r in results.values() for k in r["scores"]))
    print("| measure | " + " | ".join(splits) + " |")
    print("|---|" + "---|" * len(splits))
    for row in rows:
        cells = [str(results[s]["scores"].get(row, Score())) for s in splits]
        print(f"| {row} | " + " | ".join(cells) + " |")
    print(
        "| fixtures (crashes) | "
        + " | ".join(f"{results[s]['fixtures']} ({len(results[s]['crashes'])})" for s in splits)
        + " |"
    )
    print(f"\n{time.perf_counter() - started:.1f} s")
    for split in splits:
        for crash in results[split]["crashes"]:
            print("CRASH", crash)
        if args.show:
            for row, value in results[split]["scores"].items():
                if re.match(r"text: (?!Supportbot)|.*RFC 3834", row):
                    continue
                for miss in value.misses[: args.show]:
                    print(f"{split} MISS {row}: {miss}")


if __name__ == "__main__":
    main()
