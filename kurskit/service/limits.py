"""How often one learner may submit: a sliding window per learner, bounded in memory.

Each submission stores an attempt of ≈40 KB for good; a script (or a stuck key) must not
fill the disk or the grading queue. Over the limit the service answers 429 with a German
message and `Retry-After`. In memory only: a restart forgets the window, which is fine for
a limit measured in minutes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque


class RateLimit:
    """At most `count` events per `seconds` per key; remembers at most `keys` keys."""

    def __init__(self, count: int, seconds: float = 60.0, keys: int = 100_000) -> None:
        self.count, self.seconds, self.keys = count, seconds, keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, key: str, now: float | None = None) -> float:
        """0 and the event is counted; else the seconds until the next one is allowed."""
        if self.count <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            wait = 0.0
            if len(events) >= self.count:
                wait = events[0] + self.seconds - now
            else:
                events.append(now)
            if events:
                self._events[key] = events  # the most recent key last
            while len(self._events) > self.keys:  # the least recently active go first
                self._events.popitem(last=False)
            return wait
