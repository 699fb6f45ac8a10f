"""create_app: the FastAPI application `heard serve` and `heard demo` run."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from heard import schema
from heard.alerts.queries import open_alert_total
from heard.app import Runtime
from heard.web.api_rate import ApiRateLimit
from heard.web.body_limit import BodyLimit
from heard.web.errors import install_error_pages
from heard.web.headers import SecurityHeaders
from heard.web.page_cache import PageCache, WriteCounter
from heard.web.routes import (
    admin,
    agent_reports,
    alerts,
    api,
    api_admin,
    api_data,
    api_team,
    channels,
    composer,
    connect,
    contacts,
    conversations,
    events,
    inbox,
    incidents,
    kb,
    kb_editor,
    lead,
    login,
    reports,
    routing,
    rules,
    saved_replies,
    system,
    team_inbox,
    work,
)
from heard.web.session import SessionCodec, SessionMiddleware
from heard.web.sse import SharedTail, StreamOptions
from heard.web.templating import make_environment
from heard.web.throttle import LoginThrottle

STATIC = Path(__file__).parent / "static"
_ALL_MODELS = schema.MODEL_MODULES  # every mapper must be known before the first query


def create_app(runtime: Runtime) -> FastAPI:
    """The web app over one runtime. Serve it with `heard.web.server.serve` so SSE streams end at shutdown."""
    closing = threading.Event()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        closing.set()

    app = FastAPI(title="Heard", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.templates = make_environment(runtime.clock)
    # The navigation's badge: how many alerts are open, read when a page is drawn.
    app.state.templates.globals["open_alert_count"] = lambda: open_alert_total(runtime.sessions)
    app.state.closing = closing
    app.state.page_cache = PageCache(runtime.log, WriteCounter(runtime.engine), runtime.clock)
    app.state.stream_options = StreamOptions()
    app.state.sse_tail = SharedTail(runtime.log, closing, app.state.stream_options.poll_s)
    app.state.login_throttle = LoginThrottle(runtime.clock)
    app.state.api_rate = ApiRateLimit(runtime.clock, runtime.settings.api_requests_per_min)
    codec = SessionCodec(runtime.settings.secret_key, secure=runtime.settings.env == "production")
    app.add_middleware(SessionMiddleware, codec=codec)
    app.add_middleware(BodyLimit)  # outside the session's CSRF check (which reads forms); its 413 gets the headers
    app.add_middleware(SecurityHeaders, hsts=runtime.settings.env == "production")
    install_error_pages(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        login,
        inbox,
        conversations,
        composer,
        work,
        alerts,
        events,
        channels,
        connect,
        system,
        kb,
        kb_editor,
        lead,
        incidents,
        reports,
        agent_reports,
        admin,
        routing,
        rules,
        saved_replies,
        team_inbox,
        contacts,
        api,
        api_admin,
        api_data,
        api_team,
    ):
        app.include_router(module.router)
    return app
