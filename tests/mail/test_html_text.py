"""HTML to readable text: structure survives, active content does not, nothing raises."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mail.html_text import html_to_text, html_to_text_split


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<p>first</p><p>second</p>", "first\nsecond"),
        ("line<br>break<br/>again", "line\nbreak\nagain"),
        ("<div><br></div>", ""),
        ("<p>para</p><p>&nbsp;</p><p>after blank</p>", "para\n\nafter blank"),
        ("<h1>Title</h1>Text", "Title\n\nText"),
        ("<ul><li>een</li><li>twee</li></ul>", "- een\n- twee"),
        ("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second"),
        ("<ul><li>a<ul><li>nested</li></ul></li><li>b</li></ul>", "- a\n  - nested\n- b"),
        ('<a href="https://nme.example/docs">the docs</a>', "the docs (https://nme.example/docs)"),
        ('<a href="https://nme.example/">https://nme.example/</a>', "https://nme.example/"),
        ('<a href="https://nme.example/x">nme.example/x</a>', "nme.example/x"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ('<a href="mailto:a@b.example">mail us</a>', "mail us"),
        ("<script>alert('x')</script>visible", "visible"),
        ("<style>p { color: red }</style><p>styled</p>", "styled"),
        ("<head><title>T</title></head><body>body</body>", "body"),
        ("<!--[if mso]><p>outlook only</p><![endif]-->shown", "shown"),
        ("caf&eacute; &amp; &lt;tag&gt; &#8364;", "café & <tag> €"),
        ("many     spaces\n\n and\tnewlines", "many spaces and newlines"),
        ("<p>x</p><pre>  keep\n    indent</pre><p>y</p>", "x\n\n  keep\n    indent\n\ny"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<blockquote>quoted<br>two</blockquote>after", "> quoted\n> two\nafter"),
        ("<blockquote>a<blockquote>b</blockquote></blockquote>", "> a\n> > b"),
        ("<hr>", "---"),
        ("<div>unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("</div></p>stray closers", "stray closers"),
        ("<p>Outlook<o:p></o:p></p>", "Outlook"),
    ],
)
def test_html_becomes_readable_text(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_split_returns_text_before_and_after_the_first_matching_element() -> None:
    html = "<p>reply</p><div class='q'><p>old</p></div><p>tail</p>"
    before, after, found = html_to_text_split(html, lambda tag, a: a.get("class") == "q")
    assert (before, after, found) == ("reply", "old\ntail", True)


def test_split_without_a_match_keeps_everything_before() -> None:
    assert html_to_text_split("<p>all</p>", lambda tag, attrs: False) == ("all", "", False)


def test_a_megabyte_of_nested_markup_converts_quickly() -> None:
    html = "<div>" * 20_000 + "deep" + "</div>" * 20_000 + "<p>x</p>" * 50_000
    started = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - started < 3.0
    assert text.startswith("deep")


_HTML_PIECES = st.sampled_from(
    list("<>/=\"'ab &;#x!-[]")
    + [
        "<p>",
        "<br>",
        "</a>",
        '<a href="http://x">',
        "<li>",
        "<ul>",
        "</ul>",
        "<pre>",
        "</pre>",
        "<blockquote>",
        "<script>",
        "&nbsp;",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_HTML_PIECES, max_size=200).map("".join))
def test_html_to_text_never_raises(html: str) -> None:
    html_to_text(html)
