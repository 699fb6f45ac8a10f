"""Connecting accounts from the web page: the authorization-code flows (PKCE where the network uses it) on the
networks' documented answers, a Mastodon app registration, a Bluesky app password, and a reconnect."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient

from heard.app import Runtime
from heard.channels.actions import add_channel, channel_config, get_channel, record_health
from tests.fakes.recordings import FakeNetwork
from tests.web.conftest import csrf_of, log_in


@pytest.fixture
def admin(anonymous: TestClient, runtime: Runtime) -> TestClient:
    return log_in(anonymous, runtime, "admin@example.com", "admin")


def start(admin: TestClient, network: str, network_fake: FakeNetwork, **form: str) -> httpx.Response:
    admin.app.state.connect_transport = network_fake.transport  # type: ignore[attr-defined]
    token = csrf_of(admin.get("/channels/connect").text)
    return admin.post(f"/channels/connect/{network}", data={"csrf_token": token, **form})


def callback(admin: TestClient, network: str, location: str, code: str = "the-code") -> httpx.Response:
    state = parse_qs(urlparse(location).query)["state"][0]
    return admin.get(f"/channels/connect/{network}/callback", params={"code": code, "state": state})


def options_of(runtime: Runtime, name: str) -> dict[str, object]:
    with runtime.sessions() as session:
        channel = get_channel(session, name)
        stored = json.dumps(channel.config)
        return {"_stored": stored, **channel_config(channel, runtime.settings.secret_key).options}


X_TOKEN = {
    "token_type": "bearer",
    "expires_in": 7200,
    "access_token": "x-access-NEW",
    "scope": "tweet.write users.read tweet.read dm.read dm.write offline.access",
    "refresh_token": "x-refresh-NEW",
}


def test_x_connects_with_pkce_and_stores_the_tokens_encrypted(
    admin: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_X_CLIENT_ID", "x-client")
    network = FakeNetwork()
    network.route("POST", "/2/oauth2/token", X_TOKEN)
    went = start(admin, "x", network, name="x-brand")
    assert went.status_code == 303
    url = urlparse(went.headers["location"])
    params = parse_qs(url.query)
    assert f"{url.netloc}{url.path}" == "x.com/i/oauth2/authorize"
    assert params["code_challenge_method"] == ["S256"]
    assert "dm.read" in params["scope"][0].split()
    assert "offline.access" in params["scope"][0].split()
    back = callback(admin, "x", went.headers["location"])
    assert back.status_code == 303
    assert back.headers["location"] == "/channels"
    form = parse_qs(network.requests[0].content.decode())
    assert form["grant_type"] == ["authorization_code"]
    verifier = form["code_verifier"][0]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    assert params["code_challenge"] == [challenge]
    options = options_of(runtime, "x-brand")
    assert options["user_token"] == "x-access-NEW"
    assert options["refresh_token"] == "x-refresh-NEW"
    assert "x-refresh-NEW" not in str(options["_stored"])  # encrypted at rest


def test_an_answer_with_another_state_is_refused(
    admin: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_X_CLIENT_ID", "x-client")
    network = FakeNetwork()
    network.route("POST", "/2/oauth2/token", X_TOKEN)
    start(admin, "x", network, name="x-brand")
    back = admin.get("/channels/connect/x/callback", params={"code": "c", "state": "forged"})
    assert back.status_code == 303
    assert back.headers["location"].startswith("/channels/connect?error=")
    assert not network.requests
    with runtime.sessions() as session, pytest.raises(Exception, match="no channel"):
        get_channel(session, "x-brand")


def test_a_channel_that_needs_reconnecting_gets_its_new_credentials(
    admin: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_YOUTUBE_CLIENT_ID", "yt.apps.googleusercontent.com")
    monkeypatch.setenv("HEARD_YOUTUBE_CLIENT_SECRET", "yt-secret")
    with runtime.sessions.begin() as session:
        channel = add_channel(
            session,
            kind="youtube",
            name="yt",
            options={"channel_id": "UCbrand", "access_token": "old", "refresh_token": "revoked"},
            secret_key=runtime.settings.secret_key,
            now=runtime.clock.now(),
        )
        record_health(session, channel.id, "reconnect_needed", "Google refused to renew the YouTube token")
    assert "Reconnect" in admin.get("/channels").text
    network = FakeNetwork()
    token = {"access_token": "yt-NEW", "expires_in": 3599, "refresh_token": "yt-refresh-NEW", "token_type": "Bearer"}
    network.route("POST", "/token", token)
    network.route("GET", "/youtube/v3/channels", {"items": [{"kind": "youtube#channel", "id": "UCbrand"}]})
    went = start(admin, "youtube", network, name="yt")
    params = parse_qs(urlparse(went.headers["location"]).query)
    assert params["access_type"] == ["offline"]
    assert params["code_challenge_method"] == ["S256"]
    assert callback(admin, "youtube", went.headers["location"]).headers["location"] == "/channels"
    options = options_of(runtime, "yt")
    assert (options["access_token"], options["refresh_token"], options["channel_id"]) == (
        "yt-NEW",
        "yt-refresh-NEW",
        "UCbrand",
    )
    with runtime.sessions() as session:
        assert get_channel(session, "yt").health == "unknown"


def test_reddit_connects_through_praw_for_a_permanent_refresh_token(
    admin: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_REDDIT_CLIENT_ID", "r-client")
    monkeypatch.setenv("HEARD_REDDIT_CLIENT_SECRET", "r-secret")
    network = FakeNetwork()
    token = {
        "access_token": "r-access",
        "token_type": "bearer",
        "expires_in": 86400,
        "scope": "identity read submit privatemessages history",
        "refresh_token": "r-refresh",
    }
    network.route("POST", "/api/v1/access_token", token)
    went = start(admin, "reddit", network, name="reddit")
    params = parse_qs(urlparse(went.headers["location"]).query)
    assert params["duration"] == ["permanent"]
    assert callback(admin, "reddit", went.headers["location"]).status_code == 303
    form = parse_qs(network.requests[0].content.decode())
    assert form["grant_type"] == ["authorization_code"]
    assert options_of(runtime, "reddit")["refresh_token"] == "r-refresh"


def test_mastodon_registers_an_app_on_the_instance_then_signs_in(admin: TestClient, runtime: Runtime) -> None:
    network = FakeNetwork()
    app = {"id": "1", "name": "Heard", "client_id": "m-client", "client_secret": "m-secret", "redirect_uri": "x"}
    network.route("POST", "/api/v1/apps", app)
    # Mastodon.py asks the instance its version before the OAuth steps (shape: /api/v2/instance docs)
    v2 = {"domain": "mastodon.example", "version": "4.3.0", "api_versions": {"mastodon": 2}}
    network.route("GET", "/api/v2/instance/", v2)
    network.route("GET", "/api/v1/instance/", {"uri": "mastodon.example", "version": "4.3.0", "title": "Example"})
    network.route(
        "POST",
        "/oauth/token",
        {"access_token": "m-token", "token_type": "Bearer", "scope": "read write", "created_at": 1573979017},
    )
    went = start(admin, "mastodon", network, name="masto", instance="https://mastodon.example")
    location = urlparse(went.headers["location"])
    assert f"{location.netloc}{location.path}" == "mastodon.example/oauth/authorize"
    assert callback(admin, "mastodon", went.headers["location"]).status_code == 303
    options = options_of(runtime, "masto")
    assert (options["instance"], options["token"]) == ("https://mastodon.example", "m-token")


def test_bluesky_connects_with_an_app_password_and_keeps_the_session(admin: TestClient, runtime: Runtime) -> None:
    from tests.contract.connector_cases import BlueskyCase

    network = FakeNetwork()
    network.route("POST", "/xrpc/com.atproto.server.createSession", BlueskyCase.session)
    went = start(admin, "bluesky", network, name="bsky", identifier="@heard.bsky.social", app_password="pw-1234")
    assert went.headers["location"] == "/channels"
    options = options_of(runtime, "bsky")
    assert options["identifier"] == "heard.bsky.social"
    assert options["brand_dids"] == BlueskyCase.session["did"]
    assert options["session"]


def test_linkedin_and_facebook_pages_connect_with_the_authorization_code(
    admin: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for network in ("LINKEDIN", "FACEBOOK"):
        monkeypatch.setenv(f"HEARD_{network}_CLIENT_ID", f"{network.lower()}-client")
        monkeypatch.setenv(f"HEARD_{network}_CLIENT_SECRET", f"{network.lower()}-secret")
    linkedin = FakeNetwork()
    linkedin.route(
        "POST",
        "/oauth/v2/accessToken",
        {
            "access_token": "li-token",
            "expires_in": 5184000,
            "refresh_token": "li-refresh",
            "scope": "r_organization_social",
        },
    )
    went = start(admin, "linkedin", linkedin, name="li", account="urn:li:organization:5")
    assert urlparse(went.headers["location"]).netloc == "www.linkedin.com"
    assert callback(admin, "linkedin", went.headers["location"]).headers["location"] == "/channels"
    options = options_of(runtime, "li")
    assert (options["access_token"], options["organization"]) == ("li-token", "urn:li:organization:5")
    assert float(str(options["token_expires_at"])) == runtime.clock.now().timestamp() + 5184000

    facebook = FakeNetwork()
    facebook.route("POST", "/oauth/access_token", {"access_token": "user-token", "token_type": "bearer"})
    pages = {"data": [{"access_token": "page-token", "category": "Brand", "name": "Acme", "id": "4", "tasks": []}]}
    facebook.route("GET", "/me/accounts", pages)
    went = start(admin, "facebook", facebook, name="fb", account="")
    assert "pages_messaging" in parse_qs(urlparse(went.headers["location"]).query)["scope"][0]
    assert callback(admin, "facebook", went.headers["location"]).headers["location"] == "/channels"
    options = options_of(runtime, "fb")
    assert (options["page_id"], options["page_token"]) == ("4", "page-token")
