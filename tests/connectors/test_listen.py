"""The listen loop on a real database and event log: posts reach "posts.raw" once, cursors survive a restart,
rate limits and outages set the channel's health and make it wait, and bad payloads become dead letters."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from heard.app import Runtime, build_runtime
from heard.channels.actions import add_channel, get_channel, list_channels, record_health
from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, Connector, ListeningRules
from heard.connectors.registry import connector_class
from heard.events import POSTS_TOPIC
from heard.ingest.models import DeadLetter
from heard.posts import RawPost
from heard.settings import Settings
from heard.workers.listen import ChannelOutcome, Listener, backoff_s
from tests.fakes.recordings import FakeNetwork, cassette

SECRET = "s" * 40


@pytest.fixture
def runtime(db_url: str) -> Iterator[Runtime]:
    """On SQLite, and on PostgreSQL when HEARD_TEST_DATABASE_URL is set."""
    settings = Settings(database_url=db_url, event_log="memory", secret_key=SECRET, _env_file=None)
    rt = build_runtime(settings, clock=FrozenClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)))
    yield rt
    rt.close()


def mastodon_network() -> FakeNetwork:
    network = FakeNetwork()
    mentions = cassette("mastodon-py", "cassettes", "test_notifications_mentions_only.yaml")[1].json()

    def notifications(request: httpx.Request) -> httpx.Response | None:
        if request.url.path != "/api/v1/notifications":
            return None
        since = request.url.params.get("min_id")
        fresh = [n for n in mentions if since is None or int(n["id"]) > int(since)]
        return httpx.Response(200, json=fresh)

    network.handlers.append(notifications)
    return network


def add_mastodon(runtime: Runtime) -> None:
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="mastodon",
            name="masto",
            options={"instance": "http://localhost:3000", "token": "tok-SECRET"},
            secret_key=SECRET,
            now=runtime.clock.now(),
            handle="mastodonpy_test",
        )


def listener(runtime: Runtime, network: FakeNetwork) -> Listener:
    def factory(config: ChannelConfig) -> Connector:
        return connector_class(config.kind)(config, transport=network.transport, clock=runtime.clock)

    return Listener(runtime, factory=factory, interval_s=60)


def posts_on_log(runtime: Runtime) -> list[RawPost]:
    return [RawPost.from_json(r.payload) for r in runtime.log.read(POSTS_TOPIC, 0, 10_000)]


def test_posts_reach_the_log_once_and_the_cursor_survives_a_restart(runtime: Runtime) -> None:
    add_mastodon(runtime)
    network = mastodon_network()
    (first,) = listener(runtime, network).run_once()
    assert first.health == "ok"
    assert first.taken == 1
    assert [p.network for p in posts_on_log(runtime)] == ["mastodon"]
    with runtime.sessions() as session:
        stored = get_channel(session, "masto")
        assert stored.health == "ok"
        assert json.loads(stored.cursor or "")["n"]
        assert "tok-SECRET" not in json.dumps(stored.config)  # encrypted at rest
    (again,) = listener(runtime, network).run_once()  # a restart: a new listener reads the stored cursor
    assert again.taken == 0
    assert "min_id" in network.requests[-1].url.params
    assert len(posts_on_log(runtime)) == 1


def test_a_rate_limit_keeps_the_cursor_and_waits_for_the_reset(runtime: Runtime) -> None:
    add_mastodon(runtime)
    listener(runtime, mastodon_network()).run_once()
    with runtime.sessions() as session:
        cursor = get_channel(session, "masto").cursor
    limited = FakeNetwork()
    limited.always(429, {"X-RateLimit-Reset": "2026-01-05T09:10:00Z"})
    loop = listener(runtime, limited)
    (outcome,) = loop.run_once()
    assert outcome.health == "rate_limited"
    assert outcome.wait_s == pytest.approx(600)
    with runtime.sessions() as session:
        stored = get_channel(session, "masto")
        assert (stored.health, stored.cursor) == ("rate_limited", cursor)
        assert "429" in (stored.health_detail or "")
    assert loop.run_once() == []  # not due yet
    runtime.clock.advance(601)  # type: ignore[attr-defined]
    assert [o.health for o in loop.run_once()] == ["rate_limited"]


def test_outages_back_off_exponentially_and_recover(runtime: Runtime) -> None:
    add_mastodon(runtime)
    down = FakeNetwork()
    down.always(503)
    loop = listener(runtime, down)
    waits = []
    for _ in range(6):
        (outcome,) = loop.run_once()
        waits.append(outcome.wait_s)
        runtime.clock.advance(outcome.wait_s)  # type: ignore[attr-defined]
    assert outcome.health == "down"
    # the network's own 30 s outage wait first, then doubling backoff takes over
    assert waits == [30.0, 30.0, 30.0, 40.0, 80.0, 160.0]
    assert backoff_s(1) < backoff_s(3) <= backoff_s(30) == 900
    loop.factory = listener(runtime, mastodon_network()).factory
    (healed,) = loop.run_once()
    assert healed.health == "ok"


def test_bad_payloads_become_dead_letters_and_credentials_problems_show(runtime: Runtime) -> None:
    add_mastodon(runtime)
    network = FakeNetwork()
    network.route("GET", "/api/v1/notifications", [{"id": "5", "type": "mention", "status": {"id": "9"}}])
    (outcome,) = listener(runtime, network).run_once()
    assert outcome.set_aside == 1
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DeadLetter)) == 1
    refused = FakeNetwork()
    refused.always(401)
    (outcome,) = listener(runtime, refused).run_once()
    assert outcome.health == "auth_failed"
    with runtime.sessions() as session:
        (row,) = list_channels(session)
        assert row.health == "auth_failed"
        assert row.options["token"] == "***"


def test_long_compound_cursors_are_stored_whole(runtime: Runtime) -> None:
    add_mastodon(runtime)
    cursor = json.dumps({f"t:tag{i}": str(10**17 + i) for i in range(40)})
    assert len(cursor) > 512
    with runtime.sessions.begin() as session:
        record_health(session, get_channel(session, "masto").id, "ok", None, cursor, move_cursor=True)
    with runtime.sessions() as session:
        assert get_channel(session, "masto").cursor == cursor


def test_the_replay_connector_still_feeds_the_log(runtime: Runtime, tmp_path: Path) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text(
        json.dumps(
            {
                "network": "twitter",
                "external_id": "1",
                "author_id": "a",
                "text": "late again",
                "created_at": "2026-01-05T08:00:00Z",
            }
        )
        + "\nnot json\n"
    )
    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="replay",
            name="demo",
            options={"path": str(export), "format": "jsonl"},
            secret_key=SECRET,
            now=runtime.clock.now(),
            rules=ListeningRules(keywords=("late",)),
        )
    (outcome,) = Listener(runtime).run_once()
    assert (outcome.health, outcome.taken, outcome.set_aside) == ("ok", 1, 1)
    (again,) = Listener(runtime).run_once()
    assert again.taken == 0


def test_a_slow_channel_does_not_hold_up_the_others(runtime: Runtime) -> None:
    for name in ("slow", "fast"):
        with runtime.sessions.begin() as session:
            add_channel(
                session,
                kind="mastodon",
                name=name,
                now=runtime.clock.now(),
                secret_key=SECRET,
                options={"instance": f"http://{name}.example", "token": "t"},
            )
    network = mastodon_network()
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(10)  # held until the fast channel has been reported
        return network(request)

    def factory(config: ChannelConfig) -> Connector:
        transport = httpx.MockTransport(slow if config.name == "slow" else network)
        return connector_class(config.kind)(config, transport=transport, clock=runtime.clock)

    order: list[str] = []

    def on_round(outcomes: list[ChannelOutcome]) -> None:
        order.extend(o.name for o in outcomes)
        if "fast" in order:
            release.set()

    Listener(runtime, factory=factory, interval_s=3600).run(lambda: len(order) >= 2, on_round)
    assert order == ["fast", "slow"]


def test_a_surprise_in_one_connector_is_reported_without_credentials(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    add_mastodon(runtime)

    def broken(config: ChannelConfig) -> Connector:
        options = dict(config.options)  # a frame local holding the decrypted token
        raise RuntimeError(f"connector exploded for {config.name} ({len(options)} options)")

    (outcome,) = Listener(runtime, factory=broken).run_once()
    assert outcome.health == "error"
    assert "RuntimeError" in (outcome.detail or "")
    captured = capsys.readouterr()
    assert "listen.read_failed" in captured.out + captured.err
    assert "tok-SECRET" not in captured.out + captured.err


def test_a_read_that_spends_the_budget_waits_for_the_reset(runtime: Runtime) -> None:
    add_mastodon(runtime)
    network = FakeNetwork()
    spent = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-01-05T09:15:00Z"}
    network.route("GET", "/api/v1/notifications", [], headers=spent)
    (outcome,) = listener(runtime, network).run_once()
    assert outcome.health == "ok"
    assert outcome.wait_s == pytest.approx(900)  # not the 60 s interval: the next call would be a 429
    roomy = FakeNetwork()
    roomy.route("GET", "/api/v1/notifications", [], headers={"X-RateLimit-Remaining": "250"})
    (outcome,) = listener(runtime, roomy).run_once()
    assert outcome.wait_s == 60


def test_renewed_credentials_are_stored_encrypted_and_a_refused_renewal_says_reconnect_needed(
    runtime: Runtime,
) -> None:
    """A Bluesky session the SDK created is stored (encrypted) so the next read logs in no more; when the
    network then refuses both the session and the app password, the channel says "reconnect needed"."""
    from tests.contract.connector_cases import BlueskyCase

    with runtime.sessions.begin() as session:
        add_channel(
            session,
            kind="bluesky",
            name="bsky",
            options={"identifier": "heard.bsky.social", "app_password": "pw-SECRET", "mode": "search"},
            secret_key=SECRET,
            now=runtime.clock.now(),
        )
    network = FakeNetwork()
    network.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    network.route("GET", "/xrpc/app.bsky.notification.listNotifications", {"notifications": []})
    loop = listener(runtime, network)
    assert [o.health for o in loop.run_once()] == ["ok"]
    with runtime.sessions() as session:
        stored = get_channel(session, "bsky").config["options"]["session"]
    assert stored.startswith("enc:v1:")
    assert BlueskyCase.session["refreshJwt"] not in stored
    runtime.clock.advance(61)  # type: ignore[attr-defined]
    network.requests.clear()
    assert [o.health for o in loop.run_once()] == ["ok"]
    assert [r.url.path for r in network.requests] == ["/xrpc/app.bsky.notification.listNotifications"]

    refused = FakeNetwork()
    refused.always(400, body={"error": "ExpiredToken", "message": "Token has been revoked"})
    refused.handlers.insert(
        0,
        lambda r: (
            httpx.Response(401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            if r.url.path.endswith("createSession")
            else None
        ),
    )
    runtime.clock.advance(61)  # type: ignore[attr-defined]
    (outcome,) = listener(runtime, refused).run_once()
    assert outcome.health == "reconnect_needed"
    assert outcome.wait_s == 900
    with runtime.sessions() as session:
        assert get_channel(session, "bsky").health == "reconnect_needed"


def test_a_jetstream_channel_is_read_again_at_once_and_resumes_from_its_cursor(runtime: Runtime) -> None:
    """Listening that never sleeps: a streaming channel's next window starts as soon as one ends, from the
    stored cursor, while a polled channel waits for the interval."""
    import json as _json

    from tests.conftest import shared_path
    from tests.fakes import jetstream

    path = shared_path("fixtures", "more", "bluesky", "jetstream-real", "expected_v1.jsonl")
    events = [_json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    fake = jetstream.FakeJetstream(events)
    with jetstream.running(fake) as url:
        with runtime.sessions.begin() as session:
            add_channel(
                session,
                kind="bluesky",
                name="firehose",
                options={"identifier": "acme.bsky.social", "app_password": "pw", "jetstream": url, "window_s": 0.5},
                secret_key=SECRET,
                now=runtime.clock.now(),
                rules=ListeningRules(keywords=("ネトフリ",)),
            )
        loop = Listener(runtime, interval_s=60)
        (first,) = loop.run_once()
        assert first.health == "ok"
        assert first.continuous
        assert first.wait_s == 0
        assert loop.next_due_in() == 0
        (second,) = loop.run_once()  # due again at once, no clock advance
    assert second.taken == 0  # the second window went on where the first ended: nothing read twice
    assert len(fake.connections) == 1  # on the same connection
