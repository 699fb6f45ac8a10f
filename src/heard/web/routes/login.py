"""Logging in and out. The only pages (with static files) that answer without a session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from heard.accounts.agents import MAX_PASSWORD_CHARS, authenticate, password_fingerprint
from heard.app import Runtime
from heard.web.deps import get_runtime
from heard.web.session import end_session, start_session
from heard.web.templating import page
from heard.web.throttle import LoginThrottle

router = APIRouter()
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would make the login page a phishing tool."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 2000:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    if request.state.session.agent_id is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return page(request, "login.html", {"next": safe_next(next), "error": None, "email": ""})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    runtime: RuntimeDep,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=MAX_PASSWORD_CHARS)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    throttle: LoginThrottle = request.app.state.login_throttle
    keys = (f"email:{email.strip().lower()}", f"ip:{request.client.host if request.client else '?'}")
    if (wait := throttle.wait(*keys)) is not None:
        minutes = max(1, round(wait.total_seconds() / 60))
        error = f"Too many failed attempts: try again in {minutes} min."
        return page(request, "login.html", {"next": safe_next(next), "error": error, "email": email}, 429)
    with runtime.sessions.begin() as session:
        agent = authenticate(session, email, password)
        found = (agent.id, password_fingerprint(agent.password_hash)) if agent is not None else None
    if found is None:
        throttle.failed(*keys)
        context = {"next": safe_next(next), "error": "That e-mail and password do not match.", "email": email}
        return page(request, "login.html", context, status_code=401)
    throttle.succeeded(keys[0])
    start_session(request.state, *found)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    end_session(request.state)
    return RedirectResponse("/login", status_code=303)
