"""Front matter and YAML documents: errors carry the line in the file, not in the YAML snippet."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.frontmatter import YamlProblem, load_yaml, split_front_matter


def test_front_matter_and_body_are_split() -> None:
    front = split_front_matter("---\nquestion: Hoe?\ntags: [a, b]\n---\n\nZo **dus**.\n")
    assert front.meta.data == {"question": "Hoe?", "tags": ["a", "b"]}
    assert (front.body, front.body_line) == ("Zo **dus**.", 5)


@pytest.mark.parametrize(
    "text",
    [
        "---\r\nquestion: Q\r\n---\r\nA\r\n",
        "---\rquestion: Q\r---\rA\r",
        "---  \nquestion: Q\n...\nA\n",
    ],
)
def test_fences_with_any_line_ending_or_a_yaml_end_marker(text: str) -> None:
    front = split_front_matter(text)
    assert (front.meta.data, front.body) == ({"question": "Q"}, "A")


def test_key_lines_are_counted_in_the_file() -> None:
    front = split_front_matter("---\nquestion: Q\n\nproduct: demo\n---\nA\n")
    assert dict(front.meta.key_lines) == {"question": 2, "product": 4}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("---\nquestion: Q\nalternatives: [a, b\n---\nA\n", 3, "flow sequence"),
        ("---\nquestion: Q\nproduct: a: b\n---\nA\n", 3, "mapping values"),
        ('---\nquestion: "unclosed\n---\nA\n', 2, "quoted scalar"),
        ("---\nquestion: Q\n  tags: x\n---\nA\n", 3, "mapping values"),
        ("---\n\n\nquestion: Q\n\t- tab\n---\nA\n", 5, "YAML"),
        ("question: Q\n\nA\n", 1, "must start with a '---' line"),
        ("---\nquestion: Q\nA\n", 1, "not closed"),
        ("", 1, "must start"),
    ],
)
def test_errors_carry_the_line_in_the_file(text: str, line: int, words: str) -> None:
    with pytest.raises(YamlProblem) as raised:
        split_front_matter(text)
    assert raised.value.line == line
    assert words in raised.value.message


def test_yaml_document_offsets_lines_by_its_start() -> None:
    with pytest.raises(YamlProblem) as raised:
        load_yaml("a: 1\nb: [\n", first_line=10)
    assert raised.value.line == 11


def test_value_that_only_the_constructor_rejects_is_a_problem_without_a_line() -> None:
    with pytest.raises(YamlProblem) as raised:
        load_yaml("released: 2024-13-45\n")
    assert raised.value.line is None


def test_numbers_keep_the_text_they_were_written_as() -> None:
    document = load_yaml("latest_version: 1.10\nrequires_php: 8.0\nname: Demo\n")
    assert document.data == {"latest_version": 1.1, "requires_php": 8.0, "name": "Demo"}
    assert document.scalar_text["latest_version"] == "1.10"
    assert document.scalar_text["requires_php"] == "8.0"


def test_duplicate_keys_are_noticed() -> None:
    document = load_yaml("name: A\nkind: plugin\nname: B\n")
    assert document.data == {"name": "B", "kind": "plugin"}
    assert document.duplicate_keys == (("name", 3),)


@pytest.mark.parametrize(("text", "data"), [("", None), ("- a\n- b\n", ["a", "b"]), ("x", "x")])
def test_non_mapping_documents_load_as_they_are(text: str, data: object) -> None:
    document = load_yaml(text)
    assert (document.data, dict(document.key_lines)) == (data, {})


def test_more_than_one_document_is_a_problem() -> None:
    with pytest.raises(YamlProblem):
        load_yaml("a: 1\n---\nb: 2\n")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_split_front_matter_raises_nothing_but_yaml_problem(text: str) -> None:
    try:
        split_front_matter("---\n" + text + "\n---\nbody")
    except YamlProblem as problem:
        assert problem.line is None or problem.line >= 1
