"""``/staff/ws``: the console's WebSocket, a thin loop around ``ConsoleSession``.

The guard has already checked the session cookie (no login: 401 before the upgrade); here the
``Origin`` must be the console's own, so another site cannot open a socket with the cookie.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, request
from flask_sock import Sock
from sqlalchemy import select

from bot.channels.console import cookies
from bot.channels.console.access import access
from bot.channels.console.csrf import own_origins
from bot.channels.console.guard import require_staff
from bot.channels.console.live import ConsoleSession
from bot.channels.console.outage_poll import read_marks
from bot.channels.runtime import Runtime, runtime
from bot.channels.sockets import Send, run_socket
from bot.channels.ws_handshake import refuse_bad_handshake
from bot.helpdesk.staff.sessions import load_session
from bot.storage.models import Ticket

log = logging.getLogger(__name__)


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

    def build(send: Send) -> ConsoleSession:
        return ConsoleSession(
            rt.bus, send, staff_id=staff.id, staff_name=staff.name,
            lookup=lambda number: conversation_of(rt, number),
            still_valid=lambda: session_alive(rt, token),
            read_marks=lambda conversation_id: read_marks(rt.db, conversation_id),
        )  # fmt: skip

    run_socket(ws, build, name="console")


@bp.before_request
def check_origin() -> None:
    origin = request.headers.get("Origin")
    if origin is None or origin.rstrip("/") not in own_origins():
        abort(403, "the console socket only opens from the console")


# The console's guard runs first (no login: 401), then the origin, then the handshake itself.
bp.before_request(refuse_bad_handshake)
