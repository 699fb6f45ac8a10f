from __future__ import annotations

from datetime import timedelta

from heard.clock import FrozenClock
from heard.web.throttle import MAX_FAILURES_PER_ADDRESS, LoginThrottle


def test_one_email_waits_after_five_failures_and_is_free_after_the_window(clock: FrozenClock) -> None:
    throttle = LoginThrottle(clock)
    for _ in range(4):
        throttle.failed("email:a", "ip:1")
    assert throttle.wait("email:a", "ip:1") is None
    throttle.failed("email:a", "ip:1")
    assert throttle.wait("email:a", "ip:1") == timedelta(minutes=15)
    assert throttle.wait("email:b", "ip:1") is None  # a colleague in the same office can still log in
    clock.advance(15 * 60)
    assert throttle.wait("email:a", "ip:1") is None


def test_one_address_guessing_many_emails_waits_too(clock: FrozenClock) -> None:
    throttle = LoginThrottle(clock)
    for n in range(MAX_FAILURES_PER_ADDRESS):
        throttle.failed(f"email:{n}", "ip:9")
    assert throttle.wait("email:fresh", "ip:9") is not None
    throttle.succeeded("email:fresh")
    assert throttle.wait("email:fresh", "ip:8") is None
