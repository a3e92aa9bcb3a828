"""Loading a data directory: good data loads, and every kind of bad file is reported and skipped."""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.knowledge.models import KnowledgeBase, Problem, Product
from bot.core.knowledge.third_party import builtin_components

POLICY = """\
company: Demo BV
helpdesk_email: help@demo.test
billing_email: billing@demo.test
response_hours: 12
default_language: nl
languages: [nl, en]
ticket_prefix: DEMO
"""
PRODUCT = 'name: Demo Plugin\nkind: plugin\naliases: [Demo]\nlatest_version: "2.0.1"\n'
FAQ_NL = "---\nquestion: Hoe installeer ik Demo?\nproduct: demo\ntags: [installatie]\n---\nZo.\n"
FAQ_EN = "---\nquestion: How do I install Demo?\nalternatives: [Install Demo]\n---\nLike this.\n"
README = """\
=== Demo Readme Name ===
Requires at least: 6.1
Tested up to: 6.7
Requires PHP: 7.4
Stable tag: 2.0.1

Short.

== Frequently Asked Questions ==
= Does it work offline? =
No.

= Is there a free version? =
Yes.

== Changelog ==
= 2.0.1 =
* Fix
"""
GOOD = {
    "policy.yaml": POLICY,
    "products/demo/product.yaml": PRODUCT,
    "faq/nl/installeren.md": FAQ_NL,
    "faq/en/install.md": FAQ_EN,
}

Files = dict[str, str | bytes]


def write_tree(root: Path, files: Files) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def load(tmp_path: Path, files: Files) -> KnowledgeBase:
    return load_knowledge(write_tree(tmp_path, files))


def faq_ids(kb: KnowledgeBase) -> set[str]:
    return {f"{entry.language}/{entry.id}" for entry in kb.faq}


def problem_at(kb: KnowledgeBase, path: str) -> Problem:
    matching = [problem for problem in kb.problems if problem.path == path]
    assert matching, f"no problem reported for {path}: {kb.problems}"
    return matching[0]


# --- good data ----------------------------------------------------------------------------------


def test_good_data_directory_loads_without_problems(tmp_path: Path) -> None:
    kb = load(tmp_path, GOOD)
    assert kb.problems == ()
    assert (kb.policy.company, kb.policy.response_hours, kb.policy.ticket_prefix) == (
        "Demo BV",
        12,
        "DEMO",
    )
    assert kb.products["demo"] == Product(
        slug="demo", name="Demo Plugin", aliases=("Demo",), latest_version="2.0.1"
    )
    nl = kb.faq_entry("nl", "installeren")
    assert nl is not None
    assert (nl.question, nl.answer, nl.product, nl.tags, nl.source) == (
        "Hoe installeer ik Demo?",
        "Zo.",
        "demo",
        ("installatie",),
        "faq/nl/installeren.md",
    )
    en = kb.faq_entry("en", "install")
    assert en is not None and en.alternatives == ("Install Demo",)


def test_builtin_third_party_components_are_always_included(tmp_path: Path) -> None:
    kb = load(tmp_path, GOOD)
    assert set(builtin_components()) <= set(kb.third_party)


def test_third_party_yaml_adds_to_the_builtin_list(tmp_path: Path) -> None:
    extra = "- name: Acme Forms\n  slugs: [acme-forms]\n  kind: plugin\n"
    kb = load(tmp_path, {**GOOD, "third_party.yaml": extra})
    assert "Acme Forms" in {component.name for component in kb.third_party}
    assert len(kb.third_party) == len(builtin_components()) + 1
    assert kb.problems == ()


@pytest.mark.parametrize("missing", ["does-not-exist", "a-file.txt"])
def test_missing_directory_raises_a_clear_error(tmp_path: Path, missing: str) -> None:
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=missing):
        load_knowledge(tmp_path / missing)


def test_missing_policy_uses_defaults_with_a_warning(tmp_path: Path) -> None:
    files = {key: value for key, value in GOOD.items() if key != "policy.yaml"}
    kb = load(tmp_path, files)
    assert kb.policy.languages == ("nl", "en")
    assert problem_at(kb, "policy.yaml").severity == "warning"


# --- readme.txt in a product folder -------------------------------------------------------------


def test_readme_fills_versions_changelog_and_faq(tmp_path: Path) -> None:
    product = "name: Demo Plugin\nreadme_language: en\n"
    kb = load(
        tmp_path,
        {**GOOD, "products/demo/product.yaml": product, "products/demo/readme.txt": README},
    )
    demo = kb.products["demo"]
    assert (demo.name, demo.latest_version, demo.requires_wp, demo.requires_php) == (
        "Demo Plugin",
        "2.0.1",
        "6.1",
        "7.4",
    )
    assert demo.tested_up_to == "6.7"
    assert [entry.version for entry in demo.changelog] == ["2.0.1"]
    readme_faq = [entry for entry in kb.faq if entry.id.startswith("demo-readme-")]
    assert [(e.id, e.language, e.product, e.question, e.answer) for e in readme_faq] == [
        ("demo-readme-1", "en", "demo", "Does it work offline?", "No."),
        ("demo-readme-2", "en", "demo", "Is there a free version?", "Yes."),
    ]
    assert readme_faq[0].source == "products/demo/readme.txt"
    assert kb.problems == ()


def test_product_yaml_wins_over_the_readme_and_the_difference_is_reported(tmp_path: Path) -> None:
    product = 'name: Demo Plugin\nlatest_version: "2.1"\nrequires_php: "8.0"\n'
    kb = load(
        tmp_path,
        {**GOOD, "products/demo/product.yaml": product, "products/demo/readme.txt": README},
    )
    demo = kb.products["demo"]
    assert (demo.latest_version, demo.requires_php, demo.requires_wp) == ("2.1", "8.0", "6.1")
    conflicts = [p for p in kb.problems if p.path == "products/demo/product.yaml"]
    assert [(p.line, p.severity) for p in conflicts] == [(2, "warning"), (3, "warning")]
    assert "Stable tag 2.0.1" in conflicts[0].message


def test_product_with_only_a_readme_takes_its_name_from_the_readme(tmp_path: Path) -> None:
    kb = load(tmp_path, {**GOOD, "products/extra/readme.txt": README})
    assert kb.products["extra"].name == "Demo Readme Name"
    assert kb.products["extra"].latest_version == "2.0.1"
    assert problem_at(kb, "products/extra").severity == "warning"


def test_product_without_any_name_is_named_after_its_folder(tmp_path: Path) -> None:
    readme = "=== Plugin Name ===\nStable tag: 1.0\n"
    kb = load(tmp_path, {**GOOD, "products/my-shop/readme.txt": readme})
    assert kb.products["my-shop"].name == "My Shop"


def test_unquoted_version_keeps_its_trailing_zero(tmp_path: Path) -> None:
    kb = load(
        tmp_path, {**GOOD, "products/demo/product.yaml": "name: Demo\nlatest_version: 1.10\n"}
    )
    assert kb.products["demo"].latest_version == "1.10"


def test_trunk_stable_tag_is_not_a_latest_version(tmp_path: Path) -> None:
    readme = "=== Demo ===\nStable tag: trunk\n\nShort.\n"
    kb = load(
        tmp_path,
        {**GOOD, "products/demo/product.yaml": "name: Demo\n", "products/demo/readme.txt": readme},
    )
    assert kb.products["demo"].latest_version is None
    assert "trunk" in problem_at(kb, "products/demo/readme.txt").message
    assert "latest version unknown" in problem_at(kb, "products/demo").message


def test_readme_faq_id_taken_by_an_faq_file_is_skipped(tmp_path: Path) -> None:
    files = {**GOOD, "products/demo/readme.txt": README, "faq/en/demo-readme-1.md": FAQ_EN}
    kb = load(tmp_path, files)
    entry = kb.faq_entry("en", "demo-readme-1")
    assert entry is not None and entry.source == "faq/en/demo-readme-1.md"
    assert "taken by faq/en/demo-readme-1.md" in problem_at(kb, "products/demo/readme.txt").message


# --- bad input: each is reported with the file, and the rest still loads ------------------------

BAD_INPUT = [
    # (name, extra files, path of the problem, line, severity, words in the message)
    (
        "malformed policy yaml",
        {"policy.yaml": "company: [Demo\n"},
        "policy.yaml",
        1,
        "error",
        "invalid YAML",
    ),
    (
        "policy not a mapping",
        {"policy.yaml": "- a\n- b\n"},
        "policy.yaml",
        1,
        "error",
        "key: value",
    ),
    (
        "malformed front matter",
        {"faq/nl/kapot.md": "---\nquestion: Q\nproduct: [a\n---\nA\n"},
        "faq/nl/kapot.md",
        3,
        "error",
        "invalid YAML",
    ),
    (
        "front matter missing",
        {"faq/nl/kaal.md": "Just an answer.\n"},
        "faq/nl/kaal.md",
        1,
        "error",
        "'---'",
    ),
    (
        "front matter not closed",
        {"faq/nl/open.md": "---\nquestion: Q\nA\n"},
        "faq/nl/open.md",
        1,
        "error",
        "not closed",
    ),
    (
        "front matter empty",
        {"faq/nl/leeg.md": "---\n---\nA\n"},
        "faq/nl/leeg.md",
        2,
        "error",
        "empty",
    ),
    (
        "empty FAQ body",
        {"faq/nl/leeg.md": "---\nquestion: Q\n---\n\n  \n"},
        "faq/nl/leeg.md",
        4,
        "error",
        "answer",
    ),
    (
        "question missing",
        {"faq/nl/vraag.md": "---\ntags: [a]\n---\nA\n"},
        "faq/nl/vraag.md",
        1,
        "error",
        "'question' is required",
    ),
    (
        "question not text",
        {"faq/nl/vraag.md": "---\nquestion: [a, b]\n---\nA\n"},
        "faq/nl/vraag.md",
        2,
        "error",
        "must be text",
    ),
    (
        "duplicate id",
        {"faq/nl/Installeren.md": FAQ_NL},
        "faq/nl/installeren.md",
        1,
        "error",
        "duplicate id",
    ),
    (
        "unknown product",
        {"faq/nl/x.md": "---\nquestion: Q\nproduct: nope\n---\nA\n"},
        "faq/nl/x.md",
        3,
        "error",
        "unknown product 'nope'",
    ),
    (
        "unknown language folder",
        {"faq/de/frage.md": FAQ_EN},
        "faq/de",
        None,
        "error",
        "unknown language folder 'de'",
    ),
    (
        "latin-1 FAQ",
        {"faq/nl/cafe.md": "---\nquestion: Café?\n---\nJa.\n".encode("latin-1")},
        "faq/nl/cafe.md",
        None,
        "warning",
        "not valid UTF-8",
    ),
    (
        "BOM in FAQ",
        {"faq/nl/bom.md": codecs.BOM_UTF8 + FAQ_NL.encode()},
        "faq/nl/bom.md",
        None,
        "warning",
        "BOM",
    ),
    (
        "huge FAQ file",
        {"faq/nl/groot.md": FAQ_NL + "x" * 1_100_000},
        "faq/nl/groot.md",
        None,
        "error",
        "larger than",
    ),
    (
        "huge readme",
        {"products/demo/readme.txt": README + ("* filler line\n" * 400_000)},
        "products/demo/readme.txt",
        None,
        "warning",
        "only the start is read",
    ),
    (
        "wrong type in policy",
        {"policy.yaml": POLICY.replace("12", "soon")},
        "policy.yaml",
        4,
        "error",
        "whole number",
    ),
    (
        "unknown key in policy",
        {"policy.yaml": POLICY + "colour: red\n"},
        "policy.yaml",
        8,
        "warning",
        "unknown key 'colour'",
    ),
    (
        "bad email in policy",
        {"policy.yaml": POLICY.replace("help@demo.test", "helpdesk")},
        "policy.yaml",
        2,
        "error",
        "not an email address",
    ),
    (
        "default language not offered",
        {"policy.yaml": POLICY.replace("default_language: nl", "default_language: de")},
        "policy.yaml",
        5,
        "error",
        "not one of languages",
    ),
    (
        "wrong kind",
        {"products/demo/product.yaml": PRODUCT.replace("plugin", "widget")},
        "products/demo/product.yaml",
        2,
        "error",
        "must be one of plugin, theme, service",
    ),
    (
        "aliases not a list",
        {"products/demo/product.yaml": PRODUCT.replace("[Demo]", "{a: 1}")},
        "products/demo/product.yaml",
        3,
        "error",
        "list of text",
    ),
    (
        "example not a boolean",
        {"products/demo/product.yaml": PRODUCT + "example: maybe\n"},
        "products/demo/product.yaml",
        5,
        "error",
        "true or false",
    ),
    (
        "product name missing",
        {"products/demo/product.yaml": "kind: plugin\n"},
        "products/demo/product.yaml",
        1,
        "error",
        "'name' is required",
    ),
    (
        "malformed product yaml",
        {"products/demo/product.yaml": "name: Demo\n  kind: x: y\n"},
        "products/demo/product.yaml",
        2,
        "error",
        "invalid YAML",
    ),
    (
        "alternatives not a list",
        {"faq/en/alt.md": "---\nquestion: Q\nalternatives: {a: 1}\n---\nA\n"},
        "faq/en/alt.md",
        3,
        "error",
        "list of text",
    ),
    (
        "tag not text",
        {"faq/en/tag.md": "---\nquestion: Q\ntags: [a, {b: 1}]\n---\nA\n"},
        "faq/en/tag.md",
        3,
        "error",
        "items must be text",
    ),
    (
        "unknown front matter key",
        {"faq/en/k.md": "---\nquestion: Q\nproducts: demo\n---\nA\n"},
        "faq/en/k.md",
        3,
        "warning",
        "unknown key 'products'",
    ),
    (
        "id in front matter",
        {"faq/en/k.md": "---\nquestion: Q\nid: other\n---\nA\n"},
        "faq/en/k.md",
        3,
        "warning",
        "the id is the file name",
    ),
    (
        "duplicate key",
        {"faq/en/k.md": "---\nquestion: Q\nquestion: R\n---\nA\n"},
        "faq/en/k.md",
        3,
        "warning",
        "given twice",
    ),
    (
        "not an md file",
        {"faq/nl/notes.txt": "hello"},
        "faq/nl/notes.txt",
        None,
        "warning",
        "not an FAQ file",
    ),
    (
        "file directly in faq",
        {"faq/loose.md": FAQ_NL},
        "faq/loose.md",
        None,
        "warning",
        "faq/<language>/",
    ),
    (
        "empty product folder",
        {"products/empty/.keep": ""},
        "products/empty",
        None,
        "warning",
        "neither product.yaml nor readme.txt",
    ),
    (
        "malformed third_party.yaml",
        {"third_party.yaml": "plugins: [a\n"},
        "third_party.yaml",
        1,
        "error",
        "invalid YAML",
    ),
    (
        "readme header rejected",
        {"products/demo/readme.txt": "=== Demo ===\nRequires PHP: seven\n"},
        "products/demo/readme.txt",
        None,
        "warning",
        "Requires PHP 'seven'",
    ),
]


@pytest.mark.parametrize(
    ("extra", "path", "line", "severity", "words"),
    [row[1:] for row in BAD_INPUT],
    ids=[row[0] for row in BAD_INPUT],
)
def test_bad_input_is_reported_with_its_file_and_the_rest_loads(
    tmp_path: Path, extra: Files, path: str, line: int | None, severity: str, words: str
) -> None:
    kb = load(tmp_path, {**GOOD, **extra})
    problem = problem_at(kb, path)
    assert (problem.line, problem.severity) == (line, severity), problem
    assert words in problem.message
    assert "demo" in kb.products
    assert "en/install" in faq_ids(kb)


@pytest.mark.parametrize(
    ("extra", "skipped"),
    [
        ({"faq/nl/x.md": "---\nquestion: Q\nproduct: nope\n---\nA\n"}, "nl/x"),
        ({"faq/nl/leeg.md": "---\nquestion: Q\n---\n"}, "nl/leeg"),
        ({"faq/de/frage.md": FAQ_EN}, "de/frage"),
        ({"faq/nl/kapot.md": "---\nquestion: [Q\n---\nA\n"}, "nl/kapot"),
    ],
)
def test_bad_faq_entry_is_skipped(tmp_path: Path, extra: Files, skipped: str) -> None:
    kb = load(tmp_path, {**GOOD, **extra})
    assert skipped not in faq_ids(kb)
    assert "nl/installeren" in faq_ids(kb)


def test_legacy_encoded_faq_is_still_loaded_with_the_right_characters(tmp_path: Path) -> None:
    data = "---\nquestion: Café open?\n---\nJa, één keer.\n".encode("cp1252")
    kb = load(tmp_path, {**GOOD, "faq/nl/cafe.md": data})
    entry = kb.faq_entry("nl", "cafe")
    assert entry is not None and (entry.question, entry.answer) == ("Café open?", "Ja, één keer.")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: text.encode("latin-1"),
        lambda text: codecs.BOM_UTF8 + text.encode(),
    ],
    ids=["utf-16", "latin-1", "utf-8-bom"],
)
def test_readme_in_an_unexpected_encoding_is_read(
    tmp_path: Path, encode: Callable[[str], bytes]
) -> None:
    readme = README.replace("Demo Readme Name", "Démo")
    kb = load(tmp_path, {**GOOD, "products/extra/readme.txt": encode(readme)})
    assert (kb.products["extra"].name, kb.products["extra"].latest_version) == ("Démo", "2.0.1")
    assert problem_at(kb, "products/extra/readme.txt").severity == "warning"


def test_five_megabyte_readme_is_read_up_to_one_megabyte(tmp_path: Path) -> None:
    huge = README + "\n".join(f"* change {n}" for n in range(500_000))
    assert len(huge) > 5_000_000
    kb = load(tmp_path, {**GOOD, "products/demo/readme.txt": huge})
    assert kb.products["demo"].requires_wp == "6.1"
    assert len([entry for entry in kb.faq if entry.product == "demo"]) == 3


# --- never raises -------------------------------------------------------------------------------

_TARGETS = [
    "policy.yaml",
    "products/demo/product.yaml",
    "products/demo/readme.txt",
    "faq/nl/installeren.md",
    "third_party.yaml",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=st.sampled_from(_TARGETS), content=st.binary(max_size=300) | st.text(max_size=300))
def test_load_never_raises_on_garbage_in_any_file(target: str, content: bytes | str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        kb = load(Path(directory), {**GOOD, target: content})
    if target != "policy.yaml":  # a policy may legitimately drop English
        assert "en/install" in faq_ids(kb)
