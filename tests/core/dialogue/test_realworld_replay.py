"""Every real text of ``../shared/realworld`` through the engine on two knowledge bases.

VIRA and StackFAQ queries, readme lines, PHP traces, Site Health pastes and email bodies
(``tests.realworld_texts``), each as the first message of a conversation, on the shipped
``faq_data/`` and on vendor D's knowledge base from ``../shared/eval``: not one may raise or make
the engine log an error. Skipped when the shared data is absent.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from bot.config import REPO_ROOT
from tests.engine_replay import replay_real_texts
from tests.realworld_texts import REALWORLD
from tests.shared_data import shared_path


def test_every_real_text_gets_a_turn_on_two_knowledge_bases() -> None:
    shared_path(REALWORLD.name)
    knowledge_bases = [REPO_ROOT / "faq_data", shared_path("eval", "vendor-d", "kb")]
    with ProcessPoolExecutor(len(knowledge_bases), mp_context=get_context("spawn")) as pool:
        reports = list(pool.map(replay_real_texts, knowledge_bases))
    for report in reports:
        print(report.summary())  # shown with -s: the replay's share of the CI budget
        assert report.turns > 19_000, report.summary()
        assert not report.failures, f"{len(report.failures)} failed:\n" + "\n".join(
            report.failures[:30]
        )
