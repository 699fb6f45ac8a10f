"""Alert delivery as a queue, on SQLite and PostgreSQL: a delivery that fails in a retryable way is tried again
after its backoff and then lands, a refusal is final, two delivery loops never send one delivery twice, a claim
left by a dead loop is taken over, and nothing is sent while a transaction is open."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from email import message_from_bytes
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from heard.alerts.actions import create_rule, record_spikes
from heard.alerts.delivery import Queued, claim, due_deliveries, queue_deliveries
from heard.alerts.models import AlertDelivery, AlertRule
from heard.clock import FrozenClock
from heard.notify.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from heard.radar.spike import Spike
from heard.settings import Settings
from heard.workers import alert_delivery
from heard.workers.alert_delivery import ALERT_RETRY, AlertDeliverer, notify_pending
from tests.fakes.smtp_server import smtp_server
from tests.fakes.webhook_receiver import receiving

SECRET = "s3cret-signing-key"
SETTINGS = Settings(_env_file=None, app_url="http://heard.test")


def _alerts(sessions: sessionmaker[Session], clock: FrozenClock, *targets: dict[str, Any], n: int = 1) -> list[int]:
    with sessions.begin() as session:
        create_rule(session, "all", clock.now(), cooldown_s=0, targets=list(targets))
        spikes = [
            Spike("volume", f"brand:b{i}", clock.now(), clock.now(), 40.0, 4.0, 0.999, 0.6, False, ("x:1",))
            for i in range(n)
        ]
        return [a.id for a in record_spikes(session, spikes, clock.now()).opened]


def _deliveries(sessions: sessionmaker[Session]) -> list[AlertDelivery]:
    with sessions() as session:
        return list(session.scalars(select(AlertDelivery).order_by(AlertDelivery.id)))


def _notify(sessions: sessionmaker[Session], clock: FrozenClock, settings: Settings = SETTINGS) -> dict[str, int]:
    return notify_pending(sessions, clock, settings)


def test_a_failed_webhook_delivery_is_retried_later_and_then_delivered(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with receiving([503, 500]) as receiver:
        [alert_id] = _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url, "secret": SECRET})
        first = _notify(sessions, clock)
        assert first == {"alerts": 1, "delivered": 0, "failed": 0, "retrying": 1, "resolved": 0}
        [row] = _deliveries(sessions)
        assert (row.status, row.attempts, row.error) == ("pending", 1, "HTTP 503")
        assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
        assert _notify(sessions, clock)["retrying"] == 0  # not due yet: it waits out its backoff
        clock.advance(30)
        assert _notify(sessions, clock)["retrying"] == 1  # 500: again, after 1 min
        clock.advance(59)
        assert _notify(sessions, clock)["delivered"] == 0
        clock.advance(1)
        assert _notify(sessions, clock) == {"alerts": 0, "delivered": 1, "failed": 0, "retrying": 0, "resolved": 0}
        assert _notify(sessions, clock)["delivered"] == 0  # never twice
    assert len(receiver.requests) == 3
    for headers, body in receiver.requests:
        assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
        assert json.loads(body)["id"] == alert_id
        assert json.loads(body)["url"] == f"http://heard.test/alerts/{alert_id}"
    [row] = _deliveries(sessions)
    assert (row.status, row.attempts, row.error, row.next_attempt_at) == ("delivered", 3, None, None)
    assert row.delivered_at == clock.now()


def test_a_client_error_is_final(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with receiving([404]) as receiver:
        _alerts(sessions, clock, {"kind": "chat", "url": receiver.url})
        assert _notify(sessions, clock)["failed"] == 1
        clock.advance(3600)
        assert _notify(sessions, clock)["failed"] == 0
    assert len(receiver.requests) == 1
    assert json.loads(receiver.requests[0][1])["text"].startswith(":rotating_light: Spike on brand:b0")
    [row] = _deliveries(sessions)
    assert (row.status, row.attempts, row.error, row.next_attempt_at) == ("failed", 1, "HTTP 404", None)


def test_a_receiver_that_stays_down_fails_after_the_last_attempt(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    attempts = ALERT_RETRY.max_attempts
    with receiving([503] * attempts) as receiver:
        _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url})
        for _ in range(attempts):
            _notify(sessions, clock)
            clock.advance(ALERT_RETRY.cap_s)
        assert _notify(sessions, clock)["failed"] == 0
    assert len(receiver.requests) == attempts
    [row] = _deliveries(sessions)
    assert (row.status, row.attempts) == ("failed", attempts)
    assert row.error == f"HTTP 503 (gave up after {attempts} attempts)"


def test_two_claimers_never_take_one_delivery(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    _alerts(sessions, clock, {"kind": "webhook", "url": "http://127.0.0.1:9/never"})
    with sessions.begin() as session:
        assert queue_deliveries(session, clock.now()).deliveries == 1
    lease = ALERT_RETRY.lease(clock.now())
    with sessions() as first, sessions() as second:
        [delivery_id] = due_deliveries(first, clock.now(), 10)
        assert due_deliveries(second, clock.now(), 10) == [delivery_id]  # both saw it due
        first_claim = claim(first, delivery_id, clock.now(), lease)
        first.commit()
        assert claim(second, delivery_id, clock.now(), lease) is None  # the row changed under it: not taken
        second.commit()
    assert first_claim is not None
    assert (first_claim.attempt, first_claim.kind) == (1, "webhook")
    assert first_claim.target == {"kind": "webhook", "url": "http://127.0.0.1:9/never"}
    [row] = _deliveries(sessions)
    assert (row.status, row.attempts, row.next_attempt_at) == ("sending", 1, lease)


def test_two_delivery_loops_at_once_send_each_delivery_once(
    sessions: sessionmaker[Session], clock: FrozenClock
) -> None:
    with receiving() as receiver:
        alert_ids = _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url}, n=12)
        with sessions.begin() as session:  # one rule per alert, so that the cooldown holds back none of them
            for i in range(1, len(alert_ids)):
                create_rule(
                    session, f"r{i}", clock.now(), series=f"brand:b{i}", targets=[{"kind": "chat", "url": receiver.url}]
                )
        barrier = threading.Barrier(2)
        totals: list[dict[str, int]] = []

        def loop() -> None:
            with httpx.Client() as client:
                deliverer = AlertDeliverer(sessions, clock, SETTINGS, client)
                barrier.wait()
                totals.append(deliverer.pass_once())

        threads = [threading.Thread(target=loop) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    rows = _deliveries(sessions)
    assert {r.status for r in rows} == {"delivered"}
    assert sum(t["delivered"] for t in totals) == len(rows) == len(receiver.requests)
    assert all(r.attempts == 1 for r in rows)


def test_a_claim_left_by_a_dead_loop_is_taken_over(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with receiving() as receiver:
        _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url})
        with sessions.begin() as session:
            queue_deliveries(session, clock.now())
            [delivery_id] = due_deliveries(session, clock.now(), 10)
            assert claim(session, delivery_id, clock.now(), ALERT_RETRY.lease(clock.now())) is not None
        # ...and the loop that claimed it dies before sending.
        assert _notify(sessions, clock)["delivered"] == 0  # still claimed
        clock.advance(ALERT_RETRY.lease_s)
        assert _notify(sessions, clock)["delivered"] == 1
    assert len(receiver.requests) == 1
    [row] = _deliveries(sessions)
    assert (row.status, row.attempts) == ("delivered", 2)


def test_nothing_is_sent_while_a_transaction_is_open(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    def committed_state() -> object:
        with sessions() as session:
            return session.scalars(select(AlertDelivery.status)).all()

    with receiving([503]) as receiver:
        receiver.on_request = committed_state
        _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url})
        _notify(sessions, clock)
        clock.advance(30)
        _notify(sessions, clock)
    # When each request arrived the claim was committed, and the attempt before it recorded.
    assert receiver.observed == [["sending"], ["sending"]]


def test_alert_email_goes_through_a_local_smtp_server(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    with smtp_server() as mailbox:
        settings = Settings(_env_file=None, smtp_url=f"smtp://127.0.0.1:{mailbox.port}", alert_from="heard@x.test")
        _alerts(sessions, clock, {"kind": "email", "to": "oncall@example.test"})
        assert _notify(sessions, clock, settings)["delivered"] == 1
    mail = message_from_bytes(mailbox.messages[0])
    assert (mail["From"], mail["To"]) == ("heard@x.test", "oncall@example.test")
    assert mail["Subject"].startswith("[Heard] Spike on brand:b0")
    assert "- x:1" in str(mail.get_payload())


@pytest.mark.parametrize(("reply", "status"), [("450 mailbox busy", "pending"), ("550 no such user", "failed")])
def test_a_refused_recipient_is_retried_only_after_a_4xx(
    sessions: sessionmaker[Session], clock: FrozenClock, reply: str, status: str
) -> None:
    with smtp_server(refuse_rcpt=reply) as mailbox:
        settings = Settings(_env_file=None, smtp_url=f"smtp://127.0.0.1:{mailbox.port}")
        _alerts(sessions, clock, {"kind": "email", "to": "nobody@example.test"})
        _notify(sessions, clock, settings)
    [row] = _deliveries(sessions)
    assert row.status == status
    assert row.error
    assert reply.split()[0] in row.error


def test_a_target_gone_from_its_rule_fails_with_the_reason(sessions: sessionmaker[Session], clock: FrozenClock) -> None:
    _alerts(sessions, clock, {"kind": "webhook", "url": "http://127.0.0.1:9/gone"})
    with sessions.begin() as session:
        queue_deliveries(session, clock.now())
        session.scalars(select(AlertRule)).one().targets = []
    assert _notify(sessions, clock)["failed"] == 1
    [row] = _deliveries(sessions)
    assert (row.status, row.error) == ("failed", "the rule or its target is gone")


def test_a_loop_that_queues_an_alert_another_just_queued_leaves_it_to_that_one(
    sessions: sessionmaker[Session], clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    with receiving() as receiver:
        _alerts(sessions, clock, {"kind": "webhook", "url": receiver.url})
        with sessions.begin() as session:
            queue_deliveries(session, clock.now())
        [queued] = _deliveries(sessions)

        def late_queue(session: Session, now: datetime) -> Queued:
            """What a loop writes that read the alert as untold just before the other one committed."""
            row = AlertDelivery(
                alert_id=queued.alert_id,
                rule_id=queued.rule_id,
                target_index=queued.target_index,
                target_kind=queued.target_kind,
                target=queued.target,
                status="pending",
                next_attempt_at=now,
                created_at=now,
            )
            session.add(row)
            session.flush()
            return Queued(1, 1)

        monkeypatch.setattr(alert_delivery, "queue_deliveries", late_queue)
        counts = _notify(sessions, clock)
    assert (counts["alerts"], counts["delivered"]) == (0, 1)  # its rows collided; the delivery went out once
    assert len(_deliveries(sessions)) == len(receiver.requests) == 1
