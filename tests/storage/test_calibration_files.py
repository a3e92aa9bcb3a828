"""The calibration cache: gates read from a file decide as computed ones; a changed knowledge
base, or a file that cannot be read or written, means calibrating again, never a failed start;
processes starting at once calibrate once."""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.config import REPO_ROOT, Config
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.models import KnowledgeBase
from bot.core.matching import FaqIndex, faq_index
from bot.core.retrieval import calibration_cache
from bot.storage.calibration_files import CalibrationFiles, CalibrationReader

BRAMBLE = REPO_ROOT / "tests" / "core" / "dialogue" / "bramble_kb"
VENDOR_C = REPO_ROOT.parent / "shared" / "eval" / "vendor-c" / "kb"
CALIBRATING = "calibrating the answer gate"
PI = "Werkt het ook op een Raspberry Pi?"


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each index is built as in a new worker: nothing calibrated in this process yet."""
    monkeypatch.setattr(calibration_cache, "_cache", {})


def index_of(kb: KnowledgeBase, store: CalibrationFiles | None) -> FaqIndex:
    return faq_index(kb, calibration_store=store)


def calibrated(caplog: pytest.LogCaptureFixture) -> int:
    found = sum(CALIBRATING in record.getMessage() for record in caplog.records)
    caplog.clear()
    return found


def decisions(index: FaqIndex, kb: KnowledgeBase) -> list[object]:
    phrasings = [p for entry in (*kb.faq, *kb.route_cards) for p in entry.phrasings]
    queries = [*phrasings[::5], "hoe werkt het", "refund please", "broken after the update", PI]
    return [
        (index.search(query, language), index.candidates(query, language))
        for query in queries
        for language in index.languages
    ]


@pytest.mark.parametrize("path", [REPO_ROOT / "faq_data", VENDOR_C], ids=["faq_data", "vendor-c"])
def test_gates_read_from_the_cache_decide_as_computed_ones(
    path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if not path.is_dir():
        pytest.skip(f"{path} is not available")
    caplog.set_level(logging.INFO)
    kb = load_knowledge(path)
    computed = index_of(kb, None)
    store = CalibrationFiles(tmp_path / "calibration")
    calibration_cache._cache.clear()
    index_of(kb, store)  # cold: calibrates and writes the file
    assert calibrated(caplog) == 1 and len(list(store.folder.glob("*.json"))) == 1
    calibration_cache._cache.clear()
    warm = index_of(kb, store)
    assert calibrated(caplog) == 0
    assert warm.calibrations == computed.calibrations
    assert decisions(warm, kb) == decisions(computed, kb)


def test_taught_phrasings_work_as_without_the_cache(tmp_path: Path) -> None:
    kb = load_knowledge(REPO_ROOT / "faq_data")
    store = CalibrationFiles(tmp_path)
    index_of(kb, store)
    calibration_cache._cache.clear()
    warm, computed = index_of(kb, store), index_of(kb, None)
    for index in (warm, computed):
        index.learn({("nl", "system-requirements"): [PI]})
    assert warm.search(PI, "nl") == computed.search(PI, "nl")
    assert warm.search(PI, "nl").decision == "answer"
    assert warm.gate("nl") == computed.gate("nl")


def test_a_changed_knowledge_base_is_calibrated_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    kb = load_knowledge(BRAMBLE)
    store = CalibrationFiles(tmp_path)
    index_of(kb, store)
    assert calibrated(caplog) == 1
    first = kb.faq[0]
    edited = dataclasses.replace(first, alternatives=(*first.alternatives, "one more way to ask"))
    changed = dataclasses.replace(kb, faq=(edited, *kb.faq[1:]))
    calibration_cache._cache.clear()
    index_of(changed, store)
    assert calibrated(caplog) == 1
    assert len(list(tmp_path.glob("*.json"))) == 2


def corrupt(path: Path) -> None:
    path.write_text('{"format": 1, "languages": {"en": ', encoding="utf-8")


def not_a_calibration(path: Path) -> None:
    path.write_text('{"format": 1, "languages": {"en": {"gate": 3}}}', encoding="utf-8")


def unreadable(path: Path) -> None:
    path.unlink()
    path.mkdir()  # reading a folder fails as an unreadable file does (tests may run as root)


def binary(path: Path) -> None:
    path.write_bytes(b"\xff\xfe\x00garbage")


@pytest.mark.parametrize("spoil", [corrupt, not_a_calibration, unreadable, binary])
def test_a_spoiled_file_is_logged_and_calibrated_again(
    spoil: object, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    kb = load_knowledge(BRAMBLE)
    store = CalibrationFiles(tmp_path)
    expected = index_of(kb, store).calibrations
    (path,) = tmp_path.glob("*.json")
    spoil(path)  # type: ignore[operator]
    calibration_cache._cache.clear()
    caplog.clear()
    assert index_of(kb, store).calibrations == expected
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "calibrating again" in warnings[0].getMessage()
    assert calibrated(caplog) == 1
    assert CalibrationFiles(tmp_path).load(path.stem) is None or path.is_file()


def test_an_unwritable_folder_is_logged_and_the_index_still_builds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    kb = load_knowledge(BRAMBLE)
    index = index_of(kb, CalibrationFiles(blocked / "calibration"))
    assert index.calibrations == index_of(kb, None).calibrations
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not written" in m for m in messages)
    assert any("calibrating without it" in m for m in messages)


def test_a_reader_uses_the_servers_file_and_writes_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    kb = load_knowledge(BRAMBLE)
    folder = tmp_path / "calibration"
    cold = index_of(kb, CalibrationReader(folder))  # no server file: calibrated in memory
    assert calibrated(caplog) == 1 and not folder.exists()
    calibration_cache._cache.clear()
    index_of(kb, CalibrationFiles(folder))  # the server calibrates and writes its file
    written = {path: path.read_bytes() for path in folder.iterdir()}
    calibration_cache._cache.clear()
    caplog.clear()
    warm = index_of(kb, CalibrationReader(folder))
    assert calibrated(caplog) == 0
    assert warm.calibrations == cold.calibrations
    assert {path: path.read_bytes() for path in folder.iterdir()} == written


BOOT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from bot.core.retrieval.calibration import Calibration
    from bot.core.retrieval.calibration_cache import stored
    from bot.core.retrieval.decision import DEFAULT_THRESHOLDS
    from bot.storage.calibration_files import CalibrationFiles

    folder, counter = Path(sys.argv[1]), Path(sys.argv[2])

    def compute():
        with counter.open("a") as out:
            out.write("calibrated\\n")
        time.sleep(1.0)  # long enough for the other process to arrive meanwhile
        return {"en": Calibration(DEFAULT_THRESHOLDS, "default", 7, 0, 0.0, 0.0, 0.0, 0.0)}

    print(stored(CalibrationFiles(folder), "the-key", compute)["en"].faq_queries)
    """
)


def test_processes_booting_at_once_calibrate_once(tmp_path: Path) -> None:
    counter = tmp_path / "calibrations.txt"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-c", BOOT, str(tmp_path / "calibration"), str(counter)]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in range(3)
    ]
    outputs = [process.communicate(timeout=60)[0].strip() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0]
    assert outputs == ["7", "7", "7"]
    assert counter.read_text().splitlines() == ["calibrated"]


def test_the_folder_is_a_setting(tmp_path: Path) -> None:
    assert CalibrationFiles.from_config(Config(instance_dir=tmp_path)).folder == (
        tmp_path / "calibration"
    )
    chosen = Config(instance_dir=tmp_path, calibration_cache=str(tmp_path / "elsewhere"))
    assert CalibrationFiles.from_config(chosen).folder == tmp_path / "elsewhere"
