"""Slows password guessing: after too many failed log ins for one e-mail (or from one address) within a window,
further attempts are refused until the window has passed, even with the right password.

Kept in process memory: a restart forgets it, and each web process counts on its own. That bounds guessing to
a few attempts per window per process, which argon2's cost per attempt then makes slow anyway.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, timedelta

from heard.clock import Clock

MAX_FAILURES = 5
#: One address can be a whole office behind NAT: it gets more room than one e-mail before it waits.
MAX_FAILURES_PER_ADDRESS = 50
WINDOW = timedelta(minutes=15)
_MAX_KEYS = 100_000


class LoginThrottle:
    """Failed attempts per key (`email:...`, `ip:...`), forgotten after WINDOW."""

    def __init__(self, clock: Clock, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self._clock = clock
        self._max = max_failures
        self._window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self._window:
            times.popleft()
        return times

    def _limit(self, key: str) -> int:
        return MAX_FAILURES_PER_ADDRESS if key.startswith("ip:") else self._max

    def wait(self, *keys: str) -> timedelta | None:
        """How long until these keys may try again; None when they may try now."""
        now = self._clock.now()
        with self._lock:
            waits = [t[0] + self._window - now for k in keys if len(t := self._recent(k, now)) >= self._limit(k)]
        return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self._clock.now()
        with self._lock:
            if len(self._failures) > _MAX_KEYS:  # a flood of made-up e-mails must not grow memory forever
                self._failures.clear()
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
