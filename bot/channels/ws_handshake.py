"""The WebSocket opening handshake, checked before flask-sock takes over (RFC 6455 §4.2.1).

flask-sock hands any upgrade request to simple-websocket and wsproto, which raise on a missing
``Sec-WebSocket-Version`` or ``Sec-WebSocket-Key``: Flask then answers 500 and logs a traceback,
for what is the client's mistake. Checked here, the client gets 400 with a stable code (426 and
the version we speak for another version, as §4.4 asks), and the log a single line.
"""

from __future__ import annotations

import base64
import binascii
import logging

from flask import Response, jsonify, request

log = logging.getLogger(__name__)

VERSION = "13"


def handshake_problem() -> tuple[int, str] | None:
    """(status, why) when this request is not a WebSocket opening handshake we can accept."""
    # Without "Upgrade: websocket" and "Connection: Upgrade" Werkzeug's routing already answers
    # 400: the socket routes match WebSocket requests only.
    headers = request.headers
    version = headers.get("Sec-WebSocket-Version", "").strip()
    if not version:
        return 400, "the handshake needs Sec-WebSocket-Version: 13"
    if version != VERSION:
        return 426, "only WebSocket version 13 is supported"
    if not _valid_key(headers.get("Sec-WebSocket-Key", "")):
        return 400, "the handshake needs a Sec-WebSocket-Key of 16 base64-encoded bytes"
    return None


def refuse_bad_handshake() -> Response | None:
    """A ``before_request`` hook for a socket route's blueprint."""
    problem = handshake_problem()
    if problem is None:
        return None
    status, why = problem
    log.info("websocket handshake refused on %s: %s", request.path, why)
    response = jsonify({"error": "invalid_handshake", "message": why})
    response.status_code = status
    if status == 426:
        response.headers["Sec-WebSocket-Version"] = VERSION
    return response


def _valid_key(value: str) -> bool:
    try:
        return len(base64.b64decode(value.strip(), validate=True)) == 16
    except (binascii.Error, ValueError):
        return False
