"""The contract every network connector passes, fed through an injected httpx transport with payloads that
real servers sent (or, for networks without recordings, the examples in their official documentation).

Each case in `connector_cases.CASES` says how to serve its network's recordings; the tests below are the same
for every network: read, parse every recorded payload, resume from a cursor without duplicates, publish the exact
request the network expects (once), refuse what the network does not allow, and back off on 429 and 5xx.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from heard.clock import FrozenClock
from heard.connectors.base import Connector, OutgoingReply, PublishRefused
from heard.connectors.failures import AuthFailed, RateLimited, Unavailable
from heard.connectors.registry import connector_class, known_kinds
from heard.pipeline.normalize import normalize_one
from heard.posts import RawPost
from tests.contract.connector_cases import CASES, Case
from tests.fakes.recordings import FakeNetwork

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
IDS = [case.kind for case in CASES]


def build(case: Case, network: FakeNetwork) -> Connector:
    return connector_class(case.kind)(case.channel(), transport=network.transport, clock=FrozenClock(NOW))


@pytest.fixture(params=CASES, ids=IDS)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def test_every_network_registers_itself() -> None:
    assert {case.kind for case in CASES} <= set(known_kinds())
    assert {"x", "facebook", "linkedin", "youtube", "mastodon", "bluesky", "reddit", "replay"} <= set(known_kinds())


def test_read_turns_recorded_payloads_into_posts(case: Case) -> None:
    network = FakeNetwork()
    case.serve_read(network)
    result = build(case, network).read(case.start_cursor)
    assert len(result.posts) >= case.min_posts, [r.reason for r in result.rejected]
    assert not result.rejected, [r.reason for r in result.rejected]
    assert result.cursor
    for post in result.posts:
        assert post.network == case.kind
        assert post.channel == case.channel().name
        assert RawPost.from_json(post.to_json()) == post
        assert normalize_one(post).text or post.text == ""
    assert any(p.is_brand for p in result.posts) == case.has_brand_post


def test_every_recorded_payload_parses_without_error(case: Case) -> None:
    """Every post-bearing payload the network's servers sent becomes a RawPost: none rejected, none raising."""
    seen = 0
    for name, rows in case.payloads():
        for row in rows:
            assert isinstance(row, RawPost), f"{name}: {getattr(row, 'reason', row)}"
            if isinstance(row, RawPost):
                seen += 1
                assert row.external_id, name
                assert row.author_id, name
    assert seen >= case.min_parsed


def test_resume_from_cursor_reads_nothing_twice(case: Case) -> None:
    network = FakeNetwork()
    case.serve_read(network)
    connector = build(case, network)
    first = connector.read(case.start_cursor)
    again = build(case, network).read(first.cursor)  # a restart: a new connector, the stored cursor
    assert {p.key for p in again.posts}.isdisjoint({p.key for p in first.posts})
    assert case.resumed(network.requests[-1]), str(network.requests[-1].url)


def test_publish_sends_the_exact_request(case: Case) -> None:
    network = FakeNetwork()
    case.serve_publish(network)
    connector = build(case, network)
    delivery = connector.publish(case.reply)
    assert delivery.state == "sent", delivery.error
    assert delivery.external_id == case.published_id
    case.check_publish(network.requests)
    sent = len(network.requests)
    assert connector.publish(case.reply) == delivery
    assert len(network.requests) == sent, "a reply already published must not be sent twice"


def test_private_reply_is_sent_or_refused_with_a_reason(case: Case) -> None:
    network = FakeNetwork()
    case.serve_publish(network)
    private = OutgoingReply(
        "private-1",
        "Sent you the details.",
        case.reply.in_reply_to,
        recipient_id="did:plc:customer" if case.kind == "bluesky" else "42",
        recipient_handle="someone",
        private=True,
    )
    connector = build(case, network)
    if "private" in connector.capabilities:
        assert connector.publish(private).state == "sent"
    else:
        with pytest.raises(PublishRefused, match="private"):
            connector.publish(private)
        assert not network.requests


def test_too_long_and_notes_never_reach_the_network(case: Case) -> None:
    network = FakeNetwork()
    connector = build(case, network)
    with pytest.raises(PublishRefused, match="characters"):
        connector.publish(OutgoingReply("long", "x" * (connector.max_chars + 1), case.reply.in_reply_to))
    with pytest.raises(PublishRefused, match="note"):
        connector.publish(OutgoingReply("note", "internal", case.reply.in_reply_to, kind="note"))
    assert not network.requests


def test_rate_limit_is_read_from_the_networks_reset_headers(case: Case) -> None:
    network = FakeNetwork()
    network.always(429, case.limit_headers(NOW))
    connector = build(case, network)
    with pytest.raises(RateLimited) as caught:
        connector.read(case.start_cursor)
    assert caught.value.retry_after_s == pytest.approx(case.limit_wait_s, abs=1)
    delivery = connector.publish(case.reply)
    assert delivery.state == "failed"
    assert delivery.retry_after_s == pytest.approx(case.limit_wait_s, abs=1)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_outage_is_transient(case: Case, status: int) -> None:
    network = FakeNetwork()
    network.always(status)
    connector = build(case, network)
    with pytest.raises(Unavailable):
        connector.read(case.start_cursor)
    delivery = connector.publish(case.reply)
    assert delivery.state == "failed"
    assert delivery.retry_after_s
    assert delivery.retry_after_s > 0


def test_credentials_never_appear_in_errors(case: Case) -> None:
    network = FakeNetwork()
    network.always(401)
    connector = build(case, network)
    with pytest.raises(AuthFailed) as caught:
        connector.read(case.start_cursor)
    secrets = [str(v) for k, v in case.options.items() if k in connector.secret_options]
    assert secrets
    assert not any(s in str(caught.value) for s in secrets)
    assert not any(s in repr(case.channel()) for s in secrets)
