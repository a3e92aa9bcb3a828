"""A worker's heap once its app is built: the boot's objects set aside from the garbage collector,
and the pages their temporaries used given back to the system.

The app's boot leaves about 160,000 long-lived objects that the collector tracks (modules,
functions, the FAQ index): each full collection walked all of them, about 75 ms of CPU (several
times that in wall time on a busy machine), every few hundred turns, in the middle of whichever
turns were waiting: the live path's 99th percentile. None of them will ever be garbage, so
after one collection they are frozen (``gc.freeze``): later collections walk only what the
worker made since. Objects the boot made that are freed later (an index rebuilt) are still freed
by reference counting; only a reference cycle among them would stay, as it would in any
long-lived object.
"""

from __future__ import annotations

import ctypes
import gc


def settle_boot_heap() -> None:
    """Collect the boot's garbage, freeze what is left, give freed pages back."""
    gc.collect()
    gc.freeze()
    give_back_freed_memory()


def give_back_freed_memory() -> None:
    """Return to the system the heap pages freed while the app was built (the FAQ index's
    temporaries; about 20 MB at 10,000 entries): glibc keeps them for reuse otherwise. A C
    library without `malloc_trim` (musl, macOS) has nothing to do."""
    trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
    if trim is not None:
        trim(0)
