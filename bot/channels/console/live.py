"""One console socket's protocol, without the socket (the route is a thin loop around it).

Client frames: ``{"type": "watch", "ticket": "NME-1001"}`` (the ticket page), ``{"type":
"typing"}`` (staff is writing a reply), ``{"type": "ping"}``.
Server frames: ``{"type": "queue", "kind": ..., "conversation": id}`` (a ticket opened or
changed, a customer wrote), ``{"type": "messages", "seq": N}`` and ``{"type": "ticket_update",
"number", "status", "by": "staff"|"customer", "mine"}`` for the watched ticket (``mine``: this
staff member made the change), ``{"type": "typing", "who": "customer"}``, and ``{"type":
"viewers", "viewers": [{"id", "name", "replying"}]}``: who else has the ticket open.

Viewing is announced on the bus (topic ``viewers:<conversation id>``), so it works across
workers: each socket repeats its announcement every ``ANNOUNCE_EVERY_S``; one that is not
heard from for ``VIEWER_TTL_S`` has left. A new viewer says ``hello`` and the others answer at
once. The session behind the socket is checked again every ``RECHECK_EVERY_S``: a logged-out
or disabled account's socket closes. While Redis is down, the socket reads the database instead
(``bot.channels.console.outage_poll``): a polled change comes as a ``queue`` frame of kind
``poll``, or as the ``messages`` and ``ticket_update`` frames above.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.channels.console.outage_poll import POLL_EVERY_S, LiveMarks, OutagePoll
from bot.channels.untrusted_input import UnreadableJson, read_json, text_problem
from bot.helpdesk.bus import STAFF_TOPIC, MessageBus, conversation_topic
from bot.helpdesk.notices import (
    NewMessages,
    Notice,
    QueueChange,
    TicketUpdate,
    Typing,
    Viewing,
    ViewingState,
)

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], None]
Lookup = Callable[[str], int | None]  # ticket number -> conversation id
ReadMarks = Callable[[int | None], LiveMarks]  # watched conversation id -> what changed

ANNOUNCE_EVERY_S = 20.0
VIEWER_TTL_S = 50.0
RECHECK_EVERY_S = 15.0
TYPING_EVERY_S = 2.0
REPLYING_FOR_S = 30.0  # "replying" ends this long after the last keystroke
MAX_FRAME_CHARS = 2000
CLOSE_NORMAL = 1000
CLOSE_UNAUTHORIZED = 4401


def viewers_topic(conversation_id: int) -> str:
    return f"viewers:{conversation_id}"


@dataclass
class Viewer:
    staff_id: int
    name: str
    replying: bool
    seen: float


class ConsoleSession:
    def __init__(
        self,
        bus: MessageBus,
        send: Send,
        *,
        staff_id: int,
        staff_name: str,
        lookup: Lookup,
        still_valid: Callable[[], bool],
        read_marks: ReadMarks,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bus = bus
        self._send_frame = send
        self.staff_id = staff_id
        self.staff_name = staff_name
        self.lookup = lookup
        self.still_valid = still_valid
        self.read_marks = read_marks
        self.clock = clock
        self.id = secrets.token_hex(8)  # one staff member may have several tabs open
        self.closed = False
        self.close_code = CLOSE_NORMAL
        self.conversation_id: int | None = None
        self._lock = threading.RLock()
        self._viewers: dict[str, Viewer] = {}
        self._unsubscribe: list[Callable[[], None]] = [bus.subscribe(STAFF_TOPIC, self.on_staff)]
        self._announced = self._checked = clock()
        self._typing_at = float("-inf")
        self._replying = False
        self._outage = OutagePoll()
        self._polling = False  # the bus could not hear other workers at the last timeout

    # -- the socket loop's side ----------------------------------------------------------------
    def wait_timeout(self) -> float:
        now = self.clock()
        due = min(self._checked + RECHECK_EVERY_S, self._announced + ANNOUNCE_EVERY_S)
        if self._replying:
            due = min(due, self._typing_at + REPLYING_FOR_S)
        # Staff sockets are few: waking every few seconds finds a Redis outage (and its end) at
        # once, without waiting for the next frame.
        due = min(due, now + POLL_EVERY_S)
        return max(min(due - now, RECHECK_EVERY_S), 0.5)

    def on_timeout(self) -> None:
        now = self.clock()
        if now - self._checked >= RECHECK_EVERY_S:
            self._checked = now
            if not self.still_valid():
                return self._close(CLOSE_UNAUTHORIZED)
        self._poll_if_deaf()
        stopped_typing = self._replying and now - self._typing_at >= REPLYING_FOR_S
        if stopped_typing:
            self._replying = False
        if self.conversation_id is not None and (
            stopped_typing or now - self._announced >= ANNOUNCE_EVERY_S
        ):
            self._announce()
        self._expire_viewers()

    def _poll_if_deaf(self) -> None:
        """While the bus cannot hear other workers, and once more when it can again."""
        was_polling, self._polling = self._polling, not self.bus.connected
        if not (was_polling or self._polling):
            return
        try:
            marks = self.read_marks(self.conversation_id)
        except Exception:  # the database is away too: try again at the next timeout
            log.warning("console socket could not poll the database", exc_info=True)
            return
        with self._lock:
            frames = self._outage.frames(marks)
            if not self._polling:
                self._outage.stop()
        for frame in frames:
            self._send(frame)

    def on_text(self, raw: str | bytes) -> None:
        if self.closed:
            return
        frame = parse(raw)
        if frame is None:
            return self._send({"type": "error", "error": "bad_frame"})
        kind = frame.get("type")
        if kind == "watch":
            self._watch(frame.get("ticket"))
        elif kind == "typing":
            self._typing()
        elif kind == "ping":
            self._send({"type": "pong"})
        else:
            self._send({"type": "error", "error": "unknown_type"})

    def release(self) -> None:
        """The socket is gone: stop listening; others see this viewer leave."""
        with self._lock:
            unsubscribe, self._unsubscribe = self._unsubscribe, []
            watching, self.conversation_id = self.conversation_id, None
        for stop in unsubscribe:
            stop()
        if watching is not None:
            self.bus.publish(viewers_topic(watching), self._viewing("left"))

    # -- frames ----------------------------------------------------------------------------------
    def _watch(self, number: Any) -> None:
        if self.conversation_id is not None:
            return self._send({"type": "error", "error": "already_watching"})
        usable = isinstance(number, str) and number and text_problem(number) is None
        conversation_id = self.lookup(number) if usable else None
        if conversation_id is None:
            return self._send({"type": "error", "error": "not_found"})
        with self._lock:
            self.conversation_id = conversation_id
            self._unsubscribe += [
                self.bus.subscribe(conversation_topic(conversation_id), self.on_conversation),
                self.bus.subscribe(viewers_topic(conversation_id), self.on_viewers),
            ]
        self._send({"type": "watching", "ticket": number})
        self._announce(hello=True)

    def _typing(self) -> None:
        now = self.clock()
        if self.conversation_id is None or now - self._typing_at < TYPING_EVERY_S:
            return
        self._typing_at = now
        self.bus.publish(conversation_topic(self.conversation_id), Typing("staff"))
        if not self._replying:
            self._replying = True
            self._announce()

    # -- bus notices -----------------------------------------------------------------------------
    def on_staff(self, notice: Notice) -> None:
        if isinstance(notice, QueueChange):
            frame = {"type": "queue", "kind": notice.change, "conversation": notice.conversation}
            self._send(frame)

    def on_conversation(self, notice: Notice) -> None:
        if isinstance(notice, NewMessages):
            with self._lock:
                self._outage.heard_messages(notice.seq)
            self._send({"type": "messages", "seq": notice.seq})
        elif isinstance(notice, TicketUpdate):
            with self._lock:
                self._outage.heard_status(notice.status)
            self._send(
                {
                    "type": "ticket_update",
                    "number": notice.number,
                    "status": notice.status,
                    "by": notice.by,
                    # the page's own staff member did it: no "changed by someone else"
                    "mine": notice.by == "staff" and notice.staff_id == self.staff_id,
                }
            )
        elif isinstance(notice, Typing) and notice.who == "customer":
            self._send({"type": "typing", "who": "customer"})

    def on_viewers(self, notice: Notice) -> None:
        if not isinstance(notice, Viewing) or notice.session == self.id:
            return
        with self._lock:
            if notice.state == "left":
                self._viewers.pop(notice.session, None)
            else:
                replying = notice.state == "replying"
                self._viewers[notice.session] = Viewer(
                    notice.staff_id, notice.name[:200], replying, self.clock()
                )
        if notice.hello:
            self._announce()
        self._send_viewers()

    # -- viewers ---------------------------------------------------------------------------------
    def _viewing(self, state: ViewingState, *, hello: bool = False) -> Viewing:
        return Viewing(self.id, self.staff_id, self.staff_name, state, hello)

    def _announce(self, *, hello: bool = False) -> None:
        self._announced = self.clock()
        if self.conversation_id is not None:
            state: ViewingState = "replying" if self._replying else "viewing"
            self.bus.publish(viewers_topic(self.conversation_id), self._viewing(state, hello=hello))

    def _expire_viewers(self) -> None:
        limit = self.clock() - VIEWER_TTL_S
        with self._lock:
            gone = [key for key, viewer in self._viewers.items() if viewer.seen < limit]
            for key in gone:
                del self._viewers[key]
        if gone:
            self._send_viewers()

    def viewers(self) -> list[dict[str, Any]]:
        """Other staff on this ticket, one entry per person (not per tab), self left out."""
        people: dict[int, dict[str, Any]] = {}
        with self._lock:
            for viewer in self._viewers.values():
                if viewer.staff_id == self.staff_id:
                    continue
                entry = people.setdefault(
                    viewer.staff_id, {"id": viewer.staff_id, "name": viewer.name, "replying": False}
                )
                entry["replying"] = entry["replying"] or viewer.replying
        return sorted(people.values(), key=lambda person: str(person["name"]))

    def _send_viewers(self) -> None:
        self._send({"type": "viewers", "viewers": self.viewers()})

    # -- output ----------------------------------------------------------------------------------
    def _send(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        try:
            self._send_frame(frame)
        except Exception:  # the peer went away; the receive loop notices and ends
            log.debug("console socket send failed", exc_info=True)
            self.closed = True

    def _close(self, code: int) -> None:
        if code == CLOSE_UNAUTHORIZED:
            self._send({"type": "error", "error": "unauthorized"})
        self.close_code = code
        self.closed = True


def parse(raw: str | bytes) -> dict[str, Any] | None:
    if isinstance(raw, bytes) or len(raw) > MAX_FRAME_CHARS:
        return None
    try:
        frame = read_json(raw)
    except UnreadableJson:  # also "[[[[...": nested too deep
        return None
    return frame if isinstance(frame, dict) else None
