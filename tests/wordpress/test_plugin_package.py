"""The connector as a release: ``supportbot wordpress build-plugin``, the zip's content, PHP
syntax, the readme.txt read by our own parser, and translations that keep up with the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from bot.cli import build_cli
from bot.cli.wordpress import PLUGIN_SOURCE, BuildError, BuiltPlugin, build_plugin
from bot.core.knowledge.readme import parse_readme
from tests.wordpress.site import WORDPRESS_CORE

pytestmark = pytest.mark.wordpress

TOOLS = PLUGIN_SOURCE.parent / "tools"
LANGUAGES = PLUGIN_SOURCE / "languages"
PLACEHOLDER = re.compile(r"%(?:\d\$)?s")


def needs_php() -> None:
    if shutil.which("php") is None:
        pytest.skip("no php; `./dev test` installs php-cli")


def test_the_command_writes_an_installable_zip(tmp_path: Path) -> None:
    result = CliRunner().invoke(build_cli(), ["wordpress", "build-plugin", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (zip_path,) = tmp_path.glob("supportbot-connector-*.zip")
    assert str(zip_path) in result.output
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert all(name.startswith("supportbot-connector/") for name in names)  # one folder
    for required in ("supportbot-connector.php", "load.php", "uninstall.php", "readme.txt",
                     "includes/bootstrap.php", "assets/help-page.js",
                     "languages/supportbot-connector.pot",
                     "languages/supportbot-connector-nl_NL.mo"):  # fmt: skip
        assert f"supportbot-connector/{required}" in names


def test_the_build_is_reproducible(tmp_path: Path) -> None:
    first = build_plugin(tmp_path / "a").path.read_bytes()
    second = build_plugin(tmp_path / "b").path.read_bytes()
    assert first == second


def test_a_source_whose_versions_disagree_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "supportbot-connector"
    shutil.copytree(PLUGIN_SOURCE, source)
    readme = source / "readme.txt"
    readme.write_text(readme.read_text().replace("Stable tag: ", "Stable tag: 9"), encoding="utf-8")
    with pytest.raises(BuildError, match="disagree"):
        build_plugin(tmp_path / "out", source)


def test_the_compiled_dutch_translation_is_in_the_zip(tmp_path: Path) -> None:
    built: BuiltPlugin = build_plugin(tmp_path)
    with zipfile.ZipFile(built.path) as archive:
        mo = archive.read("supportbot-connector/languages/supportbot-connector-nl_NL.mo")
    assert mo[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")  # the .mo magic number
    assert b"Mijn site-informatie delen" in mo


def test_wordpress_reads_the_compiled_translation(tmp_path: Path) -> None:
    """With WordPress's own MO reader (wp-includes/pomo), which is stricter than GNU gettext."""
    needs_php()
    pomo = WORDPRESS_CORE / "wp-includes" / "pomo" / "mo.php"
    if not pomo.exists():
        pytest.skip(f"no {pomo}; `./dev test` installs Debian's wordpress")
    built = build_plugin(tmp_path)
    with zipfile.ZipFile(built.path) as archive:
        mo = tmp_path / "nl_NL.mo"
        mo.write_bytes(archive.read("supportbot-connector/languages/supportbot-connector-nl_NL.mo"))
    code = (
        f"define('ABSPATH', '{WORDPRESS_CORE}/'); require '{pomo}'; $mo = new MO(); "
        f"if (!$mo->import_from_file('{mo}')) {{ exit(1); }} "
        "echo $mo->translate('Share my site information');"
    )
    read = subprocess.run(["php", "-r", code], capture_output=True, text=True, check=False)
    assert read.returncode == 0, "WordPress refused the .mo file"
    assert read.stdout == "Mijn site-informatie delen"


def test_every_php_file_passes_php_lint(tmp_path: Path) -> None:
    needs_php()
    built = build_plugin(tmp_path)
    with zipfile.ZipFile(built.path) as archive:
        archive.extractall(tmp_path / "unpacked")
    files = sorted((tmp_path / "unpacked").rglob("*.php"))
    assert len(files) >= 12
    for path in files:
        lint = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, check=False)
        assert lint.returncode == 0, lint.stdout + lint.stderr


def test_every_php_file_refuses_to_run_outside_wordpress() -> None:
    """WordPress.org's rule: no file does anything when it is requested directly."""
    for path in PLUGIN_SOURCE.rglob("*.php"):
        head = path.read_text(encoding="utf-8")[:1500]
        assert (
            "defined( 'ABSPATH' ) || exit;" in head or "defined( 'WP_UNINSTALL_PLUGIN' )" in head
        ), path


def test_our_readme_parser_reads_the_plugin_readme() -> None:
    readme = parse_readme((PLUGIN_SOURCE / "readme.txt").read_text(encoding="utf-8"))
    assert readme.name == "Supportbot Connector"
    assert readme.stable_tag == "1.0.0"
    assert readme.requires_wp == "6.1" and readme.requires_php == "7.4"
    assert not readme.warnings and not readme.notes
    questions = [item.question for item in readme.faq]
    assert 'What does "Share my site information" send?' in questions
    # an unknown section joins the description, as on wordpress.org ("other notes")
    assert "### External services" in readme.sections["description"]
    assert readme.changelog


def test_the_translation_template_is_up_to_date(tmp_path: Path) -> None:
    needs_php()
    fresh = tmp_path / "fresh.pot"
    subprocess.run(["php", str(TOOLS / "make-pot.php"), str(fresh)], check=True)
    committed = (LANGUAGES / "supportbot-connector.pot").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, (
        "run: php widget/wordpress/tools/make-pot.php, then translate the new strings in "
        "languages/supportbot-connector-nl_NL.po"
    )


def test_every_string_has_a_dutch_translation_with_the_same_placeholders() -> None:
    with (LANGUAGES / "supportbot-connector.pot").open("rb") as handle:
        template = read_po(handle)
    with (LANGUAGES / "supportbot-connector-nl_NL.po").open("rb") as handle:
        dutch = read_po(handle, locale="nl_NL")
    for message in template:
        if not message.id:
            continue
        translated = dutch.get(message.id, context=message.context)
        assert translated is not None and translated.string, f"not translated: {message.id!r}"
        assert not translated.fuzzy, f"fuzzy: {message.id!r}"
        placeholders = sorted(__import__("re").findall(r"%(?:\d\$)?s", str(message.id)))
        assert (
            sorted(__import__("re").findall(r"%(?:\d\$)?s", str(translated.string))) == placeholders
        )
