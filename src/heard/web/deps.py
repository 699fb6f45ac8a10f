"""FastAPI dependencies shared by the routes: the runtime, a database session, the template environment."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from heard.app import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_session(request: Request) -> Iterator[Session]:
    """A read session per request. Writes go through actions, which run their own unit of work."""
    with get_runtime(request).sessions() as session:
        yield session
