"""The message bus across worker processes: Redis pub/sub feeding each process's local bus.

Each process keeps its own sockets in a ``LocalBus``. Publishing goes to Redis; one listener
thread per process receives every notice and hands it to the local subscribers. Notices are
only hints (see ``bot.helpdesk.bus``), so Redis pub/sub's at-most-once delivery is enough.

While Redis is down, ``connected`` is false: notices reach this process's sockets only, and the
widget's sockets read the database every few seconds instead (``bot.channels.widget.session``).
The listener retries every second and push resumes by itself when Redis is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.helpdesk.bus import Handler, LocalBus
from bot.helpdesk.notices import MalformedNotice, Notice, decode, encode
from bot.helpdesk.redis_outage import Outage

log = logging.getLogger(__name__)

CHANNEL = "supportbot:bus"


class RedisBus:
    def __init__(self, client: Any, channel: str = CHANNEL) -> None:
        self._redis = client
        self._channel = channel
        self._local = LocalBus()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._listening = False  # subscribed to the channel right now
        self._outage = Outage(
            log, "live push degraded to polling the database", "live push resumed"
        )

    @property
    def connected(self) -> bool:
        """Notices from other processes arrive (the listener is subscribed)."""
        return self._listening and not self._outage.down

    def publish(self, topic: str, notice: Notice) -> None:
        try:
            self._redis.publish(self._channel, encode(topic, notice))
        except Exception as error:  # Redis down: deliver locally at least
            self._outage.failed(error)
            self._local.publish(topic, notice)
            return
        self._outage.recovered()

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        self._ensure_listener()
        return self._local.subscribe(topic, handler)

    def close(self) -> None:
        self._stopped.set()
        self._local.close()

    def _ensure_listener(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._listen, name="redis-bus", daemon=True)
                self._thread.start()

    def _listen(self) -> None:
        while not self._stopped.is_set():
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self._channel)
                self._listening = True
                self._outage.recovered()
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        self._dispatch(message["data"])
                pubsub.close()
            except Exception as error:  # Redis went away: retry every second, quietly
                self._listening = False
                self._outage.failed(error)
                time.sleep(1.0)

    def _dispatch(self, raw: bytes | str) -> None:
        try:
            topic, notice = decode(raw)
        except MalformedNotice:
            log.warning("ignored a malformed bus message: %r", raw[:200])
            return
        if notice is not None:  # None: a kind only a newer worker knows
            self._local.publish(topic, notice)
