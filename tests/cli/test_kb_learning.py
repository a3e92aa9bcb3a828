"""``supportbot kb learn | unlearn | export-phrasings | diff`` (issue 13, sections 2 and 3): on
SQLite and PostgreSQL, with the hostile arguments each refuses clearly (message, exit status, log
line)."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.cli import build_cli
from bot.config import REPO_ROOT
from bot.storage.models import AuditEntry, LearnedPhrasing
from tests.cli.test_kb_check import FAQ, POLICY, write
from tests.conftest import make_config

PI = "Werkt het ook op een Raspberry Pi?"


@pytest.fixture
def rt(tmp_path: Path, database_url: str) -> Iterator[Runtime]:
    """The server side of the same database (as a worker of the installation)."""
    built = build_runtime(make_config(tmp_path, database_url))
    yield built
    built.db.dispose()


def kb(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(build_cli(), ["kb", *args], env=env)


def ask(rt: Runtime, text: str, language: str = "nl") -> str | None:
    started = rt.conversations.start(channel="widget", language=language)
    turn = rt.conversations.post(started.public_id, started.token, text)
    return turn.faq.id if turn.faq else None


# -- kb learn ------------------------------------------------------------------------------
def test_a_phrasing_learned_on_the_command_line_answers_the_next_message(
    env: dict[str, str], rt: Runtime
) -> None:
    assert ask(rt, PI) is None
    result = kb(env, "learn", "nl/system-requirements", f"  {PI} ")
    assert result.exit_code == 0, result.output
    assert f"Taught nl/system-requirements: {PI}" in result.output
    assert ask(rt, PI) == "system-requirements"  # the running worker, no restart
    again = kb(env, "learn", "nl/system-requirements", PI)
    assert again.exit_code == 0 and "already has this phrasing" in again.output
    with rt.db.session() as session:
        assert session.scalars(select(LearnedPhrasing.text)).all() == [PI]
        audit = session.scalars(select(AuditEntry)).all()
        assert [(a.action, a.staff_id, a.detail["by"]) for a in audit] == [
            ("phrasing_learned", None, "command line")
        ]


def test_kb_unlearn_removes_a_taught_phrasing_from_the_running_worker(
    env: dict[str, str], rt: Runtime
) -> None:
    assert kb(env, "learn", "nl/system-requirements", PI).exit_code == 0
    assert ask(rt, PI) == "system-requirements"
    result = kb(env, "unlearn", "nl/system-requirements", f"  {PI.upper()} ")
    assert result.exit_code == 0, result.output
    assert f"Removed from nl/system-requirements: {PI}" in result.output
    assert ask(rt, PI) is None  # the running worker, no restart
    again = kb(env, "unlearn", "nl/system-requirements", PI)
    assert again.exit_code == 1 and "has no taught phrasing" in again.output
    assert kb(env, "learn", "nl/system-requirements", PI).exit_code == 0  # may be taught again
    assert ask(rt, PI) == "system-requirements"
    with rt.db.session() as session:
        audit = session.scalars(select(AuditEntry.action)).all()
        assert audit == ["phrasing_learned", "phrasing_removed", "phrasing_learned"]


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["nl/no-such-entry", PI], 1, "no FAQ entry nl/no-such-entry"),
        (["system-requirements", PI], 1, "write it as language/id"),
        (["../../etc/passwd", PI], 1, "no FAQ entry ../../etc/passwd"),
        (["", PI], 1, "no FAQ entry"),
        (["nl/system-requirements", "   "], 1, "the phrasing is empty"),
        (["nl/system-requirements", "x" * 501], 1, "longer than 500 characters"),
        (["nl/system-requirements", PI, "--data", "/no/such/dir"], 2, "directory not found"),
    ],
)
def test_kb_learn_refuses_clearly(
    env: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    args: list[str],
    status: int,
    said: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot"):
        result = kb(env, "learn", *args)
    assert result.exit_code == status, result.output
    assert said in result.stderr and "Traceback" not in result.output
    assert said in caplog.text


# -- kb export-phrasings ---------------------------------------------------------------------
BLOCK = FAQ.format(question="Vraag een?", extra="alternatives:\n  - Eerste\n", answer="Een.\n")
FLOW = FAQ.format(question="Vraag twee?", extra="alternatives: [Tweede]\ntags: [t]\n", answer="2.")
BARE = FAQ.format(question="Vraag drie?", extra="# geen alternatieven\n", answer="Drie.\n")


@pytest.fixture
def small_kb(tmp_path: Path, env: dict[str, str]) -> Path:
    root = write(
        tmp_path / "kb",
        {"policy.yaml": POLICY, "faq/nl/een.md": BLOCK, "faq/nl/twee.md": FLOW,
         "faq/en/drie.md": BARE},
    )  # fmt: skip
    env["SUPPORTBOT_DATA_DIR"] = str(root)
    return root


def test_export_writes_taught_phrasings_into_the_files_and_keeps_the_rest(
    env: dict[str, str], small_kb: Path
) -> None:
    for ref, text in [("nl/een", "Nieuw: een?"), ("nl/twee", "Nieuw twee"),
                      ("en/drie", "New three"), ("en/drie", "Another")]:  # fmt: skip
        assert kb(env, "learn", ref, text).exit_code == 0
    result = kb(env, "export-phrasings")
    assert result.exit_code == 0, result.output
    assert "Wrote 4 phrasing(s) to 3 file(s)" in result.output
    files = {p.name: p.read_text() for p in small_kb.glob("faq/*/*.md")}
    assert files["een.md"] == BLOCK.replace("  - Eerste\n", '  - Eerste\n  - "Nieuw: een?"\n')
    assert files["twee.md"] == FLOW.replace(
        "alternatives: [Tweede]\n", "alternatives:\n  - Tweede\n  - Nieuw twee\n"
    )
    assert files["drie.md"] == BARE.replace(
        "# geen alternatieven\n",
        "# geen alternatieven\nalternatives:\n  - New three\n  - Another\n",
    )
    assert kb(env, "check").exit_code == 0
    again = kb(env, "export-phrasings")
    assert again.exit_code == 0 and "Wrote 0 phrasing(s) to 0 file(s)" in again.output
    assert {p.name: p.read_text() for p in small_kb.glob("faq/*/*.md")} == files


def test_export_refuses_a_knowledge_base_with_errors_and_changes_nothing(
    env: dict[str, str], small_kb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert kb(env, "learn", "nl/een", "Nieuw").exit_code == 0
    broken = "---\nquestion: [kapot\n---\nAntwoord.\n"
    (small_kb / "faq" / "nl" / "kapot.md").write_text(broken)
    with caplog.at_level(logging.WARNING, logger="bot"):
        result = kb(env, "export-phrasings")
    assert result.exit_code == 1
    assert "kapot.md" in result.stderr and "has errors" in result.stderr
    assert "has errors" in caplog.text
    assert (small_kb / "faq" / "nl" / "een.md").read_text() == BLOCK


def test_export_skips_entries_that_are_gone_and_says_so(
    env: dict[str, str], small_kb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert kb(env, "learn", "nl/een", "Nieuw").exit_code == 0
    (small_kb / "faq" / "nl" / "een.md").unlink()
    with caplog.at_level(logging.WARNING, logger="bot"):
        result = kb(env, "export-phrasings")
    assert result.exit_code == 0
    assert "skipped: nl/een: no such entry" in result.stderr and "nl/een" in caplog.text


def test_export_to_a_missing_directory_is_exit_2(env: dict[str, str]) -> None:
    result = kb(env, "export-phrasings", "--data", "/no/such/dir")
    assert result.exit_code == 2 and "directory not found: /no/such/dir" in result.stderr


# -- kb diff ---------------------------------------------------------------------------------
@pytest.fixture
def changed_kb(tmp_path: Path) -> Path:
    """The shipped knowledge base with one article gone (both languages) and one that now
    answers the Pi."""
    root = tmp_path / "changed"
    shutil.copytree(REPO_ROOT / "faq_data", root)
    for language in ("en", "nl"):
        (root / "faq" / language / "faq-and-docs.md").unlink()
    path = root / "faq" / "nl" / "system-requirements.md"
    path.write_text(path.read_text().replace("alternatives:\n", f"alternatives:\n  - {PI}\n", 1))
    return root


def test_diff_reports_changed_answers_and_newly_unanswered_questions(
    env: dict[str, str], rt: Runtime, changed_kb: Path
) -> None:
    for _ in range(2):
        assert ask(rt, "Can I get a printed manual?", "en") == "faq-and-docs"
    assert ask(rt, PI) is None
    assert ask(rt, "How do I connect google calendar to appointpress", "en")
    result = kb(env, "diff", "--data", str(changed_kb), "--since", "1d")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Replayed 4 customer question(s) (3 different) from the last 1d" in out
    assert "3 answer(s) would change; 2 newly unanswered; 1 newly answered." in out
    assert "     2  faq en/faq-and-docs -> " in out
    assert "     1  no answer -> faq nl/system-requirements" in out
    assert "     2  en  Can I get a printed manual?" in out
    assert "google calendar" not in out  # unchanged answers are not listed


def test_diff_without_stored_questions_says_so(env: dict[str, str], changed_kb: Path) -> None:
    result = kb(env, "diff", "--data", str(changed_kb))
    assert result.exit_code == 0, result.output
    assert "Replayed 0 customer question(s)" in result.output
    assert "0 answer(s) would change; 0 newly unanswered; 0 newly answered." in result.output


@pytest.mark.parametrize(
    ("args", "status", "said"),
    [
        (["--data", "/no/such/dir"], 2, "directory not found: /no/such/dir"),
        ([], 2, "Missing option '--data'"),
        (["--data", "{changed}", "--since", "lang"], 2, "12h, 30d or 2w"),
        (["--data", "{changed}", "--since", "0d"], 2, "12h, 30d or 2w"),
        (["--data", "{broken}"], 1, "has errors"),
    ],
)
def test_kb_diff_refuses_clearly(
    env: dict[str, str], changed_kb: Path, args: list[str], status: int, said: str
) -> None:
    broken = changed_kb.parent / "broken"
    shutil.copytree(changed_kb, broken)
    (broken / "faq" / "nl" / "kapot.md").write_text("---\nquestion: [kapot\n---\nA.\n")
    args = [a.format(changed=changed_kb, broken=broken) for a in args]
    result = kb(env, "diff", *args)
    assert result.exit_code == status, result.output
    assert said in result.output and "Traceback" not in result.output
