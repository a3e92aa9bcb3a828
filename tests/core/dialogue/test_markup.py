"""Markdown rendering of bot messages: sanitised, and each text rendered once."""

from __future__ import annotations

from bot.core.dialogue.markup import RENDERED_KEPT, render


def test_the_same_text_is_rendered_once_and_kept() -> None:
    text = "Go to **Settings → Forms** and read https://example.com/docs."
    first = render(text)
    assert render(text) is first  # the kept result, not a second Markdown run
    assert '<a href="https://example.com/docs"' in first and "<strong>" in first


def test_kept_results_are_bounded_and_still_sanitised() -> None:
    assert 0 < RENDERED_KEPT <= 4096
    for n in range(RENDERED_KEPT + 10):
        render(f"answer {n}")
    assert render.cache_info().currsize <= RENDERED_KEPT
    unsafe = "<script>alert(1)</script>[x](javascript:alert(1)) <b onclick='x()'>b</b>"
    for _ in range(2):  # kept or not, the same cleaned HTML
        html = render(unsafe)
        assert "<script" not in html and "javascript:" not in html and "onclick" not in html
