"""``supportbot ask``: decision, matches with scores, language and product handling."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import build_cli
from bot.config import REPO_ROOT

DATA = str(REPO_ROOT / "faq_data")


def run_ask(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), ["ask", *args])


def match_ids(output: str) -> list[str]:
    return re.findall(r"^\s+\d+\. [\d.]+\s+\[\w+\] (\S+)", output, re.MULTILINE)


@pytest.mark.parametrize(
    ("question", "language", "entry"),
    [
        ("waar vind ik mijn factuur", "nl", "invoice"),
        ("where can I find my invoice", "en", "invoice"),
        ("ik ben mijn licentiesleutel kwijt", "nl", "licence-key"),
    ],
)
def test_a_clear_question_is_answered_with_its_entry(
    question: str, language: str, entry: str
) -> None:
    result = run_ask(question, "--data", DATA)
    assert result.exit_code == 0, result.output
    assert f"Language: {language} (detected" in result.output
    assert "Decision: answer" in result.output
    assert match_ids(result.output)[0] == entry


def test_scores_are_printed_best_first_up_to_the_limit() -> None:
    result = run_ask("mail komt niet aan", "--lang", "nl", "--limit", "5", "--data", DATA)
    assert result.exit_code == 0, result.output
    scores = [float(s) for s in re.findall(r"^\s+\d+\. ([\d.]+)", result.output, re.MULTILINE)]
    assert 1 <= len(scores) <= 5
    assert scores == sorted(scores, reverse=True)
    assert "Language: nl (given)" in result.output


def test_the_product_option_and_a_named_product_are_shown() -> None:
    result = run_ask("reminders komen niet aan", "--product", "appointpress", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert "Product:  appointpress" in result.output
    assert match_ids(result.output)[0] == "appointpress-reminders-not-sent"


def test_an_off_topic_question_lists_the_nearest_entries_without_an_answer() -> None:
    result = run_ask("hoe bak ik een appeltaart", "--data", DATA)
    assert result.exit_code == 0, result.output
    assert "Decision: none" in result.output


def test_an_unknown_product_is_a_usage_error() -> None:
    result = run_ask("factuur", "--product", "nope", "--data", DATA)
    assert result.exit_code == 2
    assert "unknown product 'nope'" in result.output


def test_a_missing_data_directory_is_reported(tmp_path: Path) -> None:
    result = run_ask("factuur", "--data", str(tmp_path / "missing"))
    assert result.exit_code == 2


def test_the_data_directory_defaults_to_the_configuration(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        build_cli(), ["ask", "factuur"], env={"SUPPORTBOT_DATA_DIR": str(tmp_path / "missing")}
    )
    assert result.exit_code == 2


def test_ask_is_listed_with_its_description() -> None:
    result = CliRunner().invoke(build_cli(), ["--help"])
    assert "Show the best FAQ matches for a question, with scores." in result.output
