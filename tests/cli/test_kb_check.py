"""``supportbot kb check``: the summary, the problem list and the exit status."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import build_cli
from tests.core.knowledge.real_readmes import REAL_READMES, readmes_dir

POLICY = "company: Demo BV\ndefault_language: nl\nlanguages: [nl, en]\n"
FAQ = "---\nquestion: {question}\n{extra}---\n{answer}\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def run_check(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(build_cli(), ["kb", "check", *args], env=env)


def table_rows(output: str, title: str) -> dict[str, list[str]]:
    """Rows of the table under ``title``, keyed by their first cell."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cells = line.split()
        rows[cells[0]] = cells
    return rows


@pytest.fixture
def real_readme_data(tmp_path: Path) -> Path:
    """A data directory with a copy of each real readme.txt as a product of its own."""
    source = readmes_dir()
    write(tmp_path, {"policy.yaml": POLICY})
    for row in REAL_READMES:
        folder = tmp_path / "products" / row.slug
        folder.mkdir(parents=True)
        shutil.copyfile(source / row.file, folder / "readme.txt")
    return tmp_path


def test_real_readmes_as_products_show_names_versions_and_faq_counts(
    real_readme_data: Path,
) -> None:
    result = run_check("--data", str(real_readme_data))
    assert result.exit_code == 0, result.output
    rows = table_rows(result.stdout, "Products (21)")
    for expected in REAL_READMES:
        row = rows[expected.slug]
        assert row[1:6] == [
            expected.stable_tag,
            expected.requires_wp or "-",
            expected.requires_php or "-",
            expected.tested_up_to or "-",
            str(expected.faq_count),
        ], expected.slug
        assert " ".join(row[6:]) == expected.product_name


def test_real_readme_faq_entries_are_counted_per_language(real_readme_data: Path) -> None:
    result = run_check("--data", str(real_readme_data))
    total = sum(row.faq_count for row in REAL_READMES)
    assert f"FAQ entries ({total})" in result.stdout
    assert table_rows(result.stdout, "FAQ entries")["total"] == ["total", "0", str(total)]


def test_clean_data_exits_zero_and_summarises_per_language_and_product(tmp_path: Path) -> None:
    data = write(
        tmp_path,
        {
            "policy.yaml": POLICY,
            "products/demo/product.yaml": 'name: Demo\nlatest_version: "1.2"\nrequires_wp: "6.4"\n',
            "faq/nl/a.md": FAQ.format(question="Vraag A?", extra="", answer="Antwoord."),
            "faq/nl/b.md": FAQ.format(question="Vraag B?", extra="product: demo\n", answer="Ja."),
            "faq/en/a.md": FAQ.format(question="Question A?", extra="", answer="Answer."),
        },
    )
    result = run_check("--data", str(data))
    assert result.exit_code == 0, result.output
    assert table_rows(result.stdout, "Products (1)")["demo"] == [
        "demo",
        "1.2",
        "6.4",
        "-",
        "-",
        "1",
        "Demo",
    ]
    faq = table_rows(result.stdout, "FAQ entries (3)")
    assert (faq["(general)"], faq["demo"], faq["total"]) == (
        ["(general)", "1", "1"],
        ["demo", "1", "0"],
        ["total", "2", "1"],
    )
    assert "Problems: none" in result.stdout


def test_errors_are_listed_with_file_and_line_and_exit_one(tmp_path: Path) -> None:
    data = write(
        tmp_path,
        {
            "policy.yaml": POLICY,
            "faq/nl/goed.md": FAQ.format(question="Goed?", extra="", answer="Ja."),
            "faq/nl/kapot.md": "---\nquestion: Kapot?\ntags: [a\n---\nNee.\n",
            "faq/en/orphan.md": FAQ.format(question="Q?", extra="product: ghost\n", answer="A."),
        },
    )
    result = run_check("--data", str(data))
    assert result.exit_code == 1
    assert "Problems: 2 errors" in result.stdout
    assert "faq/nl/kapot.md:3: error: invalid YAML" in result.stdout
    assert "faq/en/orphan.md:3: error: unknown product 'ghost'" in result.stdout
    assert "FAQ entries (1)" in result.stdout


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    data = write(tmp_path, {"faq/nl/a.md": FAQ.format(question="A?", extra="", answer="B.")})
    result = run_check("--data", str(data))
    assert result.exit_code == 0
    assert "policy.yaml: warning:" in result.stdout


def test_missing_directory_exits_two_and_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = run_check("--data", str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert result.stdout == ""


def test_data_directory_defaults_to_the_environment_setting(tmp_path: Path) -> None:
    data = write(tmp_path, {"policy.yaml": "company: From Env BV\n"})
    result = run_check(env={"SUPPORTBOT_DATA_DIR": str(data)})
    assert result.exit_code == 0, result.output
    assert "From Env BV" in result.stdout


@pytest.mark.parametrize(
    ("args", "command", "help_text"),
    [
        (["--help"], "kb", "Inspect and validate the knowledge base."),
        (["kb", "--help"], "check", "Validate the knowledge base and print a summary"),
    ],
)
def test_help_lists_the_commands_with_one_line(
    args: list[str], command: str, help_text: str
) -> None:
    result = CliRunner().invoke(build_cli(), args)
    assert result.exit_code == 0
    assert re.search(rf"^ +{command} +{re.escape(help_text)}", result.stdout, re.M)
