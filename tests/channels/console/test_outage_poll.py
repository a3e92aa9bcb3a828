"""While Redis is down a console socket reads marks from the database; each change becomes the
frame the bus notice would have caused, once."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from bot.channels.console.outage_poll import LiveMarks, OutagePoll, read_marks
from bot.channels.runtime import runtime

EARLY, LATE = datetime(2026, 1, 1, 9), datetime(2026, 1, 1, 10)


def marks(seq: int, status: str = "waiting", queue: datetime = EARLY) -> LiveMarks:
    return LiveMarks((queue, queue), seq=seq, status=status, number="NME-1001")


def test_the_first_read_refreshes_the_queue_and_the_transcript() -> None:
    assert OutagePoll().frames(marks(4)) == [
        {"type": "queue", "kind": "poll", "conversation": None},
        {"type": "messages", "seq": 4},
    ]


def test_later_reads_send_only_what_changed() -> None:
    poll = OutagePoll()
    poll.frames(marks(4))
    assert poll.frames(marks(4)) == []
    assert poll.frames(marks(6, queue=LATE)) == [
        {"type": "queue", "kind": "poll", "conversation": None},
        {"type": "messages", "seq": 6},
    ]
    assert poll.frames(marks(6, status="resolved", queue=LATE)) == [
        {"type": "ticket_update", "number": "NME-1001", "status": "resolved", "by": "staff",
         "mine": False},
    ]  # fmt: skip
    assert poll.frames(marks(7, status="open", queue=LATE)) == [
        {"type": "messages", "seq": 7},
        {"type": "ticket_update", "number": "NME-1001", "status": "open", "by": "customer",
         "mine": False},
    ]  # fmt: skip


def test_what_the_bus_did_deliver_is_not_announced_again() -> None:
    poll = OutagePoll()
    poll.frames(marks(4))
    poll.heard_messages(5)  # this worker's own notices still arrive
    poll.heard_status("resolved")
    assert poll.frames(marks(5, status="resolved")) == []


def test_after_stopping_the_next_outage_starts_afresh() -> None:
    poll = OutagePoll()
    poll.frames(marks(4))
    poll.stop()
    poll.heard_messages(9)  # not polling: nothing to keep up to date
    assert [frame["type"] for frame in poll.frames(marks(4))] == ["queue", "messages"]


def test_the_marks_follow_the_database(sqlite_app: Flask) -> None:
    rt = runtime(sqlite_app)
    before = read_marks(rt.db, None)
    started = rt.conversations.start(channel="widget", language="en", email="ann@example.org")
    turn = rt.conversations.post(started.public_id, started.token, "I want to talk to a person")
    watched = read_marks(rt.db, started.conversation_id)
    assert watched.queue != before.queue and watched.queue[0] is not None
    assert turn.ticket is not None
    assert watched.number == turn.ticket.number and watched.status == "open"
    assert watched.seq == max(message["seq"] for message in turn.messages)
    assert read_marks(rt.db, 10**9) == LiveMarks(watched.queue)  # gone: only the queue
