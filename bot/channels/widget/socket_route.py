"""``/ws``: the widget's WebSocket, a thin loop around ``WidgetSession``.

The handshake is refused (403) when the page's ``Origin`` is not an allowed widget origin.
Browsers always send ``Origin``; clients without one (scripts, the benchmark) are let through,
because authentication is the token in the first frame, never a cookie.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, abort, request
from flask_sock import Sock
from simple_websocket import ConnectionClosed

from bot.channels.cors import origin_allowed
from bot.channels.runtime import runtime
from bot.channels.sockets import OPEN_SOCKETS, close_socket
from bot.channels.widget.frames import Frame, encode
from bot.channels.widget.session import WidgetSession

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024  # larger frames close the socket (1009); text limits are lower
PING_INTERVAL_S = 25  # keeps idle sockets open through proxies, and finds dead clients
CLOSE_GRACE_S = 1.0
CLOSE_INTERNAL_ERROR = 1011

bp = Blueprint("widget_socket", __name__)
sock = Sock()


def server_options() -> dict[str, Any]:
    return {"ping_interval": PING_INTERVAL_S, "max_message_size": MAX_FRAME_BYTES}


@bp.before_request
def check_origin() -> None:
    origin = request.headers.get("Origin")
    if not origin_allowed(origin):
        log.info("widget socket refused for origin %r", origin[:200] if origin else origin)
        abort(403, "this site may not embed the widget")


@sock.route("/ws", bp=bp)  # type: ignore[untyped-decorator]
def widget_socket(ws: Any) -> None:
    lock = threading.Lock()

    def send(frame: Frame) -> None:
        with lock:  # bus notices arrive on other threads
            ws.send(encode(frame))

    session = WidgetSession(runtime(), send, client_ip=request.remote_addr or "unknown")
    OPEN_SOCKETS.add(ws)
    try:
        serve(ws, session)
    except ConnectionClosed:
        raise  # the client went away: flask-sock ends the request quietly
    except Exception:
        # Never let Flask answer: its error page would be written into the WebSocket stream.
        log.exception("widget socket failed")
        session.close_code = CLOSE_INTERNAL_ERROR
    finally:
        OPEN_SOCKETS.discard(ws)
        session.release()
    with lock:
        close_socket(ws, session.close_code)


def serve(ws: Any, session: WidgetSession) -> None:
    while not session.closed:
        raw = ws.receive(timeout=session.wait_timeout())
        if raw is None:
            session.on_timeout()
        else:
            session.on_text(raw)
