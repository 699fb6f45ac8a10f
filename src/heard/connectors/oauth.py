"""Connecting an account as social-care tools do: the authorization-code flow (with PKCE where the network uses
it) for X, YouTube/Google, Reddit, LinkedIn and Facebook Pages, app registration then OAuth for a Mastodon
instance, an app password for Bluesky. The web page `/channels/connect` drives it; this module knows each
network's endpoints and turns what the network answers into the channel's options.

OAuth runs through requests-oauthlib's `OAuth2Session` (the library tweepy's `OAuth2UserHandler` is built on),
PRAW's `auth.url`/`auth.authorize` for Reddit and Mastodon.py's `create_app`/`auth_request_url`/`log_in` for
Mastodon, all on Heard's transport (`bridges.requests_session`), so tests replay the networks' documented
answers. The app credentials (client id and secret of the app the operator registered with each network) come
from the environment: HEARD_<NETWORK>_CLIENT_ID and HEARD_<NETWORK>_CLIENT_SECRET.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from heard.clock import Clock
from heard.connectors.bridges import requests_session
from heard.connectors.extras import require
from heard.connectors.failures import AuthFailed, Misconfigured
from heard.connectors.renewal import expires_at
from heard.connectors.versions import GRAPH_DEFAULT


@dataclass(frozen=True, slots=True)
class Provider:
    network: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    pkce: bool = False
    extra: Mapping[str, str] = field(default_factory=dict)


PROVIDERS: dict[str, Provider] = {
    "x": Provider(
        "x",
        "https://x.com/i/oauth2/authorize",
        "https://api.x.com/2/oauth2/token",
        ("tweet.read", "tweet.write", "users.read", "dm.read", "dm.write", "offline.access"),
        pkce=True,
    ),
    "youtube": Provider(
        "youtube",
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        ("https://www.googleapis.com/auth/youtube.force-ssl",),
        pkce=True,
        # a refresh token is given only with offline access, and again only when consent is asked again
        extra={"access_type": "offline", "prompt": "consent", "include_granted_scopes": "true"},
    ),
    "linkedin": Provider(
        "linkedin",
        "https://www.linkedin.com/oauth/v2/authorization",
        "https://www.linkedin.com/oauth/v2/accessToken",
        ("r_organization_social", "w_organization_social", "rw_organization_admin"),
    ),
    "facebook": Provider(
        "facebook",
        f"https://www.facebook.com/{GRAPH_DEFAULT}/dialog/oauth",
        f"https://graph.facebook.com/{GRAPH_DEFAULT}/oauth/access_token",
        ("pages_show_list", "pages_read_engagement", "pages_manage_engagement", "pages_messaging"),
    ),
}
REDDIT_SCOPES = ("identity", "read", "submit", "privatemessages", "history")
MASTODON_SCOPES = ("read", "write")
OAUTH_NETWORKS = frozenset({*PROVIDERS, "reddit", "mastodon"})


def app_credentials(network: str, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The operator's app (client id, secret) for a network, from HEARD_<NETWORK>_CLIENT_ID/_SECRET."""
    env = os.environ if environ is None else environ
    prefix = f"HEARD_{network.upper()}_CLIENT"
    client_id = env.get(f"{prefix}_ID", "")
    if not client_id:
        raise Misconfigured(f"connecting {network} needs the app you registered with it: set {prefix}_ID and _SECRET")
    return client_id, env.get(f"{prefix}_SECRET", "")


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")
    return verifier, challenge


@dataclass
class Started:
    """Where to send the browser, and what the callback needs back (kept in a signed cookie)."""

    url: str
    state: dict[str, str]


def start(
    network: str,
    redirect_uri: str,
    client: tuple[str, str],
    *,
    instance: str = "",
    transport: httpx.BaseTransport | None = None,
) -> Started:
    """Begin connecting `network`: the authorization URL and the flow's state (the CSRF `state`, the PKCE
    verifier, a Mastodon instance's freshly registered app)."""
    state = secrets.token_urlsafe(24)
    flow = {"network": network, "state": state, "redirect_uri": redirect_uri}
    if network in PROVIDERS:
        provider = PROVIDERS[network]
        oauth = _session(provider, client[0], redirect_uri, transport)
        params: dict[str, str] = dict(provider.extra)
        if provider.pkce:
            verifier, challenge = pkce_pair()
            flow["verifier"] = verifier
            params.update(code_challenge=challenge, code_challenge_method="S256")
        url, _ = oauth.authorization_url(provider.authorize_url, state=state, **params)
        return Started(url, flow)
    if network == "reddit":
        reddit = _reddit(client, redirect_uri, transport)
        return Started(reddit.auth.url(scopes=list(REDDIT_SCOPES), state=state, duration="permanent"), flow)
    if network == "mastodon":
        mastodon = require("mastodon", "mastodon")
        base = instance.rstrip("/")
        if not base.startswith(("https://", "http://")):
            raise Misconfigured("a Mastodon instance is an https:// address, such as https://mastodon.social")
        client_id, client_secret = mastodon.Mastodon.create_app(
            "Heard",
            api_base_url=base,
            redirect_uris=redirect_uri,
            scopes=list(MASTODON_SCOPES),
            website="https://github.com/heard-social/heard",
            session=requests_session(transport),
        )
        app = mastodon.Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=base,
            session=requests_session(transport),
            version_check_mode="none",
        )
        url = app.auth_request_url(redirect_uris=redirect_uri, scopes=list(MASTODON_SCOPES), state=state)
        flow.update(instance=base, client_id=client_id, client_secret=client_secret)
        return Started(url, flow)
    raise Misconfigured(f"{network} is not connected through OAuth")


def finish(
    flow: Mapping[str, str],
    code: str,
    client: tuple[str, str],
    clock: Clock,
    *,
    transport: httpx.BaseTransport | None = None,
) -> dict[str, Any]:
    """Trade the authorization code for tokens; the channel options the connector will read."""
    network = flow["network"]
    redirect_uri = flow["redirect_uri"]
    if network in PROVIDERS:
        provider = PROVIDERS[network]
        oauth = _session(provider, client[0], redirect_uri, transport)
        kwargs: dict[str, Any] = {"code": code, "client_secret": client[1] or None, "include_client_id": True}
        if provider.pkce:
            kwargs["code_verifier"] = flow["verifier"]
        try:
            token = oauth.fetch_token(provider.token_url, **kwargs)
        except Warning as changed:
            # oauthlib warns (raises) when the network granted other scopes than asked (a person may untick
            # some); the token is still good and rides on the warning
            token = getattr(changed, "token", None)
            if not token:
                raise AuthFailed(f"{network} granted no token") from None
        except Exception as exc:  # oauthlib's OAuth2Error and its kin: the network refused the code
            raise AuthFailed(f"{network} refused the authorization ({type(exc).__name__})") from None
        return _options(network, token, client, clock, oauth)
    if network == "reddit":
        reddit = _reddit(client, redirect_uri, transport)
        refresh = reddit.auth.authorize(code)
        return {"client_id": client[0], "client_secret": client[1], "refresh_token": refresh}
    if network == "mastodon":
        mastodon = require("mastodon", "mastodon")
        app = mastodon.Mastodon(
            client_id=flow["client_id"],
            client_secret=flow["client_secret"],
            api_base_url=flow["instance"],
            session=requests_session(transport),
            version_check_mode="none",
        )
        token = app.log_in(code=code, redirect_uri=redirect_uri, scopes=list(MASTODON_SCOPES))
        return {"instance": flow["instance"], "token": token}
    raise Misconfigured(f"{network} is not connected through OAuth")


def _options(
    network: str, token: Mapping[str, Any], client: tuple[str, str], clock: Clock, oauth: Any
) -> dict[str, Any]:
    expiry = expires_at(clock, token.get("expires_in"))
    refresh = token.get("refresh_token")
    base = {"client_id": client[0], "client_secret": client[1]}
    if network == "x":
        return {**base, "user_token": token["access_token"], "refresh_token": refresh, "user_token_expires_at": expiry}
    if network == "youtube":
        mine = oauth.get("https://www.googleapis.com/youtube/v3/channels", params={"part": "id", "mine": "true"})
        items = mine.json().get("items") if mine.ok else None
        channel_id = str(items[0]["id"]) if items else ""
        return {
            **base,
            "access_token": token["access_token"],
            "refresh_token": refresh,
            "token_expires_at": expiry,
            "channel_id": channel_id,
        }
    if network == "linkedin":
        return {**base, "access_token": token["access_token"], "refresh_token": refresh, "token_expires_at": expiry}
    if network == "facebook":
        return {"user_token": token["access_token"]}  # the page and its token are chosen next (`facebook_pages`)
    raise Misconfigured(f"{network} is not connected through OAuth")


def facebook_pages(user_token: str, transport: httpx.BaseTransport | None = None) -> list[dict[str, str]]:
    """The Pages the person manages, each with its Page access token (GET /me/accounts)."""
    with httpx.Client(transport=transport, timeout=20) as http:
        answer = http.get(
            f"https://graph.facebook.com/{GRAPH_DEFAULT}/me/accounts",
            params={"fields": "id,name,access_token"},
            headers={"Authorization": f"Bearer {user_token}"},
        )
    if answer.status_code >= 400:
        raise AuthFailed(f"Facebook would not list the Pages ({answer.status_code})")
    return [
        {"page_id": str(p["id"]), "name": str(p.get("name") or p["id"]), "page_token": str(p["access_token"])}
        for p in answer.json().get("data") or []
        if isinstance(p, dict) and p.get("id") and p.get("access_token")
    ]


def _session(provider: Provider, client_id: str, redirect_uri: str, transport: httpx.BaseTransport | None) -> Any:
    oauthlib_session = require("requests_oauthlib", provider.network)
    oauth = oauthlib_session.OAuth2Session(client_id, redirect_uri=redirect_uri, scope=list(provider.scopes))
    if transport is not None:
        oauth.mount("https://", requests_session(transport).get_adapter("https://"))
    return oauth


def _reddit(client: tuple[str, str], redirect_uri: str, transport: httpx.BaseTransport | None) -> Any:
    praw = require("praw", "reddit")
    return praw.Reddit(
        client_id=client[0],
        client_secret=client[1],
        redirect_uri=redirect_uri,
        user_agent="heard:connect:0.1",
        check_for_updates=False,
        check_for_async=False,
        requestor_kwargs={"session": requests_session(transport)},
    )
