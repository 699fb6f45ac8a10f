"""Connecting a network account from the web app (`/channels/connect`), as people used to social-care tools
expect: pick the network, sign in there, come back with the channel added (or, for a channel in "reconnect
needed", its credentials replaced). OAuth networks go through `heard.connectors.oauth`; the flow's state (the
CSRF `state`, the PKCE verifier) waits in a signed, short-lived, HttpOnly cookie. Bluesky takes an app password.
`heard channels add` stays for scripts."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.app import Runtime
from heard.channels.actions import ChannelProblem, add_channel, get_channel, record_health, store_credentials
from heard.connectors import oauth
from heard.connectors.base import ChannelConfig
from heard.connectors.failures import ConnectorFailure
from heard.connectors.registry import connector_class
from heard.errors import MissingExtra
from heard.web.auth import Admin
from heard.web.deps import get_runtime, get_session
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
COOKIE = "heard_connect"
COOKIE_MAX_AGE_S = 600
NETWORKS = ("x", "youtube", "reddit", "linkedin", "facebook", "mastodon", "bluesky")


def _signer(runtime: Runtime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.settings.secret_key, salt="heard-connect")


def _transport(request: Request) -> Any:
    """Tests hand the flow recorded traffic through app.state.connect_transport; None is the real network."""
    return getattr(request.app.state, "connect_transport", None)


@router.get("/channels/connect", response_class=HTMLResponse)
def connect_page(request: Request, me: Admin, error: str = "") -> HTMLResponse:
    return page(request, "connect.html", {"networks": NETWORKS, "error": error})


@router.post("/channels/connect/{network}")
async def connect_start(
    network: str,
    request: Request,
    runtime: RuntimeDep,
    me: Admin,
    name: Annotated[str, Form()],
    instance: Annotated[str, Form()] = "",
    identifier: Annotated[str, Form()] = "",
    app_password: Annotated[str, Form()] = "",
    account: Annotated[str, Form()] = "",
) -> Response:
    name = name.strip()
    if network not in NETWORKS or not name:
        return _back("pick a network and name the channel")
    if network == "bluesky":
        options = {"identifier": identifier.strip().lstrip("@"), "app_password": app_password, "mode": "jetstream"}
        return await run_in_threadpool(_save_bluesky, runtime, request, name, options)
    redirect_uri = str(request.url_for("connect_callback", network=network))
    try:
        client = ("", "") if network == "mastodon" else oauth.app_credentials(network)
        started = await run_in_threadpool(
            oauth.start, network, redirect_uri, client, instance=instance.strip(), transport=_transport(request)
        )
    except (ConnectorFailure, MissingExtra) as exc:
        return _back(str(exc))
    except Exception as exc:  # the instance did not answer as Mastodon does, a network error
        return _back(f"could not start connecting {network}: {type(exc).__name__}")
    flow = {**started.state, "name": name, "account": account.strip()}
    response = RedirectResponse(started.url, status_code=303)
    response.set_cookie(
        COOKIE,
        _signer(runtime).dumps(flow),
        max_age=COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="lax",  # the network's redirect back is a top-level GET: Lax sends the cookie
        secure=runtime.settings.env == "production",
        path="/channels/connect",
    )
    return response


@router.get("/channels/connect/{network}/callback", name="connect_callback")
async def connect_callback(
    network: str, request: Request, runtime: RuntimeDep, me: Admin, code: str = "", state: str = "", error: str = ""
) -> Response:
    try:
        flow = _signer(runtime).loads(request.cookies.get(COOKIE, ""), max_age=COOKIE_MAX_AGE_S)
    except BadSignature:
        return _back("the sign-in took too long or came from elsewhere: start again")
    if flow.get("network") != network or not state or state != flow.get("state"):
        return _back("the answer does not belong to this sign-in: start again")
    if error or not code:
        return _back(f"{network} did not authorise Heard ({error or 'no code'})")
    try:
        client = (
            (flow.get("client_id", ""), flow.get("client_secret", ""))
            if network == "mastodon"
            else (oauth.app_credentials(network))
        )
        options = await run_in_threadpool(
            oauth.finish, flow, code, client, runtime.clock, transport=_transport(request)
        )
        if network == "facebook":
            options = await run_in_threadpool(_facebook_page, options, flow.get("account", ""), _transport(request))
        if network == "linkedin" and flow.get("account"):
            options["organization"] = flow["account"]
        if network == "youtube" and flow.get("account") and not options.get("channel_id"):
            options["channel_id"] = flow["account"]
        await run_in_threadpool(_save, runtime, network, flow["name"], options)
    except (ConnectorFailure, ChannelProblem, MissingExtra) as exc:
        return _back(str(exc))
    response = RedirectResponse("/channels", status_code=303)
    response.delete_cookie(COOKIE, path="/channels/connect")
    return response


def _facebook_page(options: dict[str, Any], page_id: str, transport: Any) -> dict[str, Any]:
    pages = oauth.facebook_pages(options["user_token"], transport)
    chosen = [p for p in pages if p["page_id"] == page_id] if page_id else pages[:1]
    if not chosen:
        raise ChannelProblem("that Facebook account manages no such Page (give the Page id, or leave it empty)")
    return {"page_id": chosen[0]["page_id"], "page_token": chosen[0]["page_token"]}


def _save_bluesky(runtime: Runtime, request: Request, name: str, options: dict[str, Any]) -> Response:
    """An app password is checked by logging in (the SDK's session is stored too, so reads need no login)."""
    config = ChannelConfig(name, "bluesky", options=options)
    try:
        connector = connector_class("bluesky")(config, transport=_transport(request), clock=runtime.clock)
        client = connector.client()  # type: ignore[attr-defined]
        options = {**options, **connector.renewed, "brand_dids": str(client._session.did)}
        connector.close()
        _save(runtime, "bluesky", name, options)
    except (ConnectorFailure, ChannelProblem, MissingExtra) as exc:
        return _back(str(exc))
    return RedirectResponse("/channels", status_code=303)


def _save(runtime: Runtime, network: str, name: str, options: dict[str, Any]) -> None:
    """A new channel, or new credentials for an existing one of the same network (a reconnect)."""
    options = {k: v for k, v in options.items() if v not in (None, "")}
    with runtime.sessions.begin() as session:
        try:
            channel = get_channel(session, name)
        except ChannelProblem:
            add_channel(
                session,
                kind=network,
                name=name,
                options=options,
                secret_key=runtime.settings.secret_key,
                now=runtime.clock.now(),
            )
            return
        if channel.kind != network:
            raise ChannelProblem(f"the channel {name!r} is a {channel.kind} channel: pick another name")
        store_credentials(session, channel.id, options, runtime.settings.secret_key)
        record_health(session, channel.id, "unknown", f"reconnected at {runtime.clock.now():%Y-%m-%d %H:%M}Z")


def _back(message: str) -> Response:
    return RedirectResponse(f"/channels/connect?error={json.dumps(message)[1:-1]}", status_code=303)
