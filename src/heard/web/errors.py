"""The one mapping from errors to HTTP responses, and errors as pages rather than JSON: people, not scripts, read
this app's responses, except under /api/.

Routes do not catch domain errors. An action's refusal (`heard.errors.Refused` and its kinds, `BadInput`) is a 4xx
whose text is the action's own reason; something that does not exist is a 404. htmx requests get the reason as
text, which the page shows next to the control the agent used (`heard.js`); API clients get `{"detail": ...}`.
"""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response

from heard.errors import BadInput, Conflict, Forbidden, HeardError, NotFound, Refused
from heard.web.session import API_PREFIX, login_redirect
from heard.web.templating import page

log = structlog.get_logger(__name__)

#: Most specific first: Conflict and Forbidden are kinds of Refused.
STATUSES: tuple[tuple[type[HeardError], int], ...] = (
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
    (Refused, 400),
    (BadInput, 400),
)


def status_of(error: HeardError) -> int | None:
    """The HTTP status a domain error means; None for errors that are no one's request's fault (a 500)."""
    return next((status for kind, status in STATUSES if isinstance(error, kind)), None)


def install_error_pages(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith(API_PREFIX):  # API clients get JSON, and a 401 is a 401, not a login page
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        if exc.status_code == 401:
            return login_redirect(request.scope)
        detail = exc.detail if isinstance(exc.detail, str) else "Something went wrong."
        if request.headers.get("hx-request"):
            return PlainTextResponse(detail, status_code=exc.status_code)
        context = {"status": exc.status_code, "detail": detail}
        response = page(request, "error.html", context, exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HeardError)
        status = status_of(exc)
        if status is None:
            log.error("unexpected error", path=request.url.path, error=type(exc).__name__, detail=str(exc))
            return await http_error(request, HTTPException(500, "Something went wrong on our side."))
        reason = exc.reason if isinstance(exc, BadInput) else str(exc)
        return await http_error(request, HTTPException(status, reason or "This cannot be done."))

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(HeardError, domain_error)
