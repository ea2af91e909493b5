"""Python's garbage collection in the portal server, kept out of a rush.

The portal process holds every preheated page and its kernel's client: with a pool of 100
kernels some 400,000 objects. CPython's full collection walks all of them — 250–400 ms
here, nearly a second while the pool fills, during which the portal's one event loop
answers nobody — and a rush (fifty learners opening a module at once) makes enough new
objects to set off several. So every few seconds what has lived that long is frozen
(`gc.freeze`: collections leave it out), and everything is collected — frozen objects
included, so that garbage among them is freed too — only when no kernel has sent a
message for a while, or when that has not happened for too long.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


class QuietCollector:
    """Freeze on every `tick`; a full collection when quiet (see the module docstring)."""

    TICK = 5.0  # seconds between ticks (PortalApp runs them on its event loop)
    QUIET = 10.0  # seconds without kernel activity that count as quiet
    EVERY = 300.0  # seconds between full collections when quiet ...
    AT_THE_LATEST = 1800.0  # ... and without a quiet moment

    def __init__(self, idle_for: Callable[[], float],
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`idle_for`: seconds since the last kernel activity."""
        self.idle_for, self.clock = idle_for, clock
        self.last_full = clock()

    def tick(self) -> None:
        since = self.clock() - self.last_full
        if (since >= self.EVERY and self.idle_for() >= self.QUIET) or since >= self.AT_THE_LATEST:
            gc.unfreeze()
            gc.collect()
            self.last_full = self.clock()
        else:
            gc.collect(1)  # what died young is not frozen
        gc.freeze()
