"""Replay texts through a fresh engine in a worker process, counting what went wrong.

The real-world replay is ~20,000 turns per knowledge base. A worker process per knowledge base
uses both CI cores; each builds its own engine (spawned, not forked: forking a process with
threads is unsafe) and reports every text that raised or made a ``bot.*`` logger log an error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.dialogue.engine import Engine
from bot.core.events import TicketRequested
from bot.core.knowledge.loader import load_knowledge
from bot.i18n import load_translations
from tests.conftest import NOW
from tests.error_log import ErrorRecords
from tests.realworld_texts import real_texts


@dataclass
class ReplayReport:
    knowledge_base: str
    turns: int = 0
    seconds: float = 0.0
    seconds_by_kind: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kinds = ", ".join(f"{kind} {s:.1f} s" for kind, s in sorted(self.seconds_by_kind.items()))
        return f"{self.knowledge_base}: {self.turns} turns in {self.seconds:.1f} s ({kinds})"


def replay_real_texts(kb_dir: Path) -> ReplayReport:
    """Every real text as the first message of a conversation, on the knowledge base `kb_dir`."""
    kb = load_knowledge(kb_dir)
    engine = Engine(kb, load_translations(kb.policy.languages))
    report = ReplayReport(kb_dir.name if kb_dir.name != "kb" else kb_dir.parent.name)
    errors = ErrorRecords()
    logging.getLogger("bot").addHandler(errors)
    states = {channel: engine.new_state(channel=channel) for channel in ("widget", "email")}
    started = time.perf_counter()
    for real in real_texts():
        before = time.perf_counter()
        state = states["email" if real.kind == "email" else "widget"]
        try:
            turn = engine.handle(state, real.text, NOW)
            if turn.event(TicketRequested):
                turn = engine.ticket_opened(turn, "NME-1001")
            if not turn.messages:
                report.failures.append(f"{real}: no message")
        except Exception as error:  # noqa: BLE001 - reported with the text that caused it
            report.failures.append(f"{real}: raised {type(error).__name__}: {error}")
        if errors.records:
            report.failures.append(f"{real}: logged {errors.text()}")
            errors.clear()
        report.turns += 1
        spent = time.perf_counter() - before
        report.seconds_by_kind[real.kind] = report.seconds_by_kind.get(real.kind, 0.0) + spent
    report.seconds = time.perf_counter() - started
    return report
