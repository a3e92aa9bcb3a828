"""Build the labelled email corpus for bench/email_accuracy.py from public projects' test fixtures.

Usage: python bench/email_corpus.py MIRRORS_DIR [OUT_DIR]

MIRRORS_DIR holds git snapshots of the source repositories (``owner+name/repo``, as the
workplace's fetch tool lays them out). Nothing of their code is used: the script copies their
test *data* into OUT_DIR (default ``bench/data/email/corpus``, git-ignored: real-world data is
not committed to this repository) and writes ``labels.jsonl``, one line per fixture, whose
labels are read from each source's own tests:

- ``reply``: false for automated mail (bounces, auto-replies, reports, challenge/response),
  true for a human reply, null when the source says nothing either way;
- ``bounce``: "hard" / "soft" / "none" where the source's bounce tests say so;
- ``expected``: the new text a reply parser must keep (the source's asserted output).

Each fixture is assigned to ``dev`` or ``heldout`` by a hash of its id (about 60/40), so the
split is stable however often the corpus is rebuilt. Tune on dev only.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

HUMAN_HEADER = "From: {name} <customer@example.net>\nTo: support@example.com\nSubject: {subject}\n"


@dataclass
class Fixture:
    id: str
    source: str  # owner/name
    repo_path: str
    commit: str
    licence: str
    kind: str  # "message" (RFC 5322), "text" (a plain body) or "html" (an HTML body)
    reply: bool | None = None
    bounce: str | None = None
    expected: str | None = None
    split: str = ""
    file: str = ""


class Repo:
    """A git snapshot read with ``git show`` (the snapshots have no work tree)."""

    def __init__(self, mirrors: Path, name: str, licence: str) -> None:
        self.name, self.licence = name, licence
        self.git = mirrors / name.replace("/", "+") / "repo"
        self.commit = self._run("rev-parse", "HEAD").decode().strip()

    def _run(self, *args: str) -> bytes:
        return subprocess.run(
            ["git", "--git-dir", str(self.git), *args], check=True, capture_output=True
        ).stdout

    def files(self, folder: str) -> list[str]:
        listing = self._run("ls-tree", "-r", "--name-only", "HEAD", folder).decode()
        return [line for line in listing.splitlines() if line]

    def read(self, path: str) -> bytes:
        return self._run("show", f"HEAD:{path}")

    def text(self, path: str) -> str:
        return self.read(path).decode("utf-8", "replace")

    def fixture(self, path: str, kind: str, **labels: object) -> Fixture:
        return Fixture(path, self.name, path, self.commit, self.licence, kind, **labels)  # type: ignore[arg-type]


# -- sources ------------------------------------------------------------------------------------
_SISIMAI_ROW = re.compile(r"'(\d+)'\s*=>\s*\[\[\s*'([^']*)',\s*'([^']*)',\s*'([^']*)',\s*(\d)")


def sisimai(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """Bounces and auto-replies; the bounce kind from p5-sisimai's per-engine expectations."""
    data = Repo(mirrors, "sisimai/set-of-emails", "BSD-2-Clause")
    tests = Repo(mirrors, "sisimai/p5-sisimai", "BSD-2-Clause")
    expected: dict[str, tuple[str, int]] = {}
    for test in tests.files("t"):
        engine = re.match(r"t/\d+-((?:lhost|rhost|rfc\d+|arf)[\w-]*)\.t$", test)
        if not engine:
            continue
        for index, _status, _code, reason, hard in _SISIMAI_ROW.findall(tests.text(test)):
            expected.setdefault(f"{engine.group(1)}-{index}", (reason, int(hard)))
    for path in data.files("maildir/bsd"):
        key = Path(path).stem
        reason, hard = expected.get(key, ("", -1))
        if reason in ("vacation", "feedback", "delivered") or key.startswith(("rfc3834", "arf")):
            bounce = "none"
        elif hard == -1:
            bounce = None  # in the corpus, not asserted by a test
        else:
            bounce = "hard" if hard else "soft"
        yield data.fixture(path, "message", reply=False, bounce=bounce), data.read(path)
    for path in data.files("maildir/not"):
        human = "is-not-bounce" in path  # rb-issue-368 is a provider's own notice
        yield data.fixture(path, "message", reply=human, bounce="none"), data.read(path)
    for path in data.files("maildir/err"):  # malformed on purpose: only "never crash"
        yield data.fixture(path, "message"), data.read(path)


def bounce_parser(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """Mail::DeliveryStatus::BounceParser's corpus: bounces, auto-replies, challenge/response."""
    repo = Repo(mirrors, "rjbs/Mail-DeliveryStatus-BounceParser", "Artistic-1.0-Perl OR GPL-1.0+")
    verdicts: dict[str, bool] = {}
    for test in repo.files("t"):
        source = repo.text(test)
        flag = re.search(r"is_bounce\s*=>\s*([01])", source)
        for name in re.findall(r"corpus/([\w.\-]+\.msg)", source):
            if flag:
                verdicts.setdefault(name, flag.group(1) == "1")
        if "non-bounce" in test:
            for name in re.findall(r"'([\w.\-]+\.msg)'", source):
                verdicts.setdefault(name, False)
    for path in repo.files("t/corpus"):
        is_bounce = verdicts.get(Path(path).name)
        bounce = None if is_bounce is None else ("hard" if is_bounce else "none")
        # Every message of this corpus is machine-made (bounces, vacation, challenge/response).
        yield (
            repo.fixture(path, "message", reply=False, bounce=bounce and _bp(bounce)),
            repo.read(path),
        )


def _bp(bounce: str) -> str:
    return "some" if bounce == "hard" else bounce  # BounceParser does not say hard or soft


def talon(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """Client replies that must reduce to "Hello" (or the *_reply_text file); HTML replies."""
    repo = Repo(mirrors, "mailgun/talon", "Apache-2.0")
    folder = "tests/fixtures/standard_replies"
    names = set(repo.files(folder))
    for path in sorted(names):
        if not path.endswith(".eml"):
            continue
        reply_text = path[:-4] + "_reply_text"
        expected = repo.text(reply_text) if reply_text in names else "Hello"
        yield repo.fixture(path, "message", reply=True, expected=expected), repo.read(path)
    for path in repo.files("tests/fixtures/html_replies"):
        expected = "Hi. I am fine.\n\nThanks,\nAlex"
        yield repo.fixture(path, "html", reply=True, expected=expected), repo.read(path)


def trimmer(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """Discourse's email_reply_trimmer: every test/emails file has its trimmed output."""
    repo = Repo(mirrors, "discourse/email_reply_trimmer", "MIT")
    for path in repo.files("test/emails"):
        expected = repo.text(path.replace("test/emails/", "test/trimmed/"))
        spam = "spam_" in path  # the project's spam samples are not replies to anyone
        yield (
            repo.fixture(path, "text", reply=None if spam else True, expected=expected),
            repo.read(path),
        )


_CRISP_TEST = re.compile(r"export function (\w+)\(test\)\s*\{(.*?)\n\};?", re.S)
_JS_STRING = r"\"((?:[^\"\\]|\\.)*)\""


def crisp(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """crisp-oss/email-reply-parser: tests asserting the first fragment or the visible text."""
    repo = Repo(mirrors, "crisp-oss/email-reply-parser", "MIT")
    source = repo.text("test/test.js")
    common = re.search(r"const COMMON_FIRST_FRAGMENT = '(.*?)';", source, re.S)
    common_text = common.group(1).replace("\\n\\\n", "\n") if common else ""
    seen: set[str] = set()
    for _name, body in _CRISP_TEST.findall(source):
        email = re.search(r"get_email\(\"([\w-]+)\"\)", body)
        if not email or email.group(1) in seen:
            continue
        expected = None
        if re.search(r"test\.equal\(COMMON_FIRST_FRAGMENT,\s*fragments\[0\]", body):
            expected = common_text
        else:
            literal = re.search(
                r"test\.equal\(" + _JS_STRING + r",\s*(?:fragments\[0\]|\w+\.getVisibleText\(\))",
                body,
            )
            if literal:
                expected = json.loads(f'"{literal.group(1)}"')
        if expected is None:
            continue
        seen.add(email.group(1))
        path = f"test/fixtures/{email.group(1)}.txt"
        yield repo.fixture(path, "text", reply=True, expected=expected), repo.read(path)


def mail_parser_reply(mirrors: Path) -> Iterator[tuple[Fixture, bytes]]:
    """alfonsrv/mail-parser-reply: tests asserting ``replies[0].body`` or ``latest_reply``."""
    repo = Repo(mirrors, "alfonsrv/mail-parser-reply", "MIT")
    source = repo.text("test/test_email_reply_parser.py")
    seen: set[str] = set()
    for block in re.split(r"\n    def test_", source)[1:]:
        email = re.search(r"get_email\('([\w-]+)'", block)
        literal = re.search(
            r"(?:self\.assertEqual\(|self\.assertTrue\()"
            r"(\"(?:[^\"\\]|\\.)*\")\s*"
            r"(?:==|,)\s*mail\.(?:replies\[0\]\.body|latest_reply)\)",
            block,
        )
        if not email or not literal or email.group(1) in seen:
            continue
        seen.add(email.group(1))
        path = f"test/emails/{email.group(1)}.txt"
        expected = json.loads(literal.group(1))
        yield repo.fixture(path, "text", reply=True, expected=expected), repo.read(path)


SOURCES = (sisimai, bounce_parser, talon, trimmer, crisp, mail_parser_reply)


def split_of(fixture_id: str) -> str:
    digest = hashlib.sha256(fixture_id.encode()).digest()
    return "dev" if digest[0] < 154 else "heldout"  # 154/256: about 60% dev


def build(mirrors: Path, out: Path) -> list[Fixture]:
    out.mkdir(parents=True, exist_ok=True)
    fixtures: list[Fixture] = []
    for source in SOURCES:
        for fixture, data in source(mirrors):
            fixture.id = f"{fixture.source}:{fixture.repo_path}"
            fixture.split = split_of(fixture.id)
            fixture.file = f"{fixture.source.replace('/', '+')}/{fixture.repo_path}"
            target = out / fixture.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            fixtures.append(fixture)
    with (out / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for fixture in fixtures:
            handle.write(json.dumps(asdict(fixture), ensure_ascii=False) + "\n")
    _write_notice(out, fixtures)
    return fixtures


def _write_notice(out: Path, fixtures: list[Fixture]) -> None:
    sources: dict[str, Fixture] = {}
    for fixture in fixtures:
        sources.setdefault(fixture.source, fixture)
    lines = ["Test fixtures copied unchanged, as data, from these public repositories:", ""]
    for name, fixture in sorted(sources.items()):
        count = sum(1 for f in fixtures if f.source == name)
        lines.append(
            f"- https://github.com/{name} @ {fixture.commit} ({fixture.licence}): {count} files"
        )
    (out / "NOTICE").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    mirrors = Path(sys.argv[1])
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent / "data/email/corpus"
    fixtures = build(mirrors, out)
    by_split = {s: sum(1 for f in fixtures if f.split == s) for s in ("dev", "heldout")}
    print(f"{len(fixtures)} fixtures in {out} ({by_split})")


if __name__ == "__main__":
    main()
