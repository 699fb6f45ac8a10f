"""Alert rules route alerts to their targets, respect cooldowns, and every delivery is recorded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from heard.alerts.actions import create_rule, matching_rules, record_spikes
from heard.alerts.queries import deliveries
from heard.clock import FrozenClock
from heard.errors import BadInput
from heard.radar.spike import Spike
from heard.settings import Settings
from heard.workers.alert_delivery import notify_pending
from tests.fakes.webhook_receiver import Receiver, receiving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as server:
        yield server


def _spike(clock: FrozenClock, key: str, severity: float = 0.6, ongoing: bool = False) -> Spike:
    return Spike("volume", key, clock.now(), clock.now(), 40.0, 4.0, 0.999, severity, ongoing, ("x:1",))


def test_rules_route_by_series_and_severity_with_cooldown(
    sessions: sessionmaker[Session], clock: FrozenClock, receiver: Receiver
) -> None:
    with sessions.begin() as session:
        create_rule(session, "threads", clock.now(), series="thread:*", targets=[{"kind": "chat", "url": receiver.url}])
        create_rule(session, "big", clock.now(), min_severity=0.9, targets=[{"kind": "webhook", "url": receiver.url}])
        record_spikes(session, [_spike(clock, "thread:x:1"), _spike(clock, "brand:acme")], clock.now())
    counts = notify_pending(sessions, clock, Settings(_env_file=None))
    assert counts == {"alerts": 2, "delivered": 1, "failed": 0, "retrying": 0, "resolved": 0}  # one rule matched
    assert len(receiver.requests) == 1
    with sessions.begin() as session:
        record_spikes(session, [_spike(clock, "thread:x:2")], clock.now())
        alert = record_spikes(session, [_spike(clock, "thread:x:3")], clock.now()).opened[0]
        assert matching_rules(session, alert, clock.now()) == []  # the thread rule is cooling down
        clock.advance(1801)
        assert [r.name for r in matching_rules(session, alert, clock.now())] == ["threads"]


def test_ongoing_spikes_update_one_alert(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        first = record_spikes(session, [_spike(clock, "brand:acme", 0.5)], clock.now()).opened[0]
        clock.advance(60)
        later = record_spikes(session, [_spike(clock, "brand:acme", 0.8, ongoing=True)], clock.now())
        assert later.opened == []
        assert later.updated == [first]
        assert first.severity == 0.8


def test_failed_delivery_is_recorded(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        create_rule(session, "all", clock.now(), targets=[{"kind": "email", "to": "oncall@example.test"}])
        alert = record_spikes(session, [_spike(clock, "brand:acme")], clock.now()).opened[0]
    assert notify_pending(sessions, clock, Settings(_env_file=None))["failed"] == 1
    with sessions() as session:
        (record,) = deliveries(session, alert.id)
        assert (record.status, record.attempts, record.next_attempt_at) == ("failed", 1, None)
        assert record.error == "no SMTP server is configured"


@pytest.mark.parametrize(
    "targets",
    [[{"kind": "pager"}], [{"kind": "webhook"}], [{"kind": "email", "to": ""}]],
)
def test_bad_rules_are_refused(sessions: sessionmaker[Session], clock: FrozenClock, targets: list) -> None:  # type: ignore[type-arg]
    with sessions.begin() as session, pytest.raises(BadInput):
        create_rule(session, "bad", clock.now(), targets=targets)


def test_quiet_alerts_are_resolved_by_the_notify_pass(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with sessions.begin() as session:
        record_spikes(session, [_spike(clock, "brand:acme")], clock.now())
    clock.advance(3600)
    assert notify_pending(sessions, clock, Settings(_env_file=None))["resolved"] == 0
    clock.advance(3601)
    assert notify_pending(sessions, clock, Settings(_env_file=None))["resolved"] == 1
