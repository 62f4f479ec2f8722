"""Python's cyclic garbage collector paused while a large result is built.

A web page is built from strings and short lists that hold no reference cycles, so the
collector has nothing to find there; yet the many young objects make it run over and over,
and each full pass walks both drafts' models as well (≈0.2 s of the 3,000-clause page's
1 s). Reference counting still frees everything as usual; anything cyclic left behind waits
for the first collection after the pause.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": False}


@contextmanager
def collector_paused():
    """Pause the cyclic collector for the block. Nested and concurrent pauses (the web server's
    threads) share one count: the collector runs again once the last of them ends, if it was on
    before the first began."""
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                gc.enable()
