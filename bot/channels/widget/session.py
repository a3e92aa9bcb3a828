"""One widget socket's conversation protocol, without the socket (flask-sock has no test client).

Frames come in through ``on_text`` (the socket's thread) and bus notices through ``on_notice``
(whichever thread publishes: a staff request, the Redis listener); frames go out through the
``send`` callable, which must be thread-safe. The socket handler is a loop around this class.

When the customer's data is erased (or purged), the token stops working at once: an ``erased``
notice closes the socket, and a socket that missed it finds out at its next periodic check.

How staff messages reach the customer is ``bot.channels.widget.delivery``. While the bus cannot
hear other processes (Redis down), the session reads the database every ``POLL_EVERY_S`` instead,
and once more when the bus is back, for what was published in between.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable

from bot.channels import rate_keys
from bot.channels.idle_checks import IdleChecks
from bot.channels.runtime import Runtime
from bot.channels.turn_json import turn_json
from bot.channels.widget.delivery import Delivery
from bot.channels.widget.frame_budget import FrameBudget, Verdict
from bot.channels.widget.frames import (
    MAX_ID_CHARS,
    MAX_TOKEN_CHARS,
    Frame,
    FrameError,
    error_frame,
    parse_frame,
    text_field,
)
from bot.helpdesk.bus import conversation_topic
from bot.helpdesk.errors import HelpdeskError, NotFound
from bot.helpdesk.notices import Erased, NewMessages, Notice, TicketUpdate, Typing
from bot.helpdesk.posted_turn import PostedTurn
from bot.helpdesk.presence import REFRESH_EVERY_S, Lease

log = logging.getLogger(__name__)

Send = Callable[[Frame], None]
HangUp = Callable[[int], None]

AUTH_TIMEOUT_S = 10.0
TYPING_EVERY_S = 2.0
POLL_EVERY_S = 2.0  # while the bus is down: how often to look for staff messages
CLOSE_NORMAL = 1000
CLOSE_POLICY = 1008


class WidgetSession:
    def __init__(
        self,
        rt: Runtime,
        send: Send,
        *,
        client_ip: str,
        budget: FrameBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
        hang_up: HangUp | None = None,
        checks: IdleChecks | None = None,
    ) -> None:
        self.rt = rt
        self._send_frame = send
        self._hang_up = hang_up  # closes the socket from a notice's thread (the loop is waiting)
        self.client_ip = client_ip
        self.budget = budget or FrameBudget(clock=clock)
        self.clock = clock
        self.closed = False
        self.close_code = CLOSE_NORMAL
        self.conversation_id: int | None = None
        self._public_id = ""
        self._token = ""
        self._deadline = clock() + AUTH_TIMEOUT_S
        self._lock = threading.RLock()
        self._delivery: Delivery | None = None  # from authentication on
        self._typing_at = float("-inf")
        self._unsubscribe: Callable[[], None] | None = None
        self._lease: Lease | None = None
        self._polling = False  # the bus was down at the last timeout
        self._checked_at = float("-inf")  # token checked, lease refreshed
        # With ``checks`` (the server), the worker checks tokens and refreshes presence for all
        # its sockets at once; the socket only wakes to notice a bus outage. Its first wait is
        # shortened at random, so sockets that connected together do not wake together after.
        self._checks = checks
        self._idle_wait = REFRESH_EVERY_S * random.uniform(0.5, 1.0)

    # -- the socket loop's side ----------------------------------------------------------------
    def wait_timeout(self) -> float:
        """How long the loop may block in ``receive`` before calling ``on_timeout``."""
        if self.conversation_id is None:
            return max(self._deadline - self.clock(), 0.0)
        if self._polling or not self.rt.bus.connected:
            return POLL_EVERY_S
        return REFRESH_EVERY_S if self._checks is None else self._idle_wait

    def on_timeout(self) -> None:
        if self.conversation_id is None:
            self._fail("auth_timeout", "send the 'auth' frame first")
            return
        was_polling, self._polling = self._polling, not self.rt.bus.connected
        self._idle_wait = REFRESH_EVERY_S
        if was_polling or self._polling:
            self._poll()
        if self._checks is not None and not (was_polling and not self._polling):
            return  # the worker's ``IdleChecks`` checks the token and refreshes the lease...
        # ...except when the bus has just come back: the lease Redis lost is put back at once
        now = self.clock()
        if was_polling and self._polling and now - self._checked_at < REFRESH_EVERY_S:
            return  # one of the short polling waits: the periodic check below is not due yet
        self._checked_at = now
        # The token may have been revoked by a process whose notice could not reach us (an
        # erasure on the command line without Redis): check it as often as presence refreshes.
        if self.rt.conversations.authenticate(self._public_id, self._token) is None:
            self._fail("not_found", "no such conversation")
        elif self._lease is not None:
            self._lease.refresh()  # also puts back a lease that Redis lost while it was down

    def _poll(self) -> None:
        """Read what the bus could not announce."""
        if self._delivery is not None:
            self._delivery.announced(None)

    def on_text(self, raw: str | bytes) -> None:
        """One WebSocket message from the client."""
        if self.closed:
            return
        verdict = self.budget.take()  # before parsing: a flood must stay cheap
        if verdict is Verdict.DROP:
            return
        if verdict is Verdict.WARN:
            return self._send(
                error_frame("rate_limited", "too many frames; slow down", retry_after=1)
            )
        if verdict is Verdict.DISCONNECT:
            return self._fail("rate_limited", "too many frames; disconnected")
        try:
            self._dispatch(parse_frame(raw))
        except FrameError as error:
            if self.conversation_id is None:
                return self._fail(error.code, error.message)
            self._send(error_frame(error.code, error.message, client_id=error.client_id))

    def release(self) -> None:
        """The socket is gone: stop listening and tell presence."""
        with self._lock:
            unsubscribe, self._unsubscribe = self._unsubscribe, None
            lease, self._lease = self._lease, None
        if unsubscribe is not None:
            unsubscribe()
        if lease is not None:
            lease.release()
        if self._checks is not None:
            self._checks.discard(self)

    # -- the worker's periodic checks (``IdleChecks``) ---------------------------------------------
    def check_target(self) -> tuple[int, str, Lease | None] | None:
        if self.closed or self.conversation_id is None:
            return None
        return self.conversation_id, self._token, self._lease

    def revoke(self) -> None:
        with self._lock:
            if self.closed:
                return
            self._fail("not_found", "no such conversation")
        if self._hang_up is not None:
            self._hang_up(self.close_code)

    # -- frames ----------------------------------------------------------------------------------
    def _dispatch(self, frame: Frame) -> None:
        kind = frame["type"]
        if self.conversation_id is None:
            if kind != "auth":
                raise FrameError("auth_required", "the first frame must be 'auth'")
            return self._auth(frame)
        handlers: dict[str, Callable[[Frame], None]] = {
            "auth": self._auth_again,
            "message": self._message,
            "typing": self._typing,
            "ping": self._ping,
            "end": self._end,
        }
        handlers[kind](frame)

    def _auth(self, frame: Frame) -> None:
        public_id = text_field(frame, "conversation_id", limit=MAX_ID_CHARS) or ""
        token = text_field(frame, "token", limit=MAX_TOKEN_CHARS) or ""
        # Tokens are 256-bit random, so guessing is hopeless; this limit keeps a reconnect storm
        # from one address off the database.
        if self.rt.limiter.hit(
            rate_keys.socket_logins_from(self.client_ip), self.rt.config.rate_per_ip, 60.0
        ):
            return self._fail("rate_limited", "too many connection attempts; wait a minute")
        conversation_id = self.rt.conversations.authenticate(public_id, token)
        if conversation_id is None:  # unknown id and wrong token look the same
            return self._fail("not_found", "no such conversation")
        read = functools.partial(self.rt.conversations.messages_after, conversation_id)
        delivery = Delivery(read, self._send, public_id=public_id)
        # Subscribe before reading the state, so nothing published in between is missed; the
        # delivery's lock holds such notices back until the ``ready`` frame is out.
        with self._lock, delivery.lock:
            self._delivery = delivery
            self.conversation_id = conversation_id
            self._public_id, self._token = public_id, token
            self._unsubscribe = self.rt.bus.subscribe(
                conversation_topic(conversation_id), self.on_notice
            )
            self._lease = self.rt.presence.connect(conversation_id)
            try:
                state = self.rt.conversations.public_state(conversation_id)
            except HelpdeskError as error:
                return self._fail(error.code, error.message)
            self._checked_at = self.clock()
            delivery.ready({"type": "ready", "state": state}, int(state.get("last_seq") or 0))
        if self._checks is not None:
            self._checks.add(self)

    def _auth_again(self, frame: Frame) -> None:
        raise FrameError("already_authenticated", "this socket is already authenticated")

    def _message(self, frame: Frame) -> None:
        client_id = text_field(frame, "client_id", limit=MAX_ID_CHARS, required=False)
        try:
            text = text_field(frame, "text", limit=self.rt.config.max_message_chars) or ""
        except FrameError as error:
            error.client_id = client_id
            raise
        wait = self._rate_wait()
        if wait:
            message = "too many messages; wait a moment"
            return self._send(
                error_frame("rate_limited", message, client_id=client_id, retry_after=wait)
            )
        self._send({"type": "typing", "who": "bot"})
        delivery = self._delivery
        assert delivery is not None  # authenticated

        def deliver(posted: PostedTurn) -> None:  # committed; its notices are not out yet
            delivery.turn(
                {"type": "turn", **turn_json(posted), "client_id": client_id}, posted.seqs
            )

        try:
            self.rt.conversations.post(
                self._public_id, self._token, text, client_id=client_id, on_commit=deliver
            )
        except NotFound:
            return self._fail("not_found", "no such conversation")
        except HelpdeskError as error:
            self._send(error_frame(error.code, error.message, client_id=client_id))
        except Exception:  # the database is away, say: the customer hears, the socket stays
            log.exception("widget message failed in conversation %s", self.conversation_id)
            self._send(error_frame("internal_error", "something went wrong", client_id=client_id))

    def _rate_wait(self) -> int:
        """Seconds to wait, sharing the HTTP API's limits (one budget per IP and conversation)."""
        config = self.rt.config
        for key, limit in (
            (rate_keys.messages_from(self.client_ip), config.rate_per_ip),
            (rate_keys.messages_in(self._public_id), config.rate_per_conversation),
        ):
            wait = self.rt.limiter.hit(key, limit, 60.0)
            if wait:
                return int(wait) + 1
        return 0

    def _typing(self, frame: Frame) -> None:
        now = self.clock()
        if now - self._typing_at < TYPING_EVERY_S or self.conversation_id is None:
            return
        self._typing_at = now
        self.rt.bus.publish(conversation_topic(self.conversation_id), Typing("customer"))

    def _ping(self, frame: Frame) -> None:
        self._send({"type": "pong"})

    def _end(self, frame: Frame) -> None:
        try:
            state = self.rt.conversations.end(self._public_id, self._token)
        except HelpdeskError as error:
            return self._send(error_frame(error.code, error.message))
        self._send({"type": "ended", "state": state})
        self._close(CLOSE_NORMAL)

    # -- bus notices -----------------------------------------------------------------------------
    def on_notice(self, notice: Notice) -> None:
        if isinstance(notice, NewMessages):
            if self._delivery is not None:
                self._delivery.announced(notice.seq)
        elif isinstance(notice, Typing) and notice.who in ("staff", "bot"):
            self._send({"type": "typing", "who": notice.who})
        elif isinstance(notice, TicketUpdate):
            self._send({"type": "ticket_update", "number": notice.number, "status": notice.status})
        elif isinstance(notice, Erased):  # the token opens nothing now: as a wrong one
            self.revoke()

    # -- output ----------------------------------------------------------------------------------
    def _send(self, frame: Frame) -> None:
        if self.closed:
            return
        try:
            self._send_frame(frame)
        except Exception:  # the peer went away; the receive loop notices and ends
            log.debug("widget socket send failed", exc_info=True)
            self.closed = True

    def _fail(self, code: str, message: str) -> None:
        self._send(error_frame(code, message))
        self._close(CLOSE_POLICY)

    def _close(self, code: int) -> None:
        self.close_code = code
        self.closed = True
