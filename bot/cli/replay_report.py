"""`kb diff`: the stored questions replayed against both knowledge bases, as a report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from bot.config import Config
from bot.core.dialogue.engine import Engine
from bot.core.knowledge.models import KnowledgeBase
from bot.core.learning.replay import ReplayDiff, replay
from bot.i18n import load_translations
from bot.semantic import build_semantic

SHOWN_UNANSWERED = 20


def replay_report(
    roots: tuple[Path, Path],
    knowledge: tuple[KnowledgeBase, KnowledgeBase],
    questions: Sequence[tuple[str, str]],
    taught: Mapping[tuple[str, str], Sequence[str]],
    now: datetime,
    since: str,
) -> str:
    scorer = build_semantic(Config.from_env()).scorer
    engines = []
    for kb in knowledge:
        engine = Engine(kb, load_translations(kb.policy.languages), semantic=scorer)
        engine.services.faq.learn(taught)  # as live: the taught phrasings count on both sides
        engines.append(engine)
    found = replay(engines[0], engines[1], questions, now)
    return format_report(found, *roots, since)


def format_report(found: ReplayDiff, current_root: Path, new_root: Path, since: str) -> str:
    lines = [
        f"Replayed {found.questions} customer question(s) ({found.distinct} different) from "
        f"the last {since}: {current_root} -> {new_root}",
        "",
    ]
    changed = sum(found.changes.values())
    lost = sum(found.newly_unanswered.values())
    lines.append(
        f"{changed} answer(s) would change; {lost} newly unanswered; "
        f"{found.newly_answered} newly answered."
    )
    if found.changes:
        lines += ["", "Answers that would change (count  from -> to):"]
        for (before, after), count in found.changes.most_common():
            lines.append(f"{count:>6}  {before} -> {after}")
    if found.newly_unanswered:
        lines += ["", "Newly unanswered (count  language  question):"]
        for (language, text), count in found.newly_unanswered.most_common(SHOWN_UNANSWERED):
            lines.append(f"{count:>6}  {language}  {text}")
        hidden = len(found.newly_unanswered) - SHOWN_UNANSWERED
        if hidden > 0:
            lines.append(f"   ... and {hidden} more")
    return "\n".join(lines) + "\n"
