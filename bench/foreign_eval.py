"""Play labelled conversations of a foreign vendor over the JSON API and score every turn.

A set is a knowledge base plus ``cases.json`` (the format of ``../shared/eval/README.md``):
vendors C and D in ``../shared/eval``, and our own in ``bench/eval/*``. Each case is a
conversation; it counts as right only when every turn passes every check (route, FAQ pick,
product, version, language, text, and the final ticket); "turns right" also counts each turn on
its own (issue 10's acceptance counts turns). Scores are printed per category, for
the ``dev`` and ``heldout`` splits side by side: tune on dev, the held-out figure is the one
that counts.

By default each set runs against a real ``supportbot serve`` started for it (fresh SQLite, rate
limits off, mail to a closed port). ``--in-process`` uses Flask's test client instead (the same
API code, faster for iterating); ``--server URL`` uses a server that is already running.

    .venv/bin/python bench/foreign_eval.py                    # every set found, both splits
    .venv/bin/python bench/foreign_eval.py --set vendor-c --split dev --failures
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import REPO, SHARED, print_table

Post = Callable[[str, dict[str, Any], str | None], tuple[int, dict[str, Any]]]
SPLITS = ("dev", "heldout")


@dataclass(frozen=True)
class EvalSet:
    name: str
    kb: Path
    cases: Path


def known_sets() -> list[EvalSet]:
    """The shared foreign sets and the repo's own, where present."""
    roots = sorted((SHARED / "eval").glob("vendor-*")) + sorted((REPO / "bench/eval").glob("*"))
    return [
        EvalSet(root.name, root / "kb", root / "cases.json")
        for root in roots
        if (root / "kb").is_dir() and (root / "cases.json").is_file()
    ]


# -- checking one turn ------------------------------------------------------------------------
def normalise_question(text: str) -> str:
    return " ".join(re.sub(r"\W+", " ", text.lower()).split())


def normalise_version(text: str | None) -> tuple[int, ...] | None:
    if text is None:
        return None
    parts = [int(p) for p in re.findall(r"\d+", str(text))]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def turn_problems(expected: dict[str, Any], turn: dict[str, Any], language: str) -> list[str]:
    """What is wrong with one turn (empty: right)."""
    problems = []
    if turn.get("route") not in expected["route"]:
        problems.append(f"route {turn.get('route')} not in {expected['route']}")
    if "faq" in expected:
        got = (turn.get("faq") or {}).get("question", "")
        if normalise_question(got) != normalise_question(expected["faq"]):
            problems.append(f"faq {got!r} != {expected['faq']!r}")
    state = turn.get("state", {})
    if "product" in expected and state.get("product") != expected["product"]:
        problems.append(f"product {state.get('product')} != {expected['product']}")
    if "version" in expected and normalise_version(state.get("version")) != normalise_version(
        expected["version"]
    ):
        problems.append(f"version {state.get('version')} != {expected['version']}")
    if state.get("language") != language:
        problems.append(f"language {state.get('language')} != {language}")
    wanted = expected.get("text_contains")
    if wanted:
        text = "\n".join(m.get("text", "") for m in turn.get("messages", []))
        if not any(w.lower() in text.lower() for w in wanted):
            problems.append(f"text lacks any of {wanted}")
    return problems


@dataclass
class CaseResult:
    case: dict[str, Any]
    right: bool
    problem: str = ""
    faq_answers: int = 0  # turns answered with an FAQ entry
    faq_right: int = 0  # ... whose turn was right
    turns_right: int = 0  # turns with no problem (the acceptance counts turns)
    turns: list[dict[str, Any]] = field(default_factory=list)


def play(case: dict[str, Any], post: Post) -> CaseResult:
    email = case["email"] if "email" in case else "customer@example.org"
    status, started = post(
        "/api/conversations", {"language": None, "email": email, "name": "Test Customer"}, None
    )
    if status != 201:
        return CaseResult(case, False, f"start: HTTP {status} {started}")
    path = f"/api/conversations/{started['conversation_id']}/messages"
    result = CaseResult(case, True)
    turn: dict[str, Any] = {}
    for number, expected in enumerate(case["turns"], 1):
        status, turn = post(path, {"text": expected["say"]}, started["token"])
        result.turns.append(turn)
        if status != 200:
            result.right, result.problem = False, f"turn {number}: HTTP {status} {turn}"
            return result
        problems = turn_problems(expected, turn, case["lang"])
        result.turns_right += not problems
        if turn.get("faq"):
            result.faq_answers += 1
            result.faq_right += not problems
        if problems and result.right:
            result.right = False
            result.problem = f"turn {number} ({expected['say'][:60]!r}): " + "; ".join(problems)
    final = case.get("final", {})
    if "ticket" in final and bool(turn.get("ticket")) != final["ticket"]:
        result.turns_right -= result.right  # the last turn was counted right
        if result.right:
            result.right, result.problem = False, f"final ticket {turn.get('ticket')}"
    return result


# -- talking to a server ----------------------------------------------------------------------
def environment(kb: Path, database: Path) -> dict[str, str]:
    import os

    passed = {  # the operator's choices about the semantic stage hold for the run too
        name: os.environ[name]
        for name in (
            "SUPPORTBOT_SEMANTIC",
            "SUPPORTBOT_EMBEDDING_CACHE",
            "SUPPORTBOT_EMBEDDING_MODEL",
        )
        if name in os.environ
    }
    return passed | {
        "SUPPORTBOT_DATA_DIR": str(kb),
        "SUPPORTBOT_DATABASE_URL": f"sqlite:///{database}",
        "SUPPORTBOT_SECRET_KEY": "foreign-eval",
        "SUPPORTBOT_RATE_PER_IP": "0",
        "SUPPORTBOT_RATE_PER_CONVERSATION": "0",
        "SUPPORTBOT_SMTP_URL": "smtp://127.0.0.1:9",
        "SUPPORTBOT_OUTBOX_WORKER": "false",
        "SUPPORTBOT_REDIS_URL": "",
        "SUPPORTBOT_LOG_LEVEL": "WARNING",
    }


def http_poster(base: str) -> Post:
    def post(path: str, body: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any]]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            base + path, json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, {"error": error.read().decode(errors="replace")[:300]}

    return post


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(kb: Path) -> Iterator[Post]:
    """A real `supportbot serve` on a free port with a fresh database."""
    import os

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, **environment(kb, Path(tmp) / "eval.sqlite3")}
        env["SUPPORTBOT_INSTANCE_DIR"] = tmp
        command = [str(Path(sys.executable).parent / "supportbot"), "serve", "--port", str(port)]
        log = (Path(tmp) / "server.log").open("w")
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2):
                        break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.close()
                        raise SystemExit((Path(tmp) / "server.log").read_text()[-3000:]) from None
                    time.sleep(0.2)
            yield http_poster(base)
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()


@contextmanager
def in_process(kb: Path) -> Iterator[Post]:
    """The same JSON API through Flask's test client (no sockets, no gunicorn)."""
    sys.path.insert(0, str(REPO))
    from bot.app import create_app
    from bot.config import Config

    with tempfile.TemporaryDirectory() as tmp:
        env = environment(kb, Path(tmp) / "eval.sqlite3")
        env["SUPPORTBOT_INSTANCE_DIR"] = tmp
        app = create_app(Config.from_env(env))
        client = app.test_client()

        def post(path: str, body: dict[str, Any], token: str | None) -> tuple[int, dict[str, Any]]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = client.post(path, json=body, headers=headers)
            return response.status_code, response.get_json(silent=True) or {}

        try:
            yield post
        finally:
            app.extensions["supportbot"].db.dispose()


# -- scoring ----------------------------------------------------------------------------------
def run_set(
    evalset: EvalSet, splits: Sequence[str], connect: Callable[[Path], Any]
) -> list[CaseResult]:
    cases = [c for c in json.loads(evalset.cases.read_text()) if c["split"] in splits]
    with connect(evalset.kb) as post:
        return [play(case, post) for case in cases]


def score(results: Sequence[CaseResult]) -> str:
    if not results:
        return "-"
    right = sum(r.right for r in results)
    return f"{right / len(results):.2f} ({right}/{len(results)})"


def turn_score(results: Sequence[CaseResult]) -> str:
    """Turns right, whatever the rest of their conversation did."""
    turns = sum(len(r.case["turns"]) for r in results)
    if not turns:
        return "-"
    right = sum(r.turns_right for r in results)
    return f"{right / turns:.2f} ({right}/{turns})"


def faq_precision(results: Sequence[CaseResult]) -> str:
    answers = sum(r.faq_answers for r in results)
    if not answers:
        return "-"
    return f"{sum(r.faq_right for r in results) / answers:.3f} ({answers})"


def report(name: str, results: list[CaseResult], splits: Sequence[str]) -> None:
    by: dict[tuple[str, str], list[CaseResult]] = defaultdict(list)
    for result in results:
        by[(result.case["cat"], result.case["split"])].append(result)
        by[("all", result.case["split"])].append(result)
    categories = sorted({cat for cat, _ in by} - {"all"}) + ["all"]
    print(f"\n### {name}\n")
    rows = [[cat, *(score(by[(cat, split)]) for split in splits)] for cat in categories]
    rows.append(["turns right", *(turn_score(by[("all", split)]) for split in splits)])
    rows.append(
        [
            "FAQ answer precision",
            *(faq_precision(by[("all", split)]) for split in splits),
        ]
    )
    print_table(["category", *splits], rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", help="set name (vendor-c, ...); default: all")
    parser.add_argument("--data", type=Path, help="a knowledge base (with --cases)")
    parser.add_argument("--cases", type=Path, help="cases.json for --data")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--in-process", action="store_true", help="Flask test client, no server")
    parser.add_argument("--server", help="URL of a running server (one set only)")
    parser.add_argument("--failures", action="store_true", help="list every failing case")
    parser.add_argument("--json", type=Path, help="write every turn to this file")
    args = parser.parse_args(argv)

    if args.data:
        sets = [EvalSet(args.data.name, args.data, args.cases or args.data.parent / "cases.json")]
    else:
        sets = [s for s in known_sets() if not args.set or s.name in args.set]
    if not sets:
        print("no evaluation sets found", file=sys.stderr)
        return 1
    splits = SPLITS if args.split == "all" else (args.split,)
    connect: Callable[[Path], Any]
    if args.server:

        @contextmanager
        def remote(_: Path) -> Iterator[Post]:
            yield http_poster(args.server.rstrip("/"))

        connect = remote
    else:
        connect = in_process if args.in_process else served
    everything: dict[str, list[CaseResult]] = {}
    for evalset in sets:
        started = time.perf_counter()
        results = run_set(evalset, splits, connect)
        everything[evalset.name] = results
        report(evalset.name, results, splits)
        print(f"\n({len(results)} cases in {time.perf_counter() - started:.1f} s)")
        if args.failures:
            for result in results:
                if not result.right:
                    case = result.case
                    print(f"- {case['id']} [{case['split']}] {result.problem}")
    if len(sets) > 1:
        print("\n### all sets\n")
        rows = [
            [
                name,
                *(score([r for r in res if r.case["split"] == s]) for s in splits),
                *(turn_score([r for r in res if r.case["split"] == s]) for s in splits),
            ]
            for name, res in everything.items()
        ]
        print_table(["set", *splits, *(f"{s}: turns" for s in splits)], rows)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    name: [
                        {
                            "id": r.case["id"],
                            "right": r.right,
                            "problem": r.problem,
                            "turns": r.turns,
                        }
                        for r in res
                    ]  # fmt: skip
                    for name, res in everything.items()
                },
                ensure_ascii=False,
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
