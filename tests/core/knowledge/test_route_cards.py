"""Policy routes as phrasings: the built-in file, a knowledge base's own, `route:` on entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import POLICY_ROUTES
from bot.core.knowledge.route_cards import BUILTIN_SOURCE, _builtin_data, parse_routes


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


POLICY = "company: Test\nlanguages: [en, nl]\ndefault_language: en\n"


def test_the_built_in_phrasings_cover_every_route_in_both_languages() -> None:
    phrasings, problems = parse_routes(_builtin_data(), BUILTIN_SOURCE, ("nl", "en"))
    assert problems == []
    for route in POLICY_ROUTES:
        for language in ("nl", "en"):
            assert len(phrasings[(route, language, "route")]) >= 8, (route, language)
            assert phrasings[(route, language, "counter")], (route, language)


def test_cards_are_made_per_route_and_language(tmp_path: Path) -> None:
    kb = load_knowledge(write(tmp_path, {"policy.yaml": POLICY}))
    ids = {(card.language, card.id, card.kind) for card in kb.route_cards}
    assert ("en", "route-billing", "route") in ids and ("nl", "counter-channels", "counter") in ids
    assert all(card.route in POLICY_ROUTES for card in kb.route_cards)
    third_party = next(c for c in kb.route_cards if c.id == "route-third_party")
    assert "thirdparty" in third_party.tags  # the index adds it to queries naming one


def test_a_knowledge_base_adds_its_own_phrasings(tmp_path: Path) -> None:
    routes = "billing:\n  en:\n    examples: [where is my receipt for the conference ticket]\n"
    kb = load_knowledge(write(tmp_path, {"policy.yaml": POLICY, "routes.yaml": routes}))
    billing = next(c for c in kb.route_cards if c.id == "route-billing" and c.language == "en")
    assert "where is my receipt for the conference ticket" in billing.phrasings
    assert len(billing.phrasings) > 10  # added to the built-in ones, not instead of them


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("refunds:\n  en:\n    examples: [x]\n", "unknown route 'refunds'"),
        ("billing: [a, b]\n", "billing: expected language: lists"),
        ("billing:\n  en: just text\n", "billing.en: expected examples/counter"),
        ("billing:\n  en:\n    samples: [x]\n", "billing.en.samples"),
        ("- a list\n", "expected a mapping"),
        ("billing: [unclosed\n", "file skipped"),
    ],
)
def test_a_broken_routes_file_is_reported_and_the_rest_loads(
    tmp_path: Path, text: str, message: str
) -> None:
    kb = load_knowledge(write(tmp_path, {"policy.yaml": POLICY, "routes.yaml": text}))
    assert any(p.path == "routes.yaml" and message in p.message for p in kb.problems), kb.problems
    assert any(card.id == "route-billing" for card in kb.route_cards)


def entry(front: str) -> str:
    return f"---\nquestion: Can I get a refund?\n{front}---\nMail billing.\n"


@pytest.mark.parametrize(
    ("front", "route"),
    [
        ("route: billing\n", "billing"),
        ("route: Channels\n", "channels"),
        ("tags: [money, billing]\n", "billing"),  # knowledge bases from before `route:`
        ("tags: [refund]\n", None),  # never guessed from the words
        ("", None),
    ],
)
def test_an_entrys_route_comes_from_the_knowledge_base(
    tmp_path: Path, front: str, route: str | None
) -> None:
    kb = load_knowledge(write(tmp_path, {"policy.yaml": POLICY, "faq/en/refund.md": entry(front)}))
    assert [e.route for e in kb.faq] == [route]


def test_an_unknown_route_is_a_warning_and_the_entry_stays(tmp_path: Path) -> None:
    kb = load_knowledge(
        write(tmp_path, {"policy.yaml": POLICY, "faq/en/refund.md": entry("route: money\n")})
    )
    assert [e.route for e in kb.faq] == [None]
    warning = next(p for p in kb.problems if "unknown route" in p.message)
    assert warning.severity == "warning" and warning.path == "faq/en/refund.md" and warning.line
