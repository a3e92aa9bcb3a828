"""The WebSocket opening handshake on ``/ws`` and ``/staff/ws`` (RFC 6455 §4.2.1).

A request without ``Sec-WebSocket-Version`` or ``Sec-WebSocket-Key`` made wsproto raise inside
flask-sock: a 500 and a traceback (issue 10 #5). Here it is the client's 400, before the upgrade.
The same over a real gunicorn server is in ``widget/test_live_socket.py``.
"""

from __future__ import annotations

import pytest
from flask import Flask

from tests.channels.console.conftest import Console, make_staff

KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # RFC 6455's example: 16 bytes in base64
UPGRADE = {"Upgrade": "websocket", "Connection": "Upgrade"}

BAD_HANDSHAKES = [
    ({**UPGRADE, "Sec-WebSocket-Key": KEY}, 400),  # no version
    ({**UPGRADE, "Sec-WebSocket-Version": "13"}, 400),  # no key
    (UPGRADE, 400),
    ({**UPGRADE, "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "x"}, 400),
    ({**UPGRADE, "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "c2hvcnQ="}, 400),
    ({**UPGRADE, "Sec-WebSocket-Version": "8", "Sec-WebSocket-Key": KEY}, 426),
]


@pytest.mark.parametrize(("headers", "status"), BAD_HANDSHAKES)
def test_a_bad_widget_handshake_is_the_clients_error(
    sqlite_app: Flask, headers: dict[str, str], status: int
) -> None:
    response = sqlite_app.test_client().get("/ws", headers=headers)
    assert response.status_code == status
    assert response.get_json()["error"] == "invalid_handshake"
    if status == 426:
        assert response.headers["Sec-WebSocket-Version"] == "13"


def test_the_origin_is_checked_before_the_handshake(sqlite_app: Flask) -> None:
    response = sqlite_app.test_client().get(
        "/ws", headers={**UPGRADE, "Origin": "https://evil.example"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("headers", "status"), BAD_HANDSHAKES)
def test_a_bad_console_handshake_is_the_clients_error(
    sqlite_app: Flask, headers: dict[str, str], status: int
) -> None:
    anonymous = sqlite_app.test_client().get("/staff/ws", headers=headers)
    assert anonymous.status_code == 401  # who asks comes first
    make_staff(sqlite_app, "piet@nme.example", "Piet")
    console = Console(sqlite_app.test_client())
    console.login("piet@nme.example")
    response = console.get("/staff/ws", headers={**headers, "Origin": "http://localhost"})
    assert response.status_code == status
    assert response.get_json()["error"] == "invalid_handshake"
