"""Errors as pages rather than JSON: people, not scripts, read this app's responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from heard.web.templating import page


def install_error_pages(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else "Something went wrong."
        context = {"status": exc.status_code, "detail": detail}
        response = page(request.app.state.templates, "error.html", context, exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    app.add_exception_handler(HTTPException, http_error)
