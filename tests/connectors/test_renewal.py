"""Credentials that renew: each network's short-lived access token is renewed before its stored expiry and once
on the network's expired-token answer, the renewed credentials are handed back to be stored, and a refused
renewal puts the channel in "reconnect needed" instead of retrying forever. Token answers are the shapes each
network documents (X: docs.x.com "OAuth 2.0 Authorization Code Flow with PKCE"; Google: "Using OAuth 2.0 for Web
Server Applications"; Reddit: reddit-archive/reddit wiki "OAuth2"; Bluesky: com.atproto.server.refreshSession)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

import httpx
import pytest

from heard.clock import FrozenClock
from heard.connectors.base import ChannelConfig, ListeningRules, OutgoingReply
from heard.connectors.failures import ReconnectNeeded
from heard.connectors.x.connector import XConnector
from tests.fakes.recordings import FakeNetwork

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CLOCK = FrozenClock(NOW)
REPLY = OutgoingReply("reply-1", "Sorry about that, we're on it.", "1293593516040269825")

# ------------------------------------------------------------------------------------------------------ X
X_TOKEN = {
    "token_type": "bearer",
    "expires_in": 7200,
    "access_token": "x-user-RENEWED",
    "scope": "tweet.write users.read tweet.read dm.read dm.write offline.access",
    "refresh_token": "x-refresh-ROTATED",
}
X_CREATED = {"data": {"id": "1456012973835788293", "text": "Sorry about that, we're on it."}}


def x_channel(**options: object) -> ChannelConfig:
    base = {
        "bearer_token": "x-bearer",
        "user_token": "x-user-OLD",
        "refresh_token": "x-refresh-OLD",
        "client_id": "x-client",
        "user_token_expires_at": NOW.timestamp() + 3600,
    }
    return ChannelConfig(
        "x", "x", handle="heardbrand", rules=ListeningRules(keywords=("acme",)), options={**base, **options}
    )


def x_network(token_status: int = 200) -> FakeNetwork:
    network = FakeNetwork()
    token = (
        X_TOKEN
        if token_status == 200
        else {"error": "invalid_request", "error_description": "Value passed for the token was invalid."}
    )
    network.route("POST", "/2/oauth2/token", token, status=token_status)
    network.route(
        "POST", "/2/tweets", X_CREATED, status=201, when=lambda r: r.headers["Authorization"] == "Bearer x-user-RENEWED"
    )
    network.route("POST", "/2/tweets", {"title": "Unauthorized", "status": 401}, status=401)
    return network


def test_x_user_token_renews_before_its_expiry() -> None:
    network = x_network()
    connector = XConnector(
        x_channel(user_token_expires_at=NOW.timestamp() + 60), transport=network.transport, clock=CLOCK
    )
    assert connector.publish(REPLY).state == "sent"
    token_call, tweet = network.requests
    assert token_call.url.path == "/2/oauth2/token"
    form = parse_qs(token_call.content.decode())
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["x-refresh-OLD"]
    assert tweet.headers["Authorization"] == "Bearer x-user-RENEWED"
    assert connector.renewed["refresh_token"] == "x-refresh-ROTATED"  # X rotates it: the old one is spent
    assert connector.renewed["user_token_expires_at"] == NOW.timestamp() + 7200


def test_x_user_token_renews_on_401_mid_run() -> None:
    network = x_network()
    connector = XConnector(x_channel(), transport=network.transport, clock=CLOCK)
    assert connector.publish(REPLY).state == "sent"
    assert [r.url.path for r in network.requests] == ["/2/tweets", "/2/oauth2/token", "/2/tweets"]


def test_x_refused_renewal_means_reconnect_needed() -> None:
    network = x_network(token_status=400)
    connector = XConnector(
        x_channel(user_token_expires_at=NOW.timestamp() - 1), transport=network.transport, clock=CLOCK
    )
    with pytest.raises(ReconnectNeeded) as caught:
        connector.publish(REPLY)
    assert caught.value.health == "reconnect_needed"
    assert "x-refresh-OLD" not in str(caught.value)
    assert [r.url.path for r in network.requests] == ["/2/oauth2/token"]


# ------------------------------------------------------------------------------------------------- Reddit
def reddit_token(access: str) -> dict[str, object]:
    return {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": 3600,
        "scope": "identity privatemessages read submit",
    }


def reddit_channel() -> ChannelConfig:
    options = {"client_id": "r-client", "client_secret": "r-secret", "refresh_token": "r-refresh", "mentions": True}
    return ChannelConfig("r", "reddit", handle="heardbrand", options=options)


def reddit_network(tokens: list[tuple[int, dict[str, object]]]) -> FakeNetwork:
    network = FakeNetwork()
    answers = iter(tokens)

    def token(request: httpx.Request) -> httpx.Response | None:
        if not request.url.path.endswith("/api/v1/access_token"):
            return None
        status, body = next(answers)
        return httpx.Response(status, json=body)

    network.handlers.append(token)
    network.route(
        "GET",
        "/message/mentions",
        {"kind": "Listing", "data": {"after": None, "children": []}},
        when=lambda r: r.headers["Authorization"] == "bearer r-access-2",
    )
    network.route("GET", "/message/mentions", {"message": "Unauthorized", "error": 401}, status=401)
    return network


def test_reddit_token_renews_from_the_refresh_token_and_on_401_mid_run() -> None:
    from heard.connectors.reddit.connector import RedditConnector

    network = reddit_network([(200, reddit_token("r-access-1")), (200, reddit_token("r-access-2"))])
    connector = RedditConnector(reddit_channel(), transport=network.transport, clock=CLOCK)
    connector.read(None)  # r-access-1 has lapsed on Reddit's side: 401, renew, read again
    paths = [r.url.path for r in network.requests]
    assert paths == ["/api/v1/access_token", "/message/mentions", "/api/v1/access_token", "/message/mentions"]
    forms = [parse_qs(r.content.decode()) for r in network.requests if r.method == "POST"]
    assert all(f["grant_type"] == ["refresh_token"] for f in forms)
    assert all(f["refresh_token"] == ["r-refresh"] for f in forms)


def test_reddit_refused_renewal_means_reconnect_needed() -> None:
    from heard.connectors.reddit.connector import RedditConnector

    network = reddit_network([(400, {"error": "invalid_grant"})])
    connector = RedditConnector(reddit_channel(), transport=network.transport, clock=CLOCK)
    with pytest.raises(ReconnectNeeded):
        connector.read(None)


# ------------------------------------------------------------------------------------------------ Bluesky
def bsky_session(access_exp: datetime, tag: str) -> dict[str, str]:
    from tests.contract.connector_cases import BSKY_DID, fake_jwt

    return {
        "accessJwt": fake_jwt(BSKY_DID, access_exp),
        "refreshJwt": fake_jwt(BSKY_DID, datetime(2026, 3, 1, tzinfo=UTC), f"com.atproto.refresh.{tag}"),
        "handle": "heard.bsky.social",
        "did": BSKY_DID,
    }


def bsky_connector(network: FakeNetwork, session: str | None = None) -> object:
    from heard.connectors.bluesky.connector import BlueskyConnector

    options: dict[str, object] = {"identifier": "heard.bsky.social", "app_password": "app-pw", "mode": "search"}
    if session:
        options["session"] = session
    return BlueskyConnector(ChannelConfig("b", "bluesky", options=options), transport=network.transport, clock=CLOCK)


def bsky_network(first: dict[str, str], renewed: dict[str, str], refresh_status: int = 200) -> FakeNetwork:
    network = FakeNetwork()
    network.route("POST", "/xrpc/com.atproto.server.createSession", first)
    refused = {"error": "ExpiredToken", "message": "Token has been revoked"}
    network.route(
        "POST",
        "/xrpc/com.atproto.server.refreshSession",
        renewed if refresh_status == 200 else refused,
        status=refresh_status,
    )
    network.route(
        "GET",
        "/xrpc/app.bsky.notification.listNotifications",
        {"notifications": []},
        when=lambda r: r.headers["Authorization"] == f"Bearer {renewed['accessJwt']}",
    )
    network.route(
        "GET",
        "/xrpc/app.bsky.notification.listNotifications",
        {"error": "ExpiredToken", "message": "Token has expired"},
        status=400,
    )
    return network


def test_bluesky_session_renews_before_the_access_jwt_lapses_without_a_new_login() -> None:
    from heard.connectors.bluesky.connector import BlueskyConnector

    first = bsky_session(datetime(2026, 1, 5, 9, 10, tzinfo=UTC), "1")  # lapses in 10 minutes
    renewed = bsky_session(datetime(2026, 1, 5, 11, 0, tzinfo=UTC), "2")
    network = bsky_network(first, renewed)
    connector = bsky_connector(network)
    assert isinstance(connector, BlueskyConnector)
    connector.read(None)
    paths = [r.url.path.rsplit("/", 1)[-1] for r in network.requests]
    assert paths == [
        "com.atproto.server.createSession",
        "com.atproto.server.refreshSession",
        "app.bsky.notification.listNotifications",
    ]
    assert network.requests[1].headers["Authorization"] == f"Bearer {first['refreshJwt']}"
    stored = connector.renewed["session"]
    # the next read (a new connector, the stored session) logs in no more: ~1,440 createSession a day is over
    network.requests.clear()
    again = bsky_connector(network, session=stored)
    assert isinstance(again, BlueskyConnector)
    again.read(None)
    assert [r.url.path.rsplit("/", 1)[-1] for r in network.requests] == ["app.bsky.notification.listNotifications"]


def test_bluesky_expired_token_mid_run_renews_once_and_reads() -> None:
    from heard.connectors.bluesky.connector import BlueskyConnector

    first = bsky_session(datetime(2026, 1, 5, 10, 30, tzinfo=UTC), "1")  # the server revoked it early
    renewed = bsky_session(datetime(2026, 1, 5, 11, 0, tzinfo=UTC), "2")
    network = bsky_network(first, renewed)
    connector = bsky_connector(network)
    assert isinstance(connector, BlueskyConnector)
    connector.read(None)
    paths = [r.url.path.rsplit("/", 1)[-1] for r in network.requests]
    assert paths == [
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
        "com.atproto.server.refreshSession",
        "app.bsky.notification.listNotifications",
    ]


def test_bluesky_refused_refresh_logs_in_again_and_a_refused_login_means_reconnect_needed() -> None:
    from heard.connectors.bluesky.connector import BlueskyConnector

    first = bsky_session(datetime(2026, 1, 5, 10, 30, tzinfo=UTC), "1")
    renewed = bsky_session(datetime(2026, 1, 5, 11, 0, tzinfo=UTC), "2")
    network = bsky_network(renewed, renewed, refresh_status=400)

    from atproto import Client  # a session string as the SDK exports it

    client = Client()
    client._set_session_common(
        __import__("atproto_client").models.ComAtprotoServerCreateSession.Response(
            access_jwt=first["accessJwt"], refresh_jwt=first["refreshJwt"], handle=first["handle"], did=first["did"]
        ),
        "https://bsky.social",
    )
    connector = bsky_connector(network, session=client.export_session_string())
    assert isinstance(connector, BlueskyConnector)
    connector.read(None)
    paths = [r.url.path.rsplit("/", 1)[-1] for r in network.requests]
    assert paths[-3:] == [
        "com.atproto.server.refreshSession",
        "com.atproto.server.createSession",
        "app.bsky.notification.listNotifications",
    ]

    refused = FakeNetwork()
    refused.route(
        "POST",
        "/xrpc/com.atproto.server.createSession",
        {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
        status=401,
    )
    with pytest.raises(ReconnectNeeded):
        bsky_connector(refused).read(None)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------------ YouTube
GOOGLE_TOKEN = {
    "access_token": "yt-access-RENEWED",
    "expires_in": 3920,
    "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
    "token_type": "Bearer",
}
GOOGLE_REFUSED = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
THREADS = {"kind": "youtube#commentThreadListResponse", "items": []}


def youtube_channel(**options: object) -> ChannelConfig:
    base = {
        "channel_id": "UCbrand",
        "access_token": "yt-access-OLD",
        "refresh_token": "yt-refresh",
        "client_id": "yt-client.apps.googleusercontent.com",
        "client_secret": "yt-secret",
        "token_expires_at": NOW.timestamp() + 1800,
    }
    return ChannelConfig("y", "youtube", options={**base, **options})


def youtube_network(token_status: int = 200) -> FakeNetwork:
    network = FakeNetwork()
    network.route("POST", "/token", GOOGLE_TOKEN if token_status == 200 else GOOGLE_REFUSED, status=token_status)
    network.route(
        "GET",
        "/youtube/v3/commentThreads",
        THREADS,
        when=lambda r: r.headers.get("authorization") == "Bearer yt-access-RENEWED",
    )
    unauthorized = {"error": {"code": 401, "message": "Request had invalid authentication credentials."}}
    network.route("GET", "/youtube/v3/commentThreads", unauthorized, status=401)
    return network


def test_youtube_token_renews_before_its_expiry_and_reads_use_it() -> None:
    from heard.connectors.youtube.connector import YouTubeConnector

    network = youtube_network()
    channel = youtube_channel(token_expires_at=NOW.timestamp() + 120)
    connector = YouTubeConnector(channel, transport=network.transport, clock=CLOCK)
    connector.read(None)
    assert [r.url.path for r in network.requests] == ["/token", "/youtube/v3/commentThreads"]
    form = parse_qs(network.requests[0].content.decode())
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["yt-refresh"]
    assert connector.renewed["access_token"] == "yt-access-RENEWED"
    assert connector.renewed["token_expires_at"] == pytest.approx(datetime.now(UTC).timestamp() + 3920, abs=60)


def test_youtube_token_renews_on_401_mid_run() -> None:
    from heard.connectors.youtube.connector import YouTubeConnector

    network = youtube_network()
    connector = YouTubeConnector(youtube_channel(), transport=network.transport, clock=CLOCK)
    connector.read(None)
    paths = [r.url.path for r in network.requests]
    assert paths == ["/youtube/v3/commentThreads", "/token", "/youtube/v3/commentThreads"]
    assert connector.renewed["access_token"] == "yt-access-RENEWED"


def test_youtube_refused_renewal_means_reconnect_needed() -> None:
    from heard.connectors.youtube.connector import YouTubeConnector

    network = youtube_network(token_status=400)
    connector = YouTubeConnector(youtube_channel(), transport=network.transport, clock=CLOCK)
    with pytest.raises(ReconnectNeeded) as caught:
        connector.read(None)
    assert "yt-refresh" not in str(caught.value)


# ----------------------------------------------------------------------------------------------- LinkedIn
def test_linkedin_token_renews_from_its_refresh_token_before_the_60_days_end() -> None:
    """LinkedIn's programmatic refresh (learn.microsoft.com, "Refresh Tokens with OAuth 2.0")."""
    from heard.connectors.linkedin.connector import LinkedInConnector

    network = FakeNetwork()
    token = {
        "access_token": "li-NEW",
        "expires_in": 5184000,
        "refresh_token": "li-refresh",
        "refresh_token_expires_in": 525600,
    }
    network.route("POST", "/oauth/v2/accessToken", token)
    network.route("GET", "/organizationalEntityNotifications", {"elements": [], "paging": {"total": 0}})
    options = {
        "organization": "urn:li:organization:5",
        "access_token": "li-OLD",
        "refresh_token": "li-refresh",
        "client_id": "li-client",
        "client_secret": "li-secret",
        "token_expires_at": NOW.timestamp() + 60,
    }
    connector = LinkedInConnector(
        ChannelConfig("li", "linkedin", options=options), transport=network.transport, clock=CLOCK
    )
    connector.read(None)
    assert [r.url.path for r in network.requests][:2] == [
        "/oauth/v2/accessToken",
        "/rest/organizationalEntityNotifications",
    ]
    assert network.requests[1].headers["Authorization"] == "Bearer li-NEW"
    assert connector.renewed["access_token"] == "li-NEW"
    lapsed = {**options, "refresh_token": ""}
    with pytest.raises(ReconnectNeeded):
        LinkedInConnector(
            ChannelConfig("li", "linkedin", options=lapsed), transport=network.transport, clock=CLOCK
        ).read(None)


def test_mastodon_counts_the_mention_it_prepends_before_sending() -> None:
    """A 495-character reply to @customer is 505 as sent: refused before any request (it went out as 540)."""
    from heard.connectors.base import PublishRefused
    from heard.connectors.mastodon.connector import MastodonConnector

    network = FakeNetwork()
    channel = ChannelConfig("m", "mastodon", options={"instance": "https://mastodon.example", "token": "t"})
    reply = OutgoingReply("r", "a" * 495, "1", recipient_handle="customer")
    with pytest.raises(PublishRefused, match="505"):
        MastodonConnector(channel, transport=network.transport, clock=CLOCK).publish(reply)
    assert not network.requests


def test_x_adopts_a_token_another_process_renewed_instead_of_spending_the_rotated_refresh_token() -> None:
    """The publisher's long-lived connector and the listen loop both hold the channel: when one has renewed
    (and X rotated the refresh token), the other takes the stored token rather than renewing with a spent one."""
    network = x_network()
    connector = XConnector(
        x_channel(user_token_expires_at=NOW.timestamp() - 10), transport=network.transport, clock=CLOCK
    )
    connector.stored_credentials = lambda: {
        "user_token": "x-user-RENEWED",
        "refresh_token": "x-refresh-ROTATED",
        "user_token_expires_at": NOW.timestamp() + 7000,
    }
    assert connector.publish(REPLY).state == "sent"
    assert [r.url.path for r in network.requests] == ["/2/tweets"]  # no renewal: the stored token was used
    assert connector.renewed["refresh_token"] == "x-refresh-ROTATED"
