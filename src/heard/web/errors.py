"""Errors as pages rather than JSON: people, not scripts, read this app's responses, except under /api/."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, Response

from heard.web.session import API_PREFIX, login_redirect
from heard.web.templating import page


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

    app.add_exception_handler(HTTPException, http_error)
