"""What one attempt to send something came to, and when to try again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

#: delivered: the receiver took it. retryable: it may take it later (connection error, timeout, 429, 5xx, an
#: SMTP 4xx). refused: it said no in a way a retry will not change (another 4xx, an SMTP 5xx, no server set).
Outcome = Literal["delivered", "retryable", "refused"]
MAX_ERROR = 1000


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    error: str | None = None
    #: The receiver's Retry-After, in seconds, when it gave one.
    retry_after_s: float | None = None

    @classmethod
    def delivered(cls) -> SendResult:
        return cls("delivered")

    @classmethod
    def retryable(cls, error: str, retry_after_s: float | None = None) -> SendResult:
        return cls("retryable", error[:MAX_ERROR], retry_after_s)

    @classmethod
    def refused(cls, error: str) -> SendResult:
        return cls("refused", error[:MAX_ERROR])


@dataclass(frozen=True, slots=True)
class NextStep:
    """What to record after an attempt: "delivered", "pending" again at `retry_at`, or "failed" for good."""

    status: Literal["delivered", "pending", "failed"]
    error: str | None = None
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempt n (1-based) that fails in a retryable way waits first_s * 2**(n-1), capped at cap_s (or the
    receiver's Retry-After when that is longer); after `max_attempts` the delivery fails for good. A claim lasts
    `lease_s`: a delivery still being sent after that (its sender died) is due again."""

    max_attempts: int
    first_s: float
    cap_s: float
    lease_s: float = 120.0

    def delay_s(self, attempt: int, retry_after_s: float | None = None) -> float:
        backoff = min(self.cap_s, self.first_s * 2.0 ** max(0, attempt - 1))
        return max(backoff, min(retry_after_s or 0.0, self.cap_s))

    def lease(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.lease_s)

    def next_step(self, result: SendResult, attempt: int, now: datetime) -> NextStep:
        """Attempt number `attempt` (counted from 1) came to `result`: what to record."""
        if result.outcome == "delivered":
            return NextStep("delivered")
        error = result.error or "failed"
        if result.outcome == "refused":
            return NextStep("failed", error)
        if attempt >= self.max_attempts:
            return NextStep("failed", f"{error} (gave up after {attempt} attempts)"[:MAX_ERROR])
        return NextStep("pending", error, now + timedelta(seconds=self.delay_s(attempt, result.retry_after_s)))
