"""Full garbage collections with widget sockets open: what they walk and how long they hold the
GIL, at 0, 100 and 1,000 open sockets.

The sockets are the product's path without gunicorn: simple-websocket's server with the app's
``server_options()`` on one end of a socket pair, ``run_socket`` with a real ``WidgetSession``
in a thread per socket, each authenticated (``auth`` in, ``ready`` out) on a SQLite runtime built
in this process, its boot heap settled as a worker settles it. A full collection is the pause
every turn in flight waits for; in a worker it comes when turns' objects pile up.

Run: .venv/bin/python bench/socket_heap.py [--levels 0,100,1000] [--collections 5]
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from common import REPO, print_table
from simple_websocket import ConnectionClosed, Server
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage

from bot.app import build_runtime
from bot.channels.runtime import Runtime
from bot.channels.sockets import Send, hang_up, run_socket
from bot.channels.widget.session import WidgetSession
from bot.channels.widget.socket_route import server_options
from bot.cli.worker_heap import settle_boot_heap
from bot.config import Config


class Client:
    """The browser's end of one socket: wsproto over a socket pair."""

    def __init__(self, rt: Runtime) -> None:
        server_end, self.sock = socket.socketpair()
        self.ws = WSConnection(ConnectionType.CLIENT)
        raw = self.ws.send(Request(host="localhost", target="/ws")).decode()
        headers = [line.split(": ", 1) for line in raw.split("\r\n")[1:] if ": " in line]
        environ = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers}
        server = Server({"werkzeug.socket": server_end, **environ}, **server_options())
        assert isinstance(next(self.receive()), AcceptConnection)

        def build(send: Send) -> WidgetSession:
            return WidgetSession(
                rt, send, client_ip="127.0.0.1", hang_up=lambda c: hang_up(server, c)
            )

        def serve() -> None:
            try:
                run_socket(server, build, name="widget")
            except ConnectionClosed:
                pass  # the client left

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()

    def receive(self) -> Any:
        self.ws.receive_data(self.sock.recv(65536))
        return self.ws.events()

    def authenticate(self, public_id: str, token: str) -> None:
        frame = {"type": "auth", "conversation_id": public_id, "token": token}
        self.sock.sendall(self.ws.send(TextMessage(json.dumps(frame))))
        while True:
            for event in self.receive():
                if isinstance(event, TextMessage):
                    assert json.loads(event.data)["type"] == "ready", event.data
                    return

    def close(self) -> None:
        self.sock.close()
        self.thread.join(5)


def full_collections(count: int) -> tuple[int, list[float]]:
    """Objects a full collection walks (frozen ones it does not), and ``count`` timings in ms."""
    walked = len(gc.get_objects())
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        gc.collect()
        timings.append((time.perf_counter() - started) * 1000)
    return walked, timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="0,100,1000", help="open sockets per row")
    parser.add_argument("--collections", type=int, default=5, help="full collections per row")
    options = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="socket-heap-"))
    clients: list[Client] = []
    rows = []
    try:
        config = Config(
            data_dir=REPO / "faq_data", instance_dir=workdir, secret_key="bench",
            database_url=f"sqlite:///{workdir / 'heap.sqlite3'}", semantic=False,
            rate_per_ip=10**9,
        )  # fmt: skip
        rt = build_runtime(config)
        settle_boot_heap()  # as a worker does once booted
        for level in (int(level) for level in options.levels.split(",")):
            while len(clients) < level:
                started = rt.conversations.start(channel="widget", language="en")
                client = Client(rt)
                client.authenticate(started.public_id, started.token)
                clients.append(client)
            time.sleep(0.5)  # every socket back in its wait
            walked, timings = full_collections(options.collections)
            rows.append([
                level, f"{walked:,}", f"{statistics.median(timings):.1f}",
                " / ".join(f"{ms:.1f}" for ms in timings),
            ])  # fmt: skip
        for client in clients:
            client.close()
        rt.db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Full collections in one process, {options.collections} per row, sockets authenticated")
    print_table(["open sockets", "objects walked", "full collection ms (median)", "each"], rows)


if __name__ == "__main__":
    main()
