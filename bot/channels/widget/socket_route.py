"""``/ws``: the widget's WebSocket, a thin loop around ``WidgetSession``.

The handshake is refused (403) when the page's ``Origin`` is not an allowed widget origin (a
listed site, or any site under the connector allowance; see ``bot.channels.cors``), and (400)
when it is not a WebSocket handshake we can accept (``ws_handshake``).
Browsers always send ``Origin``; clients without one (scripts, the benchmark) are let through,
because authentication is the token in the first frame, never a cookie.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, abort, request
from flask_sock import Sock

from bot.channels.cors import socket_origin_allowed
from bot.channels.runtime import runtime
from bot.channels.socket_reader import InlineReader
from bot.channels.sockets import Send, hang_up, run_socket
from bot.channels.widget.session import WidgetSession
from bot.channels.ws_handshake import refuse_bad_handshake

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024  # larger frames close the socket (1009); text limits are lower
PING_INTERVAL_S = 25  # keeps idle sockets open through proxies, and finds dead clients

bp = Blueprint("widget_socket", __name__)
sock = Sock()


def server_options() -> dict[str, Any]:
    """Every socket of the app (widget and console): no reader thread, see ``socket_reader``."""
    return {
        "ping_interval": PING_INTERVAL_S,
        "max_message_size": MAX_FRAME_BYTES,
        "thread_class": InlineReader,
    }


@bp.before_request
def check_origin() -> None:
    origin = request.headers.get("Origin")
    if not socket_origin_allowed(origin):
        log.info("widget socket refused for origin %r", origin[:200] if origin else origin)
        abort(403, "this site may not embed the widget")


bp.before_request(refuse_bad_handshake)  # after the origin check: a foreign site learns nothing


@sock.route("/ws", bp=bp)  # type: ignore[untyped-decorator]
def widget_socket(ws: Any) -> None:
    rt, client_ip = runtime(), request.remote_addr or "unknown"

    def build(send: Send) -> WidgetSession:
        return WidgetSession(
            rt,
            send,
            client_ip=client_ip,
            hang_up=lambda code: hang_up(ws, code),
            checks=rt.idle_checks,  # the periodic token check and presence, once per worker
        )

    run_socket(ws, build, name="widget")
