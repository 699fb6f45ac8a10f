"""Outgoing webhooks: events after the subscription reach the receiver signed and once, a receiver that is down
gets them later with backoff, a refusal stops retries, nothing before the subscription is sent, two dispatchers
never send one delivery twice, and nothing is sent while a transaction is open."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from heard.app import Runtime, build_runtime
from heard.cli import build
from heard.clock import FrozenClock
from heard.events import EVENTS_TOPIC, ConversationStatusChanged, Event, NoteAdded
from heard.hooks.actions import HookError, add_subscription, claim, due_deliveries, retry_failed
from heard.hooks.models import WebhookDelivery
from heard.notify.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from heard.settings import Settings
from heard.stream.base import OutMessage
from heard.workers.hooks import HOOK_RETRY, DispatchTotals, HookDispatcher
from tests.fakes.webhook_receiver import receiving

SECRET = "s3cret-signing-key-0123"


@pytest.fixture
def runtime(db_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    rt = build_runtime(Settings(env="test", database_url=db_url, _env_file=None), clock)
    yield rt
    rt.close()


def _emit(runtime: Runtime, *events: Event) -> None:
    runtime.log.append(EVENTS_TOPIC, [OutMessage(uuid.uuid4().hex, e.to_json()) for e in events])


def _subscribe(runtime: Runtime, url: str, events: list[str], secret: str | None = SECRET) -> int:
    with runtime.sessions.begin() as session:
        row = add_subscription(
            session,
            url,
            events,
            secret,
            runtime.clock.now(),
            runtime.log.head(EVENTS_TOPIC),
            secret_key=runtime.settings.secret_key,
        )
        return row.id


def test_events_after_the_subscription_arrive_signed_once_and_in_order(runtime: Runtime) -> None:
    _emit(runtime, NoteAdded(1, 1, 1))  # before the subscription: history, not sent
    with receiving() as receiver:
        _subscribe(runtime, receiver.url, ["conversation.status_changed"])
        _emit(runtime, ConversationStatusChanged(7, "resolved", None, 2), NoteAdded(7, 9, 2))
        _emit(runtime, ConversationStatusChanged(8, "open", None, 2))
        dispatcher = HookDispatcher(runtime)
        totals = dispatcher.pass_once()
        assert (totals.queued, totals.delivered) == (2, 2)
        assert dispatcher.pass_once().delivered == 0  # nothing twice
    bodies = [json.loads(body) for _, body in receiver.requests]
    assert [(b["name"], b["data"]["conversation_id"]) for b in bodies] == [
        ("conversation.status_changed", 7),
        ("conversation.status_changed", 8),
    ]
    headers, body = receiver.requests[0]
    assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])


def test_a_receiver_that_is_down_gets_the_event_later_with_backoff(runtime: Runtime, clock: FrozenClock) -> None:
    with receiving([503, 503]) as receiver:
        _subscribe(runtime, receiver.url, [])
        _emit(runtime, NoteAdded(3, 4, 5))
        dispatcher = HookDispatcher(runtime)
        assert dispatcher.pass_once().failed_attempts == 1
        assert dispatcher.pass_once().failed_attempts == 0  # not due yet: it waits out the backoff
        clock.advance(15)
        assert dispatcher.pass_once().failed_attempts == 1
        clock.advance(29)
        assert dispatcher.pass_once().delivered == 0
        clock.advance(1)
        assert dispatcher.pass_once().delivered == 1
    assert len(receiver.requests) == 3
    with runtime.sessions() as session:
        [delivery] = session.scalars(select(WebhookDelivery)).all()
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, None)


def test_a_refusal_fails_at_once_and_a_retry_sends_it_again(runtime: Runtime, clock: FrozenClock) -> None:
    with receiving([410]) as receiver:
        sub = _subscribe(runtime, receiver.url, ["note.added"], secret=None)
        _emit(runtime, NoteAdded(3, 4, 5))
        dispatcher = HookDispatcher(runtime)
        dispatcher.pass_once()
        with runtime.sessions.begin() as session:
            [delivery] = session.scalars(select(WebhookDelivery)).all()
            assert (delivery.status, delivery.last_error) == ("failed", "HTTP 410")
            assert retry_failed(session, sub, clock.now()) == 1
        assert dispatcher.pass_once().delivered == 1
    assert SIGNATURE_HEADER not in receiver.requests[-1][0]


def test_a_receiver_that_never_answers_ends_failed_after_the_last_attempt(runtime: Runtime, clock: FrozenClock) -> None:
    attempts = HOOK_RETRY.max_attempts
    with receiving([500] * attempts) as receiver:
        _subscribe(runtime, receiver.url, [])
        _emit(runtime, NoteAdded(3, 4, 5))
        dispatcher = HookDispatcher(runtime)
        for _ in range(attempts):
            dispatcher.pass_once()
            clock.advance(timedelta(hours=5).total_seconds())
        assert dispatcher.pass_once().failed_attempts == 0
    assert len(receiver.requests) == attempts
    with runtime.sessions() as session:
        [delivery] = session.scalars(select(WebhookDelivery)).all()
        assert (delivery.status, delivery.attempts) == ("failed", attempts)
        assert delivery.last_error == f"HTTP 500 (gave up after {attempts} attempts)"


def test_two_dispatchers_at_once_send_each_delivery_once(runtime: Runtime) -> None:
    with receiving() as receiver:
        _subscribe(runtime, receiver.url, [])
        _emit(runtime, *(NoteAdded(n, n, 1) for n in range(1, 21)))
        dispatchers = [HookDispatcher(runtime), HookDispatcher(runtime)]
        assert dispatchers[0].queue_events() == 20
        barrier = threading.Barrier(2)
        totals: list[DispatchTotals] = []

        def run(dispatcher: HookDispatcher) -> None:
            barrier.wait()
            totals.append(dispatcher.pass_once())

        threads = [threading.Thread(target=run, args=(d,)) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sum(t.delivered for t in totals) == len(receiver.requests) == 20
    assert sorted(json.loads(body)["id"] for _, body in receiver.requests) == sorted(
        {json.loads(body)["id"] for _, body in receiver.requests}
    )


def test_a_claim_is_taken_by_one_dispatcher_and_taken_over_when_it_lapses(runtime: Runtime, clock: FrozenClock) -> None:
    with receiving() as receiver:
        _subscribe(runtime, receiver.url, [])
        _emit(runtime, NoteAdded(3, 4, 5))
        dispatcher = HookDispatcher(runtime)
        dispatcher.pass_once()  # queued and delivered
        _emit(runtime, NoteAdded(3, 5, 6))
        dispatcher.queue_events()
        lease = HOOK_RETRY.lease(clock.now())
        with runtime.sessions() as one, runtime.sessions() as other:
            [delivery_id] = due_deliveries(one, clock.now(), 10)
            assert due_deliveries(other, clock.now(), 10) == [delivery_id]
            key = runtime.settings.secret_key
            assert claim(one, delivery_id, clock.now(), lease, secret_key=key) is not None
            one.commit()
            assert claim(other, delivery_id, clock.now(), lease, secret_key=key) is None
            other.commit()
        assert dispatcher.pass_once().delivered == 0  # the first claimer died mid-send...
        clock.advance(HOOK_RETRY.lease_s)
        assert dispatcher.pass_once().delivered == 1  # ...and its claim lapsed
    assert len(receiver.requests) == 2
    with runtime.sessions() as session:
        delivery = session.get_one(WebhookDelivery, delivery_id)
        assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_nothing_is_sent_while_a_transaction_is_open(runtime: Runtime) -> None:
    def committed_state() -> object:
        with runtime.sessions() as session:
            return session.scalars(select(WebhookDelivery.status)).all()

    with receiving() as receiver:
        receiver.on_request = committed_state
        _subscribe(runtime, receiver.url, [])
        _emit(runtime, NoteAdded(3, 4, 5))
        HookDispatcher(runtime).pass_once()
    assert receiver.observed == [["sending"]]


@pytest.mark.parametrize(
    ("url", "events", "secret", "message"),
    [
        ("ftp://example.com/x", [], None, "not an http"),
        ("https://example.com/x", ["post.liked"], None, "unknown events"),
        ("https://example.com/x", [], "short", "16 to 256"),
    ],
)
def test_bad_subscriptions_are_refused(
    runtime: Runtime, url: str, events: list[str], secret: str | None, message: str
) -> None:
    with runtime.sessions.begin() as session, pytest.raises(HookError, match=message):
        add_subscription(session, url, events, secret, runtime.clock.now(), 0, secret_key=runtime.settings.secret_key)


def test_hook_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", f"sqlite:///{tmp_path / 'hooks.db'}")
    cli, runner = build(), CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    with receiving() as receiver:
        added = runner.invoke(cli, ["hooks", "add", receiver.url, "--secret-stdin", "--json"], input=SECRET + "\n")
        assert added.exit_code == 0, added.output
        assert json.loads(added.output)["signed"] is True
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'hooks.db'}", _env_file=None)
        rt = build_runtime(settings)
        _emit(rt, NoteAdded(1, 2, 3))
        rt.close()
        once = runner.invoke(cli, ["hooks", "dispatch", "--once"])
        assert json.loads(once.output)["delivered"] == 1
    listed = json.loads(runner.invoke(cli, ["hooks", "list", "--json"]).output)
    assert listed[0]["deliveries"] == {"delivered": 1}
    assert SECRET not in json.dumps(listed)
    assert runner.invoke(cli, ["hooks", "remove", "1"]).exit_code == 0
    refused = runner.invoke(cli, ["hooks", "add", "https://x.example/h", "--event", "nope"])
    assert refused.exit_code != 0
    assert "unknown events" in refused.output


def test_the_signing_secret_is_stored_sealed_and_still_signs(runtime: Runtime) -> None:
    """Issue 21, item 5: no secret in the clear at rest; the dispatcher unseals it to sign."""
    from sqlalchemy import text

    from heard.sealing import PREFIX

    with receiving() as receiver:
        sub = _subscribe(runtime, receiver.url, ["*"])
        with runtime.engine.connect() as conn:
            stored = conn.execute(text("SELECT secret FROM webhook_subscriptions WHERE id = :i"), {"i": sub}).scalar()
        assert stored.startswith(PREFIX)
        assert SECRET not in stored
        _emit(runtime, NoteAdded(1, 2, 3))
        assert HookDispatcher(runtime).pass_once().delivered == 1
    headers, body = receiver.requests[0]
    assert verify(SECRET, headers[TIMESTAMP_HEADER], body, headers[SIGNATURE_HEADER])
