"""Taught phrasings added to an FAQ file's alternatives; every other line stays as it was."""

from __future__ import annotations

import pytest
import yaml

from bot.core.learning.phrasing_files import PhrasingFileError, with_alternatives, yaml_item

ANSWER = "Het antwoord.\n\nMet **opmaak**.\n"


def front(document: str) -> dict[str, object]:
    return dict(yaml.safe_load(document.split("---\n")[1]))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # a block list: the new items follow its last one, indented alike
            "---\nquestion: Vraag?\nalternatives:\n    - Eerste\n    - Tweede\ntags: [a]\n---\n",
            "---\nquestion: Vraag?\nalternatives:\n    - Eerste\n    - Tweede\n    - Nieuw: ja?\n"
            "tags: [a]\n---\n",
        ),
        (  # no alternatives yet: a block before the closing fence
            "---\nquestion: Vraag?\nproduct: polder\n---\n",
            "---\nquestion: Vraag?\nproduct: polder\nalternatives:\n  - Nieuw: ja?\n---\n",
        ),
        (  # a flow list becomes a block list, its items first
            "---\nquestion: Vraag?\nalternatives: [Een, 'Twee, drie']\ntags: [a]\n---\n",
            "---\nquestion: Vraag?\nalternatives:\n  - Een\n  - Twee, drie\n  - Nieuw: ja?\n"
            "tags: [a]\n---\n",
        ),
        (  # a comment and blank line after the list stay after it
            "---\nquestion: Vraag?\nalternatives:\n  - Een\n\n# notitie\n---\n",
            "---\nquestion: Vraag?\nalternatives:\n  - Een\n  - Nieuw: ja?\n\n# notitie\n---\n",
        ),
    ],
)
def test_phrasings_are_added_and_nothing_else_changes(before: str, after: str) -> None:
    written = with_alternatives(before + ANSWER, ["Nieuw: ja?"])
    assert written == after.replace("Nieuw: ja?", '"Nieuw: ja?"') + ANSWER
    assert front(written)["alternatives"][-1] == "Nieuw: ja?"  # type: ignore[index]


@pytest.mark.parametrize(
    "text",
    ["gewoon een zin", "- begint met een streep", "yes", "12", "a # b", 'met "quotes"', "é ü ñ"],
)
def test_any_text_reads_back_as_itself(text: str) -> None:
    written = with_alternatives("---\nquestion: Q\n---\nA\n", [text])
    assert front(written)["alternatives"] == [text]
    assert yaml_item("gewoon een zin") == "gewoon een zin"  # plain where plain is safe


def test_windows_line_ends_are_kept() -> None:
    written = with_alternatives(
        "---\r\nquestion: Q\r\nalternatives:\r\n  - A\r\n---\r\nB\r\n", ["C"]
    )
    assert written == "---\r\nquestion: Q\r\nalternatives:\r\n  - A\r\n  - C\r\n---\r\nB\r\n"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("question: Q\n", "does not start with front matter"),
        ("---\nquestion: Q\nalternatives: [a,\n  b]\n---\nA\n", "neither a list"),
        ("---\nquestion: Q\nalternatives: een tekst\n---\nA\n", "neither a list"),
        ("---\nquestion: Q\n", "no closing ---"),
        ("---\nquestion: Q\nalternatives: [1, 2]\n---\nA\n", "not a list of texts"),
    ],
)
def test_files_that_cannot_be_extended_safely_are_refused(document: str, message: str) -> None:
    with pytest.raises(PhrasingFileError, match=message):
        with_alternatives(document, ["nieuw"])
