"""The objects of open sockets, set aside from the garbage collector's full collections.

Each open socket holds a few hundred objects the collector tracks (the WSGI environ, the
WebSocket server and its wsproto state, the session, its delivery, its bus handler, ...). They
live as long as the socket, yet every full collection walked all of them, with the GIL held:
with 1,000 sockets open about 90,000 objects a worker, a pause of 90-360 ms on this machine, and
every turn in flight waited it out. Full collections come when turns' objects pile up (a burst
of turns leaves them), so the pause grew with the sockets held open, not with the turns: the
99th percentile of ``/ws`` at 1,000 sockets (``docs/benchmarks.md``).

So once a socket has handled its first frame and stays open (the widget: authenticated), what
exists is frozen (``gc.freeze``, O(1), as the boot's objects are in ``bot.cli.worker_heap``):
later collections walk what turns make, not what sockets keep. A frozen object is still freed
by reference counting; one in a reference cycle is not, so when as many settled sockets have
closed since the last sweep as are open (and at least ``SWEEP_MIN``), one sweep unfreezes,
collects and freezes again: one full pause per generation of sockets, not one per burst of
turns, and what closed sockets leave in cycles stays below what the open ones hold. A refused
first frame settles nothing, so a flood of bad handshakes cannot set off sweeps.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

SWEEP_MIN = 100  # closed sockets before a sweep is worth its pause (a few MB at most)


class SocketHeap:
    def __init__(self, sweep_min: int = SWEEP_MIN) -> None:
        self._lock = threading.Lock()
        self._sweep_min = sweep_min
        self.open = 0  # settled sockets not closed yet
        self.closed_since_sweep = 0
        self.sweeps = 0

    def settled(self) -> None:
        """A socket's long-lived objects exist: freeze them (and whatever else exists now)."""
        with self._lock:
            self.open += 1
            gc.freeze()

    def closed(self) -> None:
        """A settled socket ended; sweep when closed ones are as many as the open ones."""
        with self._lock:
            self.open = max(self.open - 1, 0)
            self.closed_since_sweep += 1
            if self.closed_since_sweep < max(self._sweep_min, self.open):
                return
            self.closed_since_sweep = 0
            self.sweeps += 1
            started = time.perf_counter()
            gc.unfreeze()
            freed = gc.collect()
            gc.freeze()
        log.debug(
            "swept the sockets' heap: %d objects freed in %.0f ms, %d sockets open",
            freed,
            (time.perf_counter() - started) * 1000,
            self.open,
        )


SOCKET_HEAP = SocketHeap()
