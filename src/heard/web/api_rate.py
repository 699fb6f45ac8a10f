"""Requests per minute per API token: a token bucket, so a short burst goes through and a runaway integration
(a sync job in a loop) gets 429 with Retry-After instead of starving the agents' inbox of the web process.

Kept in process memory, like the login throttle: each web process counts on its own, and a restart forgives.
"""

from __future__ import annotations

import math
import threading

from heard.clock import Clock


class ApiRateLimit:
    """`per_minute` requests a minute per token, with bursts of up to that many; 0 turns the limit off."""

    def __init__(self, clock: Clock, per_minute: int) -> None:
        self._clock = clock
        self._per_minute = per_minute
        self._buckets: dict[int, tuple[float, float]] = {}  # token id -> (tokens left, at)
        self._lock = threading.Lock()

    def wait_s(self, token_id: int) -> int | None:
        """Take one request from the token's bucket; None when it may go, else whole seconds until it may."""
        if self._per_minute <= 0:
            return None
        now = self._clock.now().timestamp()
        rate = self._per_minute / 60.0
        with self._lock:
            left, at = self._buckets.get(token_id, (float(self._per_minute), now))
            left = min(float(self._per_minute), left + max(now - at, 0.0) * rate)
            if left < 1.0:
                self._buckets[token_id] = (left, now)
                return max(1, math.ceil((1.0 - left) / rate))
            self._buckets[token_id] = (left - 1.0, now)
        return None
