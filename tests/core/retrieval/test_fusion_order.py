"""The order a fused ranking is shown in: its first, then the words' best and its own in turn."""

from __future__ import annotations

from bot.core.knowledge.models import FaqEntry
from bot.core.matching import FaqMatch
from bot.core.retrieval.fusion import interleaved


def _entry(name: str) -> FaqEntry:
    return FaqEntry(name, "en", f"How do I {name}?", f"Answer about {name}.")


def _ranking(names: str, start: float) -> list[FaqMatch]:
    return [FaqMatch(_entry(n), start - 0.1 * rank) for rank, n in enumerate(names.split())]


def _names(matches: list[FaqMatch]) -> list[str]:
    return [m.entry.id for m in matches]


def test_the_words_first_is_shown_second_when_meaning_pulls_in_neighbours() -> None:
    fused = _ranking("backup backup-size backup-schedule restore", 1.6)
    words = _ranking("restore backup", 0.7)
    assert _names(interleaved(fused, words)) == [
        "backup", "restore", "backup-size", "backup-schedule"
    ]  # fmt: skip


def test_the_fused_first_and_every_score_stay_as_ranked() -> None:
    fused = _ranking("a b c d", 1.5)
    shown = interleaved(fused, _ranking("d c", 0.5))
    assert shown[0] is fused[0]
    assert sorted(_names(shown)) == sorted(_names(fused))
    assert {m.entry.id: m.score for m in shown} == {m.entry.id: m.score for m in fused}


def test_agreeing_rankings_keep_the_fused_order() -> None:
    fused = _ranking("a b c", 1.5)
    assert _names(interleaved(fused, _ranking("a b c", 0.9))) == ["a", "b", "c"]


def test_words_candidates_outside_the_fused_ranking_are_not_shown() -> None:
    fused = _ranking("a b", 1.5)
    assert _names(interleaved(fused, _ranking("zzz b", 0.9))) == ["a", "b"]
    assert interleaved([], _ranking("a", 0.9)) == []
