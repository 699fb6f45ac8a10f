"""Channels in the web app: the page that lists them with their health, and the webhook endpoints networks
push to (`/webhooks/<channel name>`): GET answers the network's challenge (Meta hub.*, X crc_token,
LinkedIn challengeCode), POST checks the signature, then puts the posts on "posts.raw" like the listen loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from heard.app import Runtime
from heard.channels.actions import ChannelProblem, channel_config, get_channel, list_channels
from heard.connectors.base import Connector, PublishRefused
from heard.connectors.failures import ConnectorFailure
from heard.connectors.registry import connector_class
from heard.errors import MissingExtra
from heard.inbox.feeds import unconfigured_feeds
from heard.web.auth import Me
from heard.web.deps import get_runtime, get_session
from heard.web.intake import parse_delivery, take_posts
from heard.web.templating import page

router = APIRouter()
SessionDep = Annotated[Session, Depends(get_session)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
MAX_BODY = 5 * 1024 * 1024


@router.get("/channels", response_class=HTMLResponse)
def channels_page(request: Request, session: SessionDep, runtime: RuntimeDep, me: Me) -> HTMLResponse:
    feeds = unconfigured_feeds(session, runtime.clock.now())
    return page(request, "channels.html", {"channels": list_channels(session), "feeds": feeds})


def _connector(runtime: Runtime, session: Session, name: str) -> Connector | None:
    try:
        channel = get_channel(session, name)
        config = channel_config(channel, runtime.settings.secret_key, runtime.settings.brand_handles)
        connector = connector_class(channel.kind)(config, clock=runtime.clock)
    except (ChannelProblem, ConnectorFailure, MissingExtra, KeyError):
        return None
    return connector if "webhook" in connector.capabilities else None


@router.get("/webhooks/{name}")
def webhook_challenge(name: str, request: Request, session: SessionDep, runtime: RuntimeDep) -> Response:
    connector = _connector(runtime, session, name)
    params = dict(request.query_params)
    if connector is None:
        return PlainTextResponse("no webhook channel by that name", status_code=404)
    try:
        if "hub.mode" in params and hasattr(connector, "verify_subscription"):
            return PlainTextResponse(connector.verify_subscription(params))
        if "crc_token" in params and hasattr(connector, "crc_response"):
            return JSONResponse(connector.crc_response(params["crc_token"]))
        if "challengeCode" in params and hasattr(connector, "challenge_response"):
            return JSONResponse(connector.challenge_response(params["challengeCode"]))
    except ConnectorFailure:
        return PlainTextResponse("verification failed", status_code=403)
    return PlainTextResponse("no challenge in the request", status_code=400)


@router.post("/webhooks/{name}")
async def webhook_delivery(name: str, request: Request, runtime: RuntimeDep) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return PlainTextResponse("too large", status_code=413)
    # the database, the log and any lookup a connector makes block: keep them off the event loop
    return await run_in_threadpool(_deliver, runtime, name, dict(request.headers), body)


def _deliver(runtime: Runtime, name: str, headers: dict[str, str], body: bytes) -> Response:
    with runtime.sessions() as session:
        connector = _connector(runtime, session, name)
    if connector is None:
        return PlainTextResponse("no webhook channel by that name", status_code=404)
    try:
        result = parse_delivery(connector, headers, body)
    except (ConnectorFailure, PublishRefused):
        return PlainTextResponse("signature does not match", status_code=403)
    # Message id = post key, so a redelivered webhook adds nothing.
    take_posts(runtime, result.posts, result.rejected, "webhook", f"channel:{name}")
    return JSONResponse({"taken": len(result.posts), "set_aside": len(result.rejected)})
