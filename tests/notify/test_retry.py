"""The one retry schedule both delivery loops use: exponential backoff, capped, Retry-After honoured, a refusal
final at once, and a last attempt that gives up with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from heard.notify.result import NextStep, RetryPolicy, SendResult

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
POLICY = RetryPolicy(max_attempts=5, first_s=30.0, cap_s=300.0, lease_s=60.0)


@pytest.mark.parametrize(("attempt", "wait_s"), [(1, 30), (2, 60), (3, 120), (4, 240), (5, 300), (9, 300)])
def test_backoff_doubles_up_to_the_cap(attempt: int, wait_s: float) -> None:
    assert POLICY.delay_s(attempt) == wait_s


def test_retry_after_wins_when_longer_but_never_past_the_cap() -> None:
    assert POLICY.delay_s(1, retry_after_s=90) == 90
    assert POLICY.delay_s(3, retry_after_s=90) == 120
    assert POLICY.delay_s(1, retry_after_s=86400) == 300


def test_next_steps() -> None:
    assert POLICY.next_step(SendResult.delivered(), 3, NOW) == NextStep("delivered")
    assert POLICY.next_step(SendResult.refused("HTTP 404"), 1, NOW) == NextStep("failed", "HTTP 404")
    assert POLICY.next_step(SendResult.retryable("HTTP 503"), 2, NOW) == NextStep(
        "pending", "HTTP 503", NOW + timedelta(seconds=60)
    )
    assert POLICY.next_step(SendResult.retryable("HTTP 503"), 5, NOW) == NextStep(
        "failed", "HTTP 503 (gave up after 5 attempts)"
    )


def test_a_claim_lasts_the_lease_and_errors_are_kept_short() -> None:
    assert POLICY.lease(NOW) == NOW + timedelta(seconds=60)
    assert len(SendResult.retryable("x" * 5000).error or "") == 1000
