"""The words a knowledge base writes as ordinary text (`ordinary_words`, issue 10) leave out
code, slugs and paths."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.core.dialogue.understanding import ordinary_words
from bot.core.knowledge.loader import load_knowledge

KB_DIR = Path(__file__).parent / "bramble_kb"


def test_slugs_paths_and_code_give_no_ordinary_words() -> None:
    kb = load_knowledge(KB_DIR)
    entry = replace(
        kb.faq[0],
        answer="Use `zorbly_quux` or the zorbly-plonk folder in wp-content/plonkers, see x.qwerty.",
    )
    words = ordinary_words([entry])
    assert {"zorbly", "quux", "plonk", "plonkers", "qwerty"}.isdisjoint(words)
    assert {"or", "folder", "see"} <= words
