"""Stored customer questions replayed against two knowledge bases: which answers would change
(from -> to, with counts) and which questions would no longer be answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.dialogue.engine import Engine
from bot.core.knowledge.models import POLICY_ROUTES

NO_ANSWER = "no answer"
SUGGESTIONS = "suggestions"


def outcome(engine: Engine, language: str, question: str, now: datetime) -> str:
    """What a new customer asking ``question`` gets first: ``faq lang/id``, ``route <name>``,
    ``suggestions``, or ``no answer``."""
    turn = engine.handle(engine.new_state(language), question, now)
    if turn.faq is not None:
        return f"faq {turn.state.last_faq or turn.faq.id}"
    if turn.route in POLICY_ROUTES:
        return f"route {turn.route}"
    return SUGGESTIONS if turn.route == "suggest" else NO_ANSWER


def answered(result: str) -> bool:
    return result.startswith(("faq ", "route "))


@dataclass
class ReplayDiff:
    questions: int = 0  # every stored question, repeats counted
    distinct: int = 0
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to) -> count
    newly_unanswered: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lang, text)
    newly_answered: int = 0


def replay(
    current: Engine, new: Engine, questions: Iterable[tuple[str, str]], now: datetime
) -> ReplayDiff:
    """Each (language, text) asked of both engines, as a new conversation's first message."""
    asked = Counter(questions)
    diff = ReplayDiff(questions=sum(asked.values()), distinct=len(asked))
    for (language, text), count in asked.items():
        before, after = outcome(current, language, text, now), outcome(new, language, text, now)
        if before == after:
            continue
        diff.changes[(before, after)] += count
        if answered(before) and not answered(after):
            diff.newly_unanswered[(language, text)] += count
        elif answered(after) and not answered(before):
            diff.newly_answered += count
    return diff
