"""A graceful stop (SIGTERM) closes open chat sockets with 1001 instead of waiting for them."""

from __future__ import annotations

import time
from pathlib import Path

from tests.channels.widget.test_live_socket import WidgetSocket
from tests.live_server import LiveServer


def test_sigterm_closes_open_sockets_and_the_server_exits_promptly(tmp_path: Path) -> None:
    server = LiveServer(tmp_path, env={"SUPPORTBOT_RATE_PER_IP": "0"}).start()
    try:
        sockets = []
        for _ in range(3):
            _, conversation = server.request("POST", "/api/conversations", {"language": "en"})
            client = WidgetSocket(server)
            assert client.auth(conversation)["type"] == "ready"
            sockets.append(client)
        started = time.monotonic()
        server.stop(graceful=True, timeout=15)
        elapsed = time.monotonic() - started
        codes = [client.until("closed")[-1]["code"] for client in sockets]
    finally:
        server.stop()
    assert codes == [1001, 1001, 1001]
    assert elapsed < 10, f"graceful stop took {elapsed:.1f} s (gunicorn's graceful timeout is 20 s)"
