"""``/staff/ws``: the console's WebSocket, a thin loop around ``ConsoleSession``.

The guard has already checked the session cookie (no login: 401 before the upgrade); here the
``Origin`` must be the console's own, so another site cannot open a socket with the cookie.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed
from sqlalchemy import select

from bot.channels.console import cookies
from bot.channels.console.access import access
from bot.channels.console.csrf import own_origins
from bot.channels.console.guard import require_staff
from bot.channels.console.live import ConsoleSession
from bot.channels.console.sessions import load_session
from bot.channels.runtime import Runtime, runtime
from bot.channels.sockets import OPEN_SOCKETS, close_socket
from bot.channels.widget.frames import encode
from bot.storage.models import Ticket

log = logging.getLogger(__name__)

CLOSE_INTERNAL_ERROR = 1011

bp = Blueprint("live", __name__)
sock = Sock()


def conversation_of(rt: Runtime, number: str) -> int | None:
    with rt.db.sessions() as session:
        query = select(Ticket.conversation_id).where(Ticket.number == number[:40])
        return session.scalars(query).first()


def session_alive(rt: Runtime, token: str | None) -> bool:
    with rt.db.session() as session:
        return load_session(session, token, datetime.now(UTC)) is not None


@sock.route("/ws", bp=bp)  # type: ignore[untyped-decorator]
@access("staff")
def console_socket(ws: Any) -> None:
    rt, staff = runtime(), require_staff()
    token = cookies.read(cookies.SESSION)
    lock = threading.Lock()

    def send(frame: dict[str, Any]) -> None:
        with lock:  # bus notices arrive on other threads
            ws.send(encode(frame))

    session = ConsoleSession(
        rt.bus, send, staff_id=staff.id, staff_name=staff.name,
        lookup=lambda number: conversation_of(rt, number),
        still_valid=lambda: session_alive(rt, token),
    )  # fmt: skip
    OPEN_SOCKETS.add(ws)  # a stopping worker closes it with 1001: the page reconnects elsewhere
    try:
        serve(ws, session)
    except ConnectionClosed:
        raise  # the page went away: flask-sock ends the request quietly
    except Exception:
        # never let Flask answer: its error page would be written into the WebSocket stream
        log.exception("console socket failed")
        session.close_code = CLOSE_INTERNAL_ERROR
    finally:
        OPEN_SOCKETS.discard(ws)
        session.release()
    with lock:
        close_socket(ws, session.close_code)


def serve(ws: Any, session: ConsoleSession) -> None:
    while not session.closed:
        raw = ws.receive(timeout=session.wait_timeout())
        if raw is None:
            session.on_timeout()
        else:
            session.on_text(raw)


@bp.before_request
def check_origin() -> None:
    origin = request.headers.get("Origin")
    if origin is None or origin.rstrip("/") not in own_origins():
        abort(403, "the console socket only opens from the console")
