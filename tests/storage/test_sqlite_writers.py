"""SQLite transactions of one process take the write lock in line (bot.storage.sqlite_writers)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.storage.db import Database
from bot.storage.sqlite_writers import WriterLine


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'line.sqlite'}")
    with database.session() as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    return database


def line_of(db: Database) -> WriterLine:
    line = WriterLine.of(db.engine)
    assert line is not None
    return line


def test_a_transaction_holds_the_line_until_it_commits(db: Database) -> None:
    with db.session() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        assert line_of(db).held
    assert not line_of(db).held


def test_a_rolled_back_transaction_gives_the_line_back(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        raise RuntimeError("the turn failed")
    assert not line_of(db).held
    with db.session() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 0


def test_a_second_thread_waits_for_the_first_and_then_writes(db: Database) -> None:
    inside, go = threading.Event(), threading.Event()
    order: list[str] = []

    def first() -> None:
        with db.session() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            inside.set()
            go.wait(10)
            order.append("first commits")

    def second() -> None:
        inside.wait(10)
        with db.session() as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            order.append("second writes")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    inside.wait(10)
    go.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first commits", "second writes"]
    assert not line_of(db).held
