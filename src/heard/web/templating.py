"""The Jinja2 environment and the few filters templates need. Autoescape is on for every template: post text,
handles and names are hostile input, and the only filter that emits markup from them (`linkify`) escapes
first."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block
from starlette.requests import Request
from starlette.responses import HTMLResponse

from heard.clock import Clock, as_utc
from heard.inbox.reasons import waited as duration
from heard.inbox.sla import sla_timer
from heard.web.highlight import highlight
from heard.web.linkify import http_url, linkify

TEMPLATES = Path(__file__).parent / "templates"


def make_environment(clock: Clock) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The templates ship with the package and do not change under a running server: no stat of each
        # template file on every render (a workspace page includes a dozen).
        auto_reload=False,
    )

    def since(value: datetime | None) -> str:
        return "" if value is None else duration((clock.now() - as_utc(value)).total_seconds())

    def stamp(value: datetime | None) -> str:
        return "" if value is None else as_utc(value).strftime("%Y-%m-%d %H:%M UTC")

    env.globals["sla_timer"] = lambda conversation, targets=None: sla_timer(conversation, targets, clock.now())
    # A whole queue pane drawn once for every agent, and the slots it marks rows with (heard.web.page_cache).
    env.globals["queue_pane"] = None
    env.globals["row_slot"] = ""
    # The shell of the workspace that every conversation of a queue shares, and its slots (same module).
    env.globals["conversation_slot"] = ""
    env.filters["linkify"] = linkify
    env.filters["highlight"] = highlight
    env.filters["http_url"] = http_url
    env.filters["since"] = since
    env.filters["stamp"] = stamp
    env.filters["iso"] = lambda value: "" if value is None else as_utc(value).isoformat()
    env.filters["span"] = lambda seconds: "–" if seconds is None else duration(seconds)
    env.filters["percent"] = lambda value: "" if value is None else f"{round(float(value) * 100)} %"
    return env


def _response(html: str, status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    # A lone surrogate in hostile text must not turn a page into a 500: encode with replacement.
    return HTMLResponse(html.encode("utf-8", "replace"), status_code=status_code, headers=headers)


def _with_request(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    session = getattr(request.state, "session", None)
    return {
        "csrf_token": session.csrf if session is not None else "",
        "me": getattr(request.state, "agent", None),
        **context,
    }


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    env: Environment = request.app.state.templates
    return _response(env.get_template(name).render(_with_request(request, context)), status_code)


def render(request: Request, name: str, context: dict[str, Any], block: str | None = None) -> str:
    """The page (or one block of it) as text, for heard.web.page_cache to keep."""
    env: Environment = request.app.state.templates
    if block is not None:
        return str(render_block(env, name, block, _with_request(request, context)))
    return env.get_template(name).render(_with_request(request, context))


def html_response(html: str) -> HTMLResponse:
    return _response(html)


def fragment(request: Request, name: str, block: str, context: dict[str, Any]) -> HTMLResponse:
    """One block of a page template, for htmx to swap in: the page and its fragments can never disagree."""
    env: Environment = request.app.state.templates
    return _response(render_block(env, name, block, _with_request(request, context)))
